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
// The text is read in place: tags are cut and the rest lowercased into two buffers each thread reuses,
// and every token is handed on as a span of them (a word is a run of the lowercased text), so reading
// a large data set makes no string per token; Tokenize makes them for those who want strings.
using System.Buffers;
using System.Globalization;
using System.Text;

namespace Recur.Classification;

/// <summary>Splits review text into lowercase word tokens plus emoticons, as seed 002's tokenizer does.</summary>
public static class Tokenizer
{
    /// <summary>Receives one token; the span is valid only during the call.</summary>
    internal delegate void TokenSink(ReadOnlySpan<char> token);

    /// <summary>Receives one token and answers its id; the span is valid only during the call.</summary>
    internal delegate int TokenId(ReadOnlySpan<char> token);

    // Each thread's buffers for a text of up to KeptLength chars: the text without its tags, lowercased,
    // and its ids. A longer text gets its own, which are not kept for the thread's lifetime.
    const int KeptLength = 1 << 16;
    [ThreadStatic] static char[]? untagged, lowered;
    [ThreadStatic] static int[]? keptIds;

    /// <summary>The tokens of <paramref name="text"/>, in order.</summary>
    public static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        Tokenize(text, tokens);
        return tokens;
    }

    /// <summary>Appends the tokens of <paramref name="text"/> to <paramref name="tokens"/>.</summary>
    public static void Tokenize(string text, List<string> tokens) => Read(text, token => tokens.Add(token.ToString()));

    /// <summary>The ids <paramref name="id"/> gives the tokens of <paramref name="text"/>, in order.</summary>
    internal static int[] Ids(string text, TokenId id)
    {
        ArgumentNullException.ThrowIfNull(text);
        var buffer = keptIds ??= new int[KeptLength];
        int count = 0;
        Read(text, token =>
        {
            if (count == buffer.Length) Array.Resize(ref buffer, 2 * buffer.Length);
            buffer[count++] = id(token);
        });
        return buffer[..count];
    }

    /// <summary>Hands each token of <paramref name="text"/> to <paramref name="sink"/>, in order.</summary>
    internal static void Read(string text, TokenSink sink)
    {
        ArgumentNullException.ThrowIfNull(text);
        var untaggedText = StripTags(text.AsSpan(), ref untagged);
        var lower = Buffer(ref lowered, untaggedText.Length);
        LowerInvariant(untaggedText, lower);
        int next = NextEmoticon(lower, 0, out string? firstEmoticon);
        int start = -1;   // where the last word began, when the text ends in one; else -1
        for (int i = 0, n = lower.Length; i < n;)
        {
            int skip = lower[i..].IndexOfAnyExcept(AsciiNonWord);   // the next character that may start a word
            if (skip < 0) break;
            int from = i += skip, used = 0;
            while (i < n)
            {
                int run = lower[i..].IndexOfAnyExcept(AsciiWord);
                if (run < 0) { i = n; break; }
                i += run;
                if (char.IsAscii(lower[i]) || !IsWordAt(lower, i, out used)) break;
                i += used;
            }
            if (i == n) start = from;                // the last word: its emoticon may join it
            else if (i > from) sink(lower[from..i]);
            else i += used;                          // a character outside ASCII that is not a word character
        }
        if (start >= 0)
        {
            if (firstEmoticon == null) sink(lower[start..]);
            else
            {
                // "text" + "e1 e2": the first emoticon is glued to a trailing word. The untagged text is read
                // (lowercased) by now, so its buffer holds the glued token.
                var glued = Buffer(ref untagged, lower.Length - start + 2);
                lower[start..].CopyTo(glued);
                firstEmoticon.CopyTo(glued[(lower.Length - start)..]);
                sink(glued);
                next = NextEmoticon(lower, next, out firstEmoticon);
            }
        }
        for (string? emoticon = firstEmoticon; emoticon != null; next = NextEmoticon(lower, next, out emoticon))
            sink(emoticon);
    }

    /// <summary>Removes `&lt;[^&gt;]*&gt;` matches: each '&lt;' through the next '&gt;'.</summary>
    public static string StripTags(string text)
    {
        var untaggedText = StripTags(text.AsSpan(), ref untagged);
        return untaggedText.Length == text.Length ? text : untaggedText.ToString();   // a tag is at least "<>"
    }

    /// <summary>The text without its tags: <paramref name="text"/> itself when it has none, else a span of <paramref name="buffer"/>.</summary>
    static ReadOnlySpan<char> StripTags(ReadOnlySpan<char> text, ref char[]? buffer)
    {
        int open = text.IndexOf('<');
        if (open < 0 || text[(open + 1)..].IndexOf('>') < 0) return text;
        var result = Buffer(ref buffer, text.Length);
        int length = 0, pos = 0;
        while (open >= 0)
        {
            int close = text[(open + 1)..].IndexOf('>');
            if (close < 0) break; // no later '>': neither this '<' nor any after it starts a tag
            close += open + 1;
            text[pos..open].CopyTo(result[length..]);
            length += open - pos;
            pos = close + 1;
            open = text[pos..].IndexOf('<');
            if (open >= 0) open += pos;
        }
        text[pos..].CopyTo(result[length..]);
        return result[..(length + text.Length - pos)];
    }

    /// <summary><paramref name="length"/> chars of the thread's buffer <paramref name="kept"/>, or of a new one for a longer text.</summary>
    static Span<char> Buffer(ref char[]? kept, int length) =>
        length > KeptLength ? new char[length] : (kept ??= new char[KeptLength]).AsSpan(0, length);

    static readonly string[] EmoticonTokens = [":)", ":(", ";)", ";(", "=)", "=("];

    /// <summary>
    /// The first emoticon of lowercased text at or after <paramref name="from"/> ("-" removed: ":)", ";(", "=)"),
    /// or null; returns where the search goes on, past it. Emoticons do not overlap.
    /// </summary>
    static int NextEmoticon(ReadOnlySpan<char> lower, int from, out string? emoticon)
    {
        for (int i = from; i < lower.Length; i++)
        {
            int found = lower[i..].IndexOfAny(':', ';', '=');
            if (found < 0) break;
            i += found;
            int j = i + 1;
            if (j < lower.Length && lower[j] == '-') j++;
            if (j < lower.Length && lower[j] is ')' or '(')
            {
                int eyes = lower[i] switch { ':' => 0, ';' => 2, _ => 4 };
                emoticon = EmoticonTokens[eyes + (lower[j] == ')' ? 0 : 1)];
                return j + 1;
            }
        }
        emoticon = null;
        return lower.Length;
    }

    // The ASCII word characters, and the other ASCII characters.
    static readonly SearchValues<char> AsciiWord = SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz");
    static readonly SearchValues<char> AsciiNonWord = SearchValues.Create(
        Enumerable.Range(0, 128).Select(c => (char)c).Where(c => !AsciiWord.Contains(c)).ToArray());

    /// <summary>
    /// string.ToLowerInvariant into <paramref name="lower"/>: runs of ASCII by the vectorized ASCII rule, the rest
    /// by the invariant culture's (a character maps alone, so text cut at ASCII characters maps the same).
    /// </summary>
    static void LowerInvariant(ReadOnlySpan<char> text, Span<char> lower)
    {
        while (true)
        {
            if (Ascii.ToLower(text, lower, out int done) == OperationStatus.Done) return;
            text = text[done..];
            lower = lower[done..];
            int other = text.IndexOfAnyInRange('\0', '\x7f');   // the end of the run outside ASCII
            if (other < 0) other = text.Length;
            text[..other].ToLowerInvariant(lower);
            text = text[other..];
            lower = lower[other..];
        }
    }

    /// <summary>Whether the character at <paramref name="i"/> is a word character (a surrogate pair read whole, a lone surrogate as U+FFFD, which is not).</summary>
    static bool IsWordAt(ReadOnlySpan<char> text, int i, out int used)
    {
        char c = text[i];
        used = 1;
        if (!char.IsSurrogate(c)) return IsWord(new Rune(c));
        if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
        {
            used = 2;
            return IsWord(new Rune(c, text[i + 1]));
        }
        return false;
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
