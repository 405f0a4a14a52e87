// Seed 004's "human numbers" corpus: the numbers in English words, as fast.ai's dataset spells them —
// no "and", no hyphens ("one thousand three hundred twelve", "twenty one") — separated by " , ".
// `recur numbers` writes 1..8000 as train.txt and 8001..9999 as valid.txt (the seed's split).
namespace Recur.Text;

/// <summary>Seed 004's corpus: numbers spelled in English words, as `recur numbers` writes them.</summary>
public static class HumanNumbers
{
    static readonly string[] Ones =
    [
        "", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ];
    static readonly string[] Tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

    /// <summary>The last number of the training file and of the validation file.</summary>
    public const int TrainLast = 8000, ValidLast = 9999;

    /// <summary>English words for 1 ≤ <paramref name="n"/> ≤ 999,999.</summary>
    public static string Spell(int n)
    {
        if (n < 1 || n > 999_999) throw new ArgumentOutOfRangeException(nameof(n), $"{n} is outside 1..999,999");
        var words = new List<string>();
        if (n >= 1000)
        {
            words.Add(Spell(n / 1000));
            words.Add("thousand");
            n %= 1000;
        }
        if (n >= 100)
        {
            words.Add(Ones[n / 100]);
            words.Add("hundred");
            n %= 100;
        }
        if (n >= 20)
        {
            words.Add(Tens[n / 10]);
            n %= 10;
        }
        if (n > 0) words.Add(Ones[n]);
        return string.Join(' ', words);
    }

    /// <summary>The numbers <paramref name="first"/>..<paramref name="last"/> spelled out, " , " between them, ending in a line end.</summary>
    public static string Text(int first, int last) =>
        string.Join(" , ", Enumerable.Range(first, last - first + 1).Select(Spell)) + "\n";
}
