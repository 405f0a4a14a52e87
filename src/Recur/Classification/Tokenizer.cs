// The IMDb tokenizer of seed 002 (the book's ch. 12), reproduced rule for rule so that the train split
// gives the same 75,977 distinct tokens:
//   1. remove every `<...>` (a '<' up to the next '>', across lines; a '<' with no later '>' stays);
//   2. collect emoticons from the lowercased text: one of `: ; =`, an optional '-', then one of `) (`
//      (the seed's pattern also lists 'D' and 'P', but it runs on lowercased text, where they never
//      occur, so `:D` and `=P` are not collected; kept as the seed does it);
//   3. lowercase, replace every run of non-word characters by one space, split on spaces;
//   4. append the emoticons with '-' removed. The seed appends them with no separating space, so the
//      first emoticon joins the last word when the text ends in a word character ("good:)").
// Word characters are Python's `\w` on str: letters, decimal/other digits, numeric letters and '_'.
using System.Globalization;
using System.Text;

namespace Recur.Classification;

/// <summary>Splits review text into lowercase word tokens plus emoticons, as seed 002's tokenizer does.</summary>
public static class Tokenizer
{
    /// <summary>The tokens of <paramref name="text"/>, in order.</summary>
    public static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        Tokenize(text, tokens);
        return tokens;
    }

    /// <summary>Appends the tokens of <paramref name="text"/> to <paramref name="tokens"/>.</summary>
    public static void Tokenize(string text, List<string> tokens)
    {
        string lower = StripTags(text).ToLowerInvariant();
        var emoticons = Emoticons(lower);
        var word = new StringBuilder();
        bool endsInWord = false;
        foreach (var rune in lower.EnumerateRunes())
        {
            if (IsWord(rune)) { word.Append(rune.ToString()); endsInWord = true; continue; }
            endsInWord = false;
            if (word.Length > 0) { tokens.Add(word.ToString()); word.Clear(); }
        }
        if (word.Length > 0) tokens.Add(word.ToString());
        if (emoticons.Count == 0) return;
        // "text" + "e1 e2": the first emoticon is glued to a trailing word.
        int start = 0;
        if (endsInWord) { tokens[^1] += emoticons[0]; start = 1; }
        for (int i = start; i < emoticons.Count; i++) tokens.Add(emoticons[i]);
    }

    /// <summary>Removes `&lt;[^&gt;]*&gt;` matches: each '&lt;' through the next '&gt;'.</summary>
    public static string StripTags(string text)
    {
        int open = text.IndexOf('<');
        if (open < 0) return text;
        var sb = new StringBuilder(text.Length);
        int pos = 0;
        while (open >= 0)
        {
            int close = text.IndexOf('>', open + 1);
            if (close < 0) break; // no later '>': neither this '<' nor any after it starts a tag
            sb.Append(text, pos, open - pos);
            pos = close + 1;
            open = text.IndexOf('<', pos);
        }
        sb.Append(text, pos, text.Length - pos);
        return sb.ToString();
    }

    /// <summary>Emoticons of lowercased text in order, non-overlapping, with '-' removed: ":)", ";(", "=)".</summary>
    static List<string> Emoticons(string lower)
    {
        var found = new List<string>();
        for (int i = 0; i < lower.Length; i++)
        {
            char eyes = lower[i];
            if (eyes is not (':' or ';' or '=')) continue;
            int j = i + 1;
            if (j < lower.Length && lower[j] == '-') j++;
            if (j < lower.Length && lower[j] is ')' or '(')
            {
                found.Add(string.Concat(eyes, lower[j]));
                i = j;
            }
        }
        return found;
    }

    /// <summary>Python's `\w` for str: str.isalnum() or '_'.</summary>
    public static bool IsWord(Rune r)
    {
        if (r.Value == '_') return true;
        switch (Rune.GetUnicodeCategory(r))
        {
            case UnicodeCategory.UppercaseLetter:
            case UnicodeCategory.LowercaseLetter:
            case UnicodeCategory.TitlecaseLetter:
            case UnicodeCategory.ModifierLetter:
            case UnicodeCategory.OtherLetter:
            case UnicodeCategory.DecimalDigitNumber:
            case UnicodeCategory.LetterNumber:
            case UnicodeCategory.OtherNumber:
                return true;
            default:
                return false;
        }
    }
}
