// Batches of encoded texts for the recurrent layer, texts sorted longest first, in two layouts:
//   padded  a time-major token matrix (T, N) filled with <pad> (id 0) past each text's end, plus the
//           lengths, for the engine's Recurrent layers (which read each text only to its own end);
//   packed  only the real tokens, step by step: step t holds the n_t texts longer than t (a prefix of
//           the batch, as it is sorted), at rows Offsets[t] .. Offsets[t] + n_t; P = Σ lengths rows.
// Either way padding never changes a result.
// Plans say which texts form each batch: shuffled as the seed's DataLoader (shuffle=True), bucketed
// (similar lengths together, batches in random order) to cut padding, or by length for inference.
namespace Recur.Classification;

/// <summary>One batch, reused from step to step (its arrays grow, never shrink).</summary>
public sealed class Batch
{
    /// <summary>T, the longest length in the batch (at least 1).</summary>
    public int Steps { get; private set; }
    /// <summary>N, the number of texts.</summary>
    public int Size { get; private set; }
    int[] ids = [], lengths = [], items = [], packed = [], stepSizes = [], offsets = [];
    float[] targets = [];

    /// <summary>(T·N) token ids, time-major: the token of text i at step t is at t·N + i; 0 past a text's end.</summary>
    public ReadOnlySpan<int> Ids => ids.AsSpan(0, Steps * Size);
    /// <summary>(N) each text's length in tokens (0 for a text with no tokens).</summary>
    public ReadOnlySpan<int> Lengths => lengths.AsSpan(0, Size);
    /// <summary>(N) class targets 0 or 1 (all 0 when the texts have no labels).</summary>
    public ReadOnlySpan<float> Targets => targets.AsSpan(0, Size);
    /// <summary>(P) the real tokens, packed: token t of text i at Offsets[t] + i.</summary>
    public ReadOnlySpan<int> PackedIds => packed.AsSpan(0, (int)Tokens);
    /// <summary>(T) n_t, how many texts are longer than t; non-increasing (texts are sorted longest first).</summary>
    public ReadOnlySpan<int> StepSizes => stepSizes.AsSpan(0, Steps);
    /// <summary>(T + 1) the first packed row of each step; Offsets[T] = P.</summary>
    public ReadOnlySpan<int> Offsets => offsets.AsSpan(0, Steps + 1);
    /// <summary>(N) the texts' indices in the data set, in batch order (longest first).</summary>
    public ReadOnlySpan<int> Items => items.AsSpan(0, Size);
    /// <summary>Real tokens in the batch (the sum of the lengths).</summary>
    public long Tokens { get; private set; }

    /// <summary>Fills the batch with texts <paramref name="which"/> of <paramref name="sequences"/>, longest first (ties in the given order).</summary>
    public void Fill(IReadOnlyList<int[]> sequences, ReadOnlySpan<float> allTargets, ReadOnlySpan<int> which)
    {
        int n = which.Length;
        if (n == 0) throw new ArgumentException("a batch needs at least one text");
        Grow(ref lengths, n); Grow(ref items, n); Grow(ref targets, n);
        which.CopyTo(items);
        // Stable sort by length, descending: insertion sort, as batches are small.
        for (int j = 1; j < n; j++)
        {
            int item = items[j], len = sequences[item].Length, k = j - 1;
            while (k >= 0 && sequences[items[k]].Length < len) { items[k + 1] = items[k]; k--; }
            items[k + 1] = item;
        }
        long tokens = 0;
        for (int j = 0; j < n; j++)
        {
            lengths[j] = sequences[items[j]].Length;
            targets[j] = allTargets.IsEmpty ? 0 : allTargets[items[j]];
            tokens += lengths[j];
        }
        if (tokens > int.MaxValue) throw new ArgumentException("a batch of more than 2^31 tokens");
        int steps = Math.Max(1, lengths[0]);
        Steps = steps; Size = n; Tokens = tokens;

        Grow(ref ids, steps * n);
        var idSpan = ids.AsSpan(0, steps * n);
        idSpan.Clear();
        for (int j = 0; j < n; j++)
        {
            var seq = sequences[items[j]];
            for (int t = 0; t < seq.Length; t++) idSpan[t * n + j] = seq[t];
        }

        Grow(ref packed, (int)tokens); Grow(ref stepSizes, steps); Grow(ref offsets, steps + 1);
        int row = 0, active = n;
        for (int t = 0; t < steps; t++)
        {
            while (active > 0 && lengths[active - 1] <= t) active--;
            stepSizes[t] = active;
            offsets[t] = row;
            for (int j = 0; j < active; j++) packed[row++] = sequences[items[j]][t];
        }
        offsets[steps] = row;
    }

    static void Grow<T>(ref T[] array, int length)
    {
        if (array.Length < length) array = new T[Math.Max(length, array.Length * 2)];
    }
}

/// <summary>Which texts go in which batch.</summary>
public static class BatchPlan
{
    /// <summary>Texts per bucket pool, in batches: a pool is sorted by length and cut into batches.</summary>
    public const int BucketPoolBatches = 50;

    /// <summary>A random permutation cut into batches of <paramref name="batchSize"/> (the last may be smaller).</summary>
    public static List<int[]> Shuffled(int count, int batchSize, Rng rng)
    {
        var order = Enumerable.Range(0, count).ToArray();
        rng.Shuffle<int>(order);
        return Cut(order, batchSize);
    }

    /// <summary>
    /// A random permutation, sorted by length within pools of <see cref="BucketPoolBatches"/> batches,
    /// cut into batches, and the batches shuffled: each batch holds texts of similar length.
    /// </summary>
    public static List<int[]> Bucketed(IReadOnlyList<int[]> sequences, int batchSize, Rng rng)
    {
        var order = Enumerable.Range(0, sequences.Count).ToArray();
        rng.Shuffle<int>(order);
        int pool = batchSize * BucketPoolBatches;
        for (int start = 0; start < order.Length; start += pool)
        {
            var part = order.AsSpan(start, Math.Min(pool, order.Length - start));
            // Stable: equal lengths keep their shuffled order.
            var sorted = part.ToArray().OrderBy(i => sequences[i].Length).ToArray();
            sorted.CopyTo(part);
        }
        var batches = Cut(order, batchSize);
        rng.Shuffle<int[]>(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(batches));
        return batches;
    }

    /// <summary>
    /// Texts longest first, cut into batches of at most <paramref name="batchSize"/> texts and (past the
    /// first text) <paramref name="maxTokens"/> padded tokens: the least padding and bounded memory, for
    /// inference (results do not depend on batching).
    /// </summary>
    public static List<int[]> ByLength(IReadOnlyList<int[]> sequences, int batchSize, int maxTokens = int.MaxValue)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), "batch size must be at least 1");
        var order = Enumerable.Range(0, sequences.Count).OrderByDescending(i => sequences[i].Length).ThenBy(i => i).ToArray();
        var batches = new List<int[]>();
        for (int start = 0; start < order.Length;)
        {
            // The first text is the longest: n texts pad to n·its length.
            long longest = Math.Max(1, sequences[order[start]].Length);
            int n = (int)Math.Clamp(maxTokens / longest, 1, Math.Min(batchSize, order.Length - start));
            batches.Add(order[start..(start + n)]);
            start += n;
        }
        return batches;
    }

    static List<int[]> Cut(int[] order, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), "batch size must be at least 1");
        var batches = new List<int[]>((order.Length + batchSize - 1) / batchSize);
        for (int start = 0; start < order.Length; start += batchSize)
            batches.Add(order[start..Math.Min(order.Length, start + batchSize)]);
        return batches;
    }
}
