// Word ids by frequency in the training texts, as seed 002 builds them: tokens sorted by count,
// descending, ties in first-seen order (a stable sort), after "<pad>" = 0 and "<unk>" = 1. A word seen
// fewer than min-freq times, or past the max-vocab most frequent, maps to <unk> like any unseen word.
// Large data is read without a string per token: texts become numbers in a table of distinct tokens (as
// the threads reading them meet them), counted in data order, then renumbered by the vocabulary (ReadTexts).
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

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
    readonly Tokenizer.TokenId spanId;   // Id for a token read in place

    /// <summary>A vocabulary from tokens in id order; the first two must be &lt;pad&gt; and &lt;unk&gt;.</summary>
    public ClassifierVocabulary(IReadOnlyList<string> tokensInIdOrder)
    {
        if (tokensInIdOrder.Count < 2 || tokensInIdOrder[0] != Pad || tokensInIdOrder[1] != Unk)
            throw new InvalidDataException($"a vocabulary starts with '{Pad}' and '{Unk}'");
        tokens = [.. tokensInIdOrder];
        ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
            if (!ids.TryAdd(tokens[i], i)) throw new InvalidDataException($"token '{tokens[i]}' appears twice in the vocabulary");
        var spans = ids.GetAlternateLookup<ReadOnlySpan<char>>();
        spanId = token => spans.TryGetValue(token, out int id) ? id : UnkId;
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
        return Tokenizer.Ids(text, spanId);
    }

    /// <summary>
    /// Counts the tokens of <paramref name="tokenizedTexts"/> and keeps those seen at least <paramref name="minFreq"/>
    /// times, most frequent first (ties in first-seen order), at most <paramref name="maxWords"/> of them.
    /// </summary>
    public static ClassifierVocabulary Build(IEnumerable<IReadOnlyList<string>> tokenizedTexts, int minFreq = 1, int? maxWords = null)
    {
        CheckLimits(minFreq, maxWords);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var text in tokenizedTexts)
            foreach (var token in text)
            {
                ref int n = ref CollectionsMarshal.GetValueRefOrAddDefault(counts, token, out bool existed);
                if (!existed) order.Add(token);
                n++;
            }
        return Ranked(order.Select(t => (t, counts[t])), minFreq, maxWords);
    }

    /// <summary>Refuses a min-freq or max-vocab below 1 before any counting.</summary>
    static void CheckLimits(int minFreq, int? maxWords)
    {
        if (minFreq < 1) throw new ArgumentOutOfRangeException(nameof(minFreq), $"min-freq {minFreq} must be at least 1");
        if (maxWords is < 1) throw new ArgumentOutOfRangeException(nameof(maxWords), $"max-vocab {maxWords} must be at least 1");
    }

    /// <summary>The vocabulary of tokens counted in first-seen order: most frequent first, ties in that order.</summary>
    static ClassifierVocabulary Ranked(IEnumerable<(string Token, int Count)> firstSeen, int minFreq, int? maxWords)
    {
        // A stable sort by count keeps first-seen order among equal counts (Python's sorted).
        var words = firstSeen.Where(w => w.Count >= minFreq && w.Token != Pad && w.Token != Unk)
            .Select((w, i) => (w.Token, w.Count, First: i))
            .OrderByDescending(w => w.Count).ThenBy(w => w.First)
            .Select(w => w.Token);
        if (maxWords is int max) words = words.Take(max);
        return new ClassifierVocabulary([Pad, Unk, .. words]);
    }

    /// <summary>
    /// What <see cref="Build"/> gives for the tokens of the texts <paramref name="train"/> (indices into
    /// <paramref name="texts"/>, in data order), and every text's ids in it (<paramref name="ids"/>[i] for
    /// texts[i], uncut), read without a string per token.
    /// </summary>
    internal static ClassifierVocabulary ReadTexts(IReadOnlyList<string> texts, IReadOnlyList<int> train, int minFreq, int? maxWords, out int[][] ids)
    {
        CheckLimits(minFreq, maxWords);
        // Each text as ids in a table of distinct tokens, numbered in whatever order the threads meet them.
        var table = new TokenTable();
        var seqs = new int[texts.Count][];
        Parallel.For(0, texts.Count, i => seqs[i] = Tokenizer.Ids(texts[i], table.Id));
        // Counted in data order, as Build counts: the order of first sight breaks ties.
        var counts = new int[table.Count];
        var firstSeen = new List<int>();
        foreach (int i in train)
            foreach (int t in seqs[i])
                if (counts[t]++ == 0) firstSeen.Add(t);
        var vocab = Ranked(firstSeen.Select(t => (table[t], counts[t])), minFreq, maxWords);
        var toVocab = new int[table.Count];   // table number -> vocabulary id (<unk> for the rest)
        for (int t = 0; t < toVocab.Length; t++) toVocab[t] = vocab.Id(table[t]);
        Parallel.For(0, seqs.Length, i =>
        {
            var s = seqs[i];
            for (int k = 0; k < s.Length; k++) s[k] = toVocab[s[k]];
        });
        ids = seqs;
        return vocab;
    }

    /// <summary>Distinct tokens numbered as they first arrive (one string each), shared by the threads reading texts.</summary>
    sealed class TokenTable
    {
        readonly ConcurrentDictionary<string, int> numbers = new(StringComparer.Ordinal);
        readonly List<string> tokens = [];   // in the order of their numbers

        public TokenTable()
        {
            var spans = numbers.GetAlternateLookup<ReadOnlySpan<char>>();
            Id = token =>
            {
                if (spans.TryGetValue(token, out int number)) return number;
                lock (tokens)
                {
                    if (spans.TryGetValue(token, out number)) return number;
                    string s = token.ToString();
                    tokens.Add(s);
                    numbers[s] = tokens.Count - 1;
                    return tokens.Count - 1;
                }
            };
        }

        /// <summary>The number of a token, given it on its first arrival.</summary>
        public Tokenizer.TokenId Id { get; }

        /// <summary>How many distinct tokens have arrived.</summary>
        public int Count => tokens.Count;

        /// <summary>The token numbered <paramref name="number"/>.</summary>
        public string this[int number] => tokens[number];
    }
}
