// Word ids by frequency in the training texts, as seed 002 builds them: tokens sorted by count,
// descending, ties in first-seen order (a stable sort), after "<pad>" = 0 and "<unk>" = 1. A word seen
// fewer than min-freq times, or past the max-vocab most frequent, maps to <unk> like any unseen word.
namespace Recur.Classification;

/// <summary>Token ↔ id. Id 0 is &lt;pad&gt; (padding), id 1 is &lt;unk&gt; (any word not in the vocabulary).</summary>
public sealed class ClassifierVocabulary
{
    /// <summary>The ids of &lt;pad&gt; (fills a batch past a text's end; its embedding row is padding_idx) and &lt;unk&gt;.</summary>
    public const int PadId = 0, UnkId = 1;
    /// <summary>The two reserved tokens, ids 0 and 1.</summary>
    public const string Pad = "<pad>", Unk = "<unk>";

    readonly string[] tokens;
    readonly Dictionary<string, int> ids;

    /// <summary>A vocabulary from tokens in id order; the first two must be &lt;pad&gt; and &lt;unk&gt;.</summary>
    public ClassifierVocabulary(IReadOnlyList<string> tokensInIdOrder)
    {
        if (tokensInIdOrder.Count < 2 || tokensInIdOrder[0] != Pad || tokensInIdOrder[1] != Unk)
            throw new InvalidDataException($"a vocabulary starts with '{Pad}' and '{Unk}'");
        tokens = [.. tokensInIdOrder];
        ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
            if (!ids.TryAdd(tokens[i], i)) throw new InvalidDataException($"token '{tokens[i]}' appears twice in the vocabulary");
    }

    /// <summary>V, the number of ids (words plus the two specials).</summary>
    public int Count => tokens.Length;

    /// <summary>The token with id <paramref name="id"/>.</summary>
    public string this[int id] => tokens[id];

    /// <summary>Tokens in id order.</summary>
    public IReadOnlyList<string> Tokens => tokens;

    /// <summary>The id of <paramref name="token"/>, or <see cref="UnkId"/>.</summary>
    public int Id(string token) => ids.TryGetValue(token, out int id) ? id : UnkId;

    /// <summary>The ids of a text's tokens.</summary>
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var toks = Tokenizer.Tokenize(text);
        var result = new int[toks.Count];
        for (int i = 0; i < result.Length; i++) result[i] = Id(toks[i]);
        return result;
    }

    /// <summary>
    /// Counts the tokens of <paramref name="tokenizedTexts"/> and keeps those seen at least <paramref name="minFreq"/>
    /// times, most frequent first (ties in first-seen order), at most <paramref name="maxWords"/> of them.
    /// </summary>
    public static ClassifierVocabulary Build(IEnumerable<IReadOnlyList<string>> tokenizedTexts, int minFreq = 1, int? maxWords = null)
    {
        if (minFreq < 1) throw new ArgumentOutOfRangeException(nameof(minFreq), $"min-freq {minFreq} must be at least 1");
        if (maxWords is < 1) throw new ArgumentOutOfRangeException(nameof(maxWords), $"max-vocab {maxWords} must be at least 1");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var text in tokenizedTexts)
            foreach (var token in text)
            {
                ref int n = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(counts, token, out bool existed);
                if (!existed) order.Add(token);
                n++;
            }
        // A stable sort by count keeps first-seen order among equal counts (Python's sorted).
        var words = order.Where(t => counts[t] >= minFreq && t != Pad && t != Unk)
            .Select((t, i) => (Token: t, Count: counts[t], First: i))
            .OrderByDescending(w => w.Count).ThenBy(w => w.First)
            .Select(w => w.Token);
        if (maxWords is int max) words = words.Take(max);
        return new ClassifierVocabulary([Pad, Unk, .. words]);
    }
}
