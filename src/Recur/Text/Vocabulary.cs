// Token ↔ id maps. A character vocabulary holds every distinct Unicode scalar value of the whole corpus
// (a surrogate pair is one character, so Chinese or emoji text works), sorted by code point; it is
// built before the validation split, so validation text never holds an unknown character.
// A word vocabulary (--tokens words) is <unk> (id 0) followed by the training split's tokens by
// decreasing frequency, ties in ordinal string order, cut to --max-vocab entries; any other token is
// read as <unk>.
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Recur.Text;

/// <summary>The tokens of a model in id order.</summary>
public sealed class Vocabulary
{
    readonly string[] tokens;
    readonly Dictionary<string, int> ids;

    /// <summary>The vocabulary whose id i is the i-th of <paramref name="tokens"/>; InvalidDataException for none or for one listed twice.</summary>
    public Vocabulary(IEnumerable<string> tokens)
    {
        this.tokens = tokens.ToArray();
        ids = new Dictionary<string, int>(this.tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < this.tokens.Length; i++)
            if (!ids.TryAdd(this.tokens[i], i)) throw new InvalidDataException($"vocabulary lists {Describe(this.tokens[i])} twice");
        if (this.tokens.Length == 0) throw new InvalidDataException("vocabulary is empty");
    }

    /// <summary>The token that stands for every word outside a word vocabulary.</summary>
    public const string Unknown = "<unk>";

    /// <summary>V, the number of tokens.</summary>
    public int Count => tokens.Length;
    /// <summary>The tokens in id order.</summary>
    public IReadOnlyList<string> Tokens => tokens;
    /// <summary>The token of <paramref name="id"/>, which must be in [0, V).</summary>
    public string this[int id] => tokens[id];
    /// <summary>The id of <paramref name="token"/> (ordinal match); false when it is not in the vocabulary.</summary>
    public bool TryGetId(string token, out int id) => ids.TryGetValue(token, out id);

    /// <summary>Every distinct character of <paramref name="text"/>, by code point.</summary>
    public static Vocabulary FromCharacters(string text) => FromCharacters([text]);

    /// <summary>Every distinct character of all <paramref name="texts"/>, by code point (a lone surrogate reads as U+FFFD).</summary>
    internal static Vocabulary FromCharacters(IEnumerable<string> texts)
    {
        // One flag per BMP code point and a set for the rest: a tree insert per character took 4.7 s on 223 MB.
        var bmp = new bool[0x10000];
        var astral = new SortedSet<int>();
        foreach (string text in texts)
            for (int i = 0; i < text.Length; i++)
            {
                if (!char.IsSurrogate(text[i])) { bmp[text[i]] = true; continue; }
                Rune.DecodeFromUtf16(text.AsSpan(i), out var r, out int used);
                if (r.IsBmp) bmp[r.Value] = true; else astral.Add(r.Value);
                i += used - 1;
            }
        var codes = Enumerable.Range(0, bmp.Length).Where(c => bmp[c]).Concat(astral);
        return new Vocabulary(codes.Select(c => new Rune(c).ToString()));
    }

