// Text ↔ token ids for a model's token kind, shared by training, evaluation and sampling so that they
// agree: "chars" is one token per Unicode character; "words" is WordTokenizer's words, marks and <eos>.
using Recur.Text;

namespace Recur.LanguageModel;

/// <summary>Text to a model's token ids and back, as training, evaluation and sampling read it.</summary>
public static class TokenText
{
    /// <summary>
    /// Token ids of <paramref name="text"/> for a model whose <see cref="ModelConfig.Tokens"/> is <paramref name="kind"/>;
    /// read the text with the model's <see cref="TextOptions"/> (its Lowercase and Ascii) first. A character outside
    /// a character vocabulary is skipped; a word outside a word vocabulary becomes &lt;unk&gt;. Either is counted in
    /// <paramref name="unknown"/>. A <paramref name="kind"/> other than "chars" or "words" is an ArgumentException.
    /// </summary>
    public static int[] Encode(string text, string kind, Vocabulary vocab, Dictionary<string, int>? unknown = null) => kind switch
    {
        ModelConfig.Words => vocab.EncodeWords(WordTokenizer.Tokenize(text), unknown),
        ModelConfig.Chars => vocab.EncodeCharacters(text, unknown),
        _ => throw new ArgumentException($"unknown token kind '{kind}': a model's Tokens is \"{ModelConfig.Chars}\" or \"{ModelConfig.Words}\" " +
            "(ModelConfig.Chars, ModelConfig.Words); pass the loaded model's Config.Tokens", nameof(kind)),
    };

    /// <summary>"3 characters are not in the model's vocabulary and were skipped" (or "1 word is … read as &lt;unk&gt;"), for messages.</summary>
    public static string UnknownNote(string kind, long count)
    {
        bool one = count == 1;
        string what = (kind == ModelConfig.Words ? "word" : "character") + (one ? "" : "s");
        string done = kind == ModelConfig.Words ? $"read as {Vocabulary.Unknown}" : "skipped";
        return $"{count:N0} {what} {(one ? "is" : "are")} not in the model's vocabulary and {(one ? "was" : "were")} {done}";
    }

    /// <summary>
    /// A warning for a file whose text keeps <paramref name="count"/> carriage returns with no line feed after them
    /// (TextFile turns only CRLF into LF): the line ends of a classic Mac file. A character model learns '\r' as its
    /// line end and a word model reads it as a space, so the lines run together with no &lt;eos&gt;; either way a
    /// text with '\n' line ends then reads differently. Null when there are none.
    /// </summary>
    public static string? CarriageReturnNote(string kind, string name, int count)
    {
        if (count == 0) return null;
        string them = count == 1 ? "carriage return (CR) with no line feed after it is" : "carriage returns (CR) with no line feed after them are";
        string read = kind == ModelConfig.Words ? $"read as spaces, not as line ends ({WordTokenizer.EndOfLine})" : "kept as the character '\\r', not read as line ends";
        return $"{IO.PathText.Show(name)}: {count:N0} {them} {read}; if the file has classic Mac line ends, convert them first (e.g. tr '\\r' '\\n' < {IO.PathText.Arg(name)} > fixed.txt)";
    }

    /// <summary>How many carriage returns text read by TextFile keeps: every one has no line feed after it in the file.</summary>
    public static int CarriageReturns(string text) => text.AsSpan().Count('\r');

    /// <summary>The unit of a loss per token in messages: "char" or "word".</summary>
    public static string Unit(string kind) => kind == ModelConfig.Words ? "word" : "char";

    /// <summary>
    /// Turns generated tokens into text that continues <paramref name="after"/>: characters are themselves;
    /// words are joined by WordJoiner's spacing rule and &lt;eos&gt; is a line break.
    /// </summary>
    public static Func<string, string> Joiner(string kind, string after)
    {
        if (kind != ModelConfig.Words) return token => token;
        var joiner = new WordJoiner();
        foreach (var t in WordTokenizer.Tokenize(after)) joiner.Next(t);
        joiner.After(after);
        return joiner.Next;
    }
}
