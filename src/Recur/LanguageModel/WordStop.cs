// A word model's --stop, matched on tokens rather than printed text: the joiner decides the spacing
// ("cat," is printed for the tokens cat and ,), so "cat ," and "cat," must both stop there. As with text,
// the stop's first token may be the end of a longer word ("ra" ends "zebra").
using Recur.Text;

namespace Recur.LanguageModel;

sealed class WordStop
{
    readonly string[] stop;
    readonly Vocabulary vocab;
    readonly int[] recent;   // (count, k) ring: each sample's last k token ids, k = stop.Length
    readonly long[] seen;    // (count) tokens added per sample

    public WordStop(string[] stop, Vocabulary vocab, int count)
    {
        this.stop = stop;
        this.vocab = vocab;
        recent = new int[count * stop.Length];
        seen = new long[count];
    }

    public void Add(int sample, int id)
    {
        int k = stop.Length;
        recent[sample * k + (int)(seen[sample] % k)] = id;
        seen[sample]++;
    }

    /// <summary>Whether sample's last tokens are the stop's.</summary>
    public bool Ends(int sample)
    {
        int k = stop.Length;
        if (seen[sample] < k) return false;
        for (int j = 0; j < k; j++)
        {
            string token = vocab[recent[sample * k + (int)((seen[sample] - k + j) % k)]];
            bool match = token == stop[j]
                || (j == 0 && token != WordTokenizer.EndOfLine && token.EndsWith(stop[0], StringComparison.Ordinal));
            if (!match) return false;
        }
        return true;
    }
}