    /// <summary>
    /// &lt;unk&gt; and then the distinct <paramref name="words"/> by decreasing count (ties by ordinal order),
    /// at most <paramref name="maxSize"/> entries in all (0: every word).
    /// </summary>
    public static Vocabulary FromWords(IEnumerable<string> words, int maxSize = 0)
    {
        if (maxSize is < 0 or 1) throw new ArgumentException($"--max-vocab must be 0 (no limit) or at least 2 (got {maxSize})");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var w in words)
            if (w != Unknown) counts[w] = counts.GetValueOrDefault(w) + 1;
        var ordered = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key);
        if (maxSize > 0) ordered = ordered.Take(maxSize - 1);
        return new Vocabulary(ordered.Prepend(Unknown));
    }

    /// <summary>Ids of word tokens; a word outside the vocabulary becomes &lt;unk&gt; and is counted in <paramref name="unknown"/>.</summary>
    public int[] EncodeWords(IReadOnlyList<string> words, Dictionary<string, int>? unknown = null)
    {
        if (!ids.TryGetValue(Unknown, out int unk)) throw new InvalidOperationException("not a word vocabulary: it has no <unk>");
        var result = new int[words.Count];
        for (int i = 0; i < result.Length; i++)
        {
            if (ids.TryGetValue(words[i], out int id)) result[i] = id;
            else
            {
                result[i] = unk;
                if (unknown != null) unknown[words[i]] = unknown.GetValueOrDefault(words[i]) + 1;
            }
        }
        return result;
    }

    /// <summary>Character ids of <paramref name="text"/>; characters outside the vocabulary are skipped and counted.</summary>
    public int[] EncodeCharacters(string text, Dictionary<string, int>? unknown = null)
    {
        var result = new int[text.Length];   // at most one id per UTF-16 unit
        int n = EncodeCharacters(text, result, unknown).Written;
        return n == result.Length ? result : result[..n];
    }

    /// <summary>
    /// Writes the ids of <paramref name="text"/>'s characters to <paramref name="ids"/> until the text ends or the
    /// next known character finds <paramref name="ids"/> full; unknown characters on the way are skipped and counted.
    /// Returns the ids written and the UTF-16 units read, so a text can be encoded into consecutive buffers.
    /// </summary>
    internal (int Written, int Read) EncodeCharacters(ReadOnlySpan<char> text, Span<int> ids, Dictionary<string, int>? unknown)
    {
        var table = CharacterIds();
        int n = 0, i = 0;
        while (i < text.Length)
        {
            int id = IdAt(table, text, i, out int used);
            if (id < 0)
            {
                if (unknown != null)
                {
                    Rune.DecodeFromUtf16(text[i..], out var r, out _);   // a lone surrogate counts as U+FFFD
                    string s = r.ToString();
                    unknown[s] = unknown.GetValueOrDefault(s) + 1;
                }
            }
            else if (n == ids.Length) break;
            else ids[n++] = id;
            i += used;
        }
        return (n, i);
    }

    /// <summary>Ids <see cref="EncodeCharacters(string, Dictionary{string, int}?)"/> writes for <paramref name="text"/>.</summary>
    internal int CountCharacters(ReadOnlySpan<char> text)
    {
        var table = CharacterIds();
        int n = 0;
        for (int i = 0, used; i < text.Length; i += used)
            if (IdAt(table, text, i, out used) >= 0) n++;
        return n;
    }

    /// <summary>The id of the character at text[i] (-1: not in the vocabulary); <paramref name="used"/>: its UTF-16 units.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static int IdAt(CharacterTable table, ReadOnlySpan<char> text, int i, out int used)
    {
        used = 1;
        if (!char.IsSurrogate(text[i])) return table.Bmp[text[i]];
        Rune.DecodeFromUtf16(text[i..], out var r, out used);   // a lone surrogate reads as U+FFFD
        return r.IsBmp ? table.Bmp[r.Value] : table.Astral.GetValueOrDefault(r.Value, -1);
    }

    sealed record CharacterTable(int[] Bmp, Dictionary<int, int> Astral);
    CharacterTable? characterIds;

    /// <summary>
    /// The id of every BMP code point (-1: not in the vocabulary) and of each character above U+FFFF: a table
    /// lookup per character instead of a string and a hash lookup (9 s on 223 MB). Built on first use; two
    /// threads may both build it, to the same content.
    /// </summary>
    CharacterTable CharacterIds()
    {
        if (characterIds is { } built) return built;
        var bmp = new int[0x10000];
        Array.Fill(bmp, -1);
        var astral = new Dictionary<int, int>();
        for (int id = 0; id < tokens.Length; id++)
        {
            if (Rune.DecodeFromUtf16(tokens[id], out var r, out int used) != System.Buffers.OperationStatus.Done || used != tokens[id].Length) continue;
            if (r.IsBmp) bmp[r.Value] = id; else astral[r.Value] = id;
        }
        return characterIds = new CharacterTable(bmp, astral);
    }

    /// <summary>Character ids of <paramref name="text"/>, or an error naming the first unknown character.</summary>
    public int[] EncodeCharactersStrict(string text, string what)
    {
        var unknown = new Dictionary<string, int>();
        var encoded = EncodeCharacters(text, unknown);
        if (unknown.Count > 0)
            throw new InvalidDataException($"{what} contains {string.Join(", ", unknown.Keys.Take(5).Select(Describe))}, which the model never saw in training; leave {(unknown.Count == 1 ? "it" : "them")} out ('recur info' lists the characters it knows)");
        return encoded;
    }

    /// <summary>The tokens as a JSON array of strings, as model files hold it in "recur.vocab".</summary>
    public string ToJson() => JsonSerializer.Serialize(tokens);

    /// <summary>Reads <see cref="ToJson"/>'s form; InvalidDataException for anything but a non-empty array of distinct strings.</summary>
    public static Vocabulary FromJson(string json)
    {
        string[]? list;
        try { list = JsonSerializer.Deserialize<string[]>(json); }
        catch (JsonException e) { throw new InvalidDataException($"vocabulary is not a JSON array of strings ({IO.ErrorText.Json(e)})", e); }
        // JSON null reads without complaint, as the list or as an entry: only a damaged file holds one.
        if (list == null) throw new InvalidDataException("metadata 'recur.vocab' is null, not a list of strings; the file is damaged");
        int none = Array.IndexOf(list, null);
        if (none >= 0) throw new InvalidDataException($"metadata 'recur.vocab' entry {none + 1} is null, not a string; the file is damaged");
        return new Vocabulary(list);
    }

    /// <summary>A token for messages: 'é' (U+00E9), or the escape of a control character.</summary>
    public static string Describe(string token)
    {
        if (token.EnumerateRunes().Count() != 1) return IO.ErrorText.Quote(token, 40);   // a word: cut, so a 100,000-letter "word" is no 100 kB message
        var r = token.EnumerateRunes().First();
        string shown = Rune.IsControl(r) || Rune.IsWhiteSpace(r) ? JsonSerializer.Serialize(token).Trim('"') : token;
        return $"'{shown}' (U+{r.Value:X4})";
    }
}
