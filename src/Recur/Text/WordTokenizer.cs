// Word tokens (--tokens words) and how generated tokens are joined back into text. The rule, also in
// docs/cli.md:
//  - a word is a maximal run of letters, digits and combining marks, with an apostrophe (' or ’) kept
//    inside it when a letter or digit stands on both sides ("don't", "o'clock"); any other apostrophe
//    is a mark of its own;
//  - every other character that is not whitespace (punctuation, symbols) is a token by itself, so
//    "--" is two "-" tokens and "..." three "." tokens;
//  - whitespace only separates, except a line end, which is the token <eos>.
// Joining puts one space between tokens except: none before , . ; : ! ? % ) ] } » ” ’ or a closing
// quote; none after ( [ { « “ ‘ $ # or an opening quote; none on either side of - – — / ; a line
// break for <eos> with nothing after it. A straight quote (" or ') opens when an even number of its
// kind has been seen since the last blank line, and closes otherwise.
using System.Globalization;
using System.Text;

namespace Recur.Text;

/// <summary>Splits text into word and punctuation tokens.</summary>
public static class WordTokenizer
{
    /// <summary>The token a line end becomes.</summary>
    public const string EndOfLine = "<eos>";

    /// <summary>The tokens of <paramref name="text"/>: words (runs of letters, digits and combining marks, an inner apostrophe kept), every other mark alone, a line end as &lt;eos&gt;.</summary>
    public static List<string> Tokenize(string text)
    {
        // Each distinct token is one string, shared by all its occurrences: a 50 MB text is 13 million tokens but
        // 14 thousand distinct ones (a string per occurrence took 1 GB). A word is a run of the text itself.
        var tokens = new List<string>(text.Length / 4);
        var distinct = new HashSet<string>(StringComparer.Ordinal);
        var lookup = distinct.GetAlternateLookup<ReadOnlySpan<char>>();
        string Shared(ReadOnlySpan<char> token)
        {
            if (lookup.TryGetValue(token, out var s)) return s;
            s = token.ToString();
            distinct.Add(s);
            return s;
        }
        Span<char> mark = stackalloc char[2];
        int start = -1;   // where the word being read began; -1: none
        var previous = default(Rune);
        for (int i = 0, used; i < text.Length; i += used)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var r, out used);   // a lone surrogate reads as U+FFFD
            if (IsWordRune(r) || (IsApostrophe(r) && start >= 0 && Rune.IsLetterOrDigit(previous) && LetterOrDigitAt(text, i + used)))
            {
                if (start < 0) start = i;
            }
            else
            {
                if (start >= 0) tokens.Add(Shared(text.AsSpan(start, i - start)));
                start = -1;
                if (r.Value == '\n') tokens.Add(EndOfLine);
                else if (!Rune.IsWhiteSpace(r)) tokens.Add(Shared(mark[..r.EncodeToUtf16(mark)]));
            }
            previous = r;
        }
        if (start >= 0) tokens.Add(Shared(text.AsSpan(start)));
        return tokens;
    }

    static bool LetterOrDigitAt(string text, int i)
    {
        if (i >= text.Length) return false;
        Rune.DecodeFromUtf16(text.AsSpan(i), out var r, out _);
        return Rune.IsLetterOrDigit(r);
    }

    static bool IsWordRune(Rune r) => Rune.IsLetterOrDigit(r) || Rune.GetUnicodeCategory(r) is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    static bool IsApostrophe(Rune r) => r.Value is '\'' or '\u2019';

    /// <summary>Joins tokens into text by the rule above.</summary>
    public static string Detokenize(IEnumerable<string> tokens)
    {
        var joiner = new WordJoiner();
        var sb = new StringBuilder();
        foreach (var t in tokens) sb.Append(joiner.Next(t));
        return sb.ToString();
    }
}

/// <summary>Joins word tokens one at a time (sampling streams them), keeping the spacing and quote state.</summary>
public sealed class WordJoiner
{
    const string NoSpaceBefore = ",.;:!?%)]}»”’";
    const string NoSpaceAfter = "([{«“‘$#";
    const string Joining = "-–—/";

    bool lineStart = true;   // nothing on the line yet, or the previous text ended in whitespace
    bool glueNext;           // the previous token wants no space after it
    string? previous;
    int doubleQuotes, singleQuotes;   // straight quotes seen since the last blank line

    /// <summary>Continues after <paramref name="text"/> (e.g. a prime) once its tokens went through Next: a trailing space means no space is added before the next token.</summary>
    public void After(string text)
    {
        if (text.Length > 0 && char.IsWhiteSpace(text[^1])) lineStart = true;
    }

    /// <summary>The text that token adds: a separator (or none) and the token, or a line break for &lt;eos&gt;.</summary>
    public string Next(string token)
    {
        if (token == WordTokenizer.EndOfLine)
        {
            if (previous == WordTokenizer.EndOfLine) doubleQuotes = singleQuotes = 0;   // a blank line ends a paragraph
            previous = token;
            lineStart = true;
            glueNext = false;
            return "\n";
        }
        bool space = !lineStart && !glueNext;
        bool glueAfter = false;
        if (token.Length == 1)
        {
            char c = token[0];
            if (c == '"' || c == '\'')
            {
                ref int count = ref c == '"' ? ref doubleQuotes : ref singleQuotes;
                bool opening = count % 2 == 0;
                count++;
                if (opening) glueAfter = true;
                else space = false;
            }
            else if (NoSpaceBefore.Contains(c)) space = false;
            else if (NoSpaceAfter.Contains(c)) glueAfter = true;
            else if (Joining.Contains(c)) { space = false; glueAfter = true; }
        }
        previous = token;
        lineStart = false;
        glueNext = glueAfter;
        return space ? " " + token : token;
    }
}
