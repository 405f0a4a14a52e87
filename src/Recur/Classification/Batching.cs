// Batches of encoded texts for the recurrent layer: a time-major token matrix (T, N) padded with
// <pad> (id 0) to the batch's longest text, and each text's true length, so the layer reads every text
// only up to its own last token (packed semantics) and padding never changes a result.
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
    int[] ids = [], lengths = [], items = [];
    float[] targets = [];

    /// <summary>(T·N) token ids, time-major: the token of text i at step t is at t·N + i; 0 past a text's end.</summary>
    public ReadOnlySpan<int> Ids => ids.AsSpan(0, Steps * Size);
    /// <summary>(N) each text's length in tokens (0 for a text with no tokens).</summary>
    public ReadOnlySpan<int> Lengths => lengths.AsSpan(0, Size);
    /// <summary>(N) class targets 0 or 1 (all 0 when the texts have no labels).</summary>
    public ReadOnlySpan<float> Targets => targets.AsSpan(0, Size);
    /// <summary>(N) the texts' indices in the data set.</summary>
    public ReadOnlySpan<int> Items => items.AsSpan(0, Size);
    /// <summary>Real tokens in the batch (the sum of the lengths).</summary>
    public long Tokens { get; private set; }

    /// <summary>Fills the batch with texts <paramref name="which"/> of <paramref name="sequences"/>.</summary>
    public void Fill(IReadOnlyList<int[]> sequences, ReadOnlySpan<float> allTargets, ReadOnlySpan<int> which)
    {
        int n = which.Length;
        if (n == 0) throw new ArgumentException("a batch needs at least one text");
        int steps = 1;
        long tokens = 0;
        foreach (int i in which)
        {
            steps = Math.Max(steps, sequences[i].Length);
            tokens += sequences[i].Length;
        }
        Grow(ref ids, steps * n); Grow(ref lengths, n); Grow(ref items, n); Grow(ref targets, n);
        Steps = steps; Size = n; Tokens = tokens;
        var idSpan = ids.AsSpan(0, steps * n);
        idSpan.Clear();
        for (int j = 0; j < n; j++)
        {
            var seq = sequences[which[j]];
            for (int t = 0; t < seq.Length; t++) idSpan[t * n + j] = seq[t];
            lengths[j] = seq.Length;
            items[j] = which[j];
            targets[j] = allTargets.IsEmpty ? 0 : allTargets[which[j]];
        }
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

    /// <summary>Texts longest first, cut into batches: the least padding, for inference (results do not depend on batching).</summary>
    public static List<int[]> ByLength(IReadOnlyList<int[]> sequences, int batchSize)
    {
        var order = Enumerable.Range(0, sequences.Count).OrderByDescending(i => sequences[i].Length).ThenBy(i => i).ToArray();
        return Cut(order, batchSize);
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
