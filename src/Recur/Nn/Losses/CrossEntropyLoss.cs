// nn.CrossEntropyLoss over logits (R, V) and class targets (R): loss_r = -log softmax(logits_r)[t_r].
// Logits of any rank are read as rows of their last dimension, so time-major (T, N, V) works with
// targets (T·N). Rows whose target is ignoreIndex add nothing: no loss, a zero gradient row, and they
// are not counted by the mean. With every row ignored the mean is 0/0 = NaN, as in PyTorch.
using Recur.Kernels;

namespace Recur.Nn.Losses;

/// <summary>
/// Softmax cross-entropy with integer targets (PyTorch's nn.CrossEntropyLoss without class weights). An instance keeps
/// buffers between calls: use one per thread.
/// </summary>
public sealed unsafe class CrossEntropyLoss
{
    /// <summary>Target value whose rows are skipped (PyTorch's ignore_index, default -100).</summary>
    public int IgnoreIndex { get; }
    /// <summary>Mean (default) over the rows not ignored, or their sum.</summary>
    public Reduction Reduction { get; }

    /// <summary>nn.CrossEntropyLoss(ignore_index, reduction).</summary>
    public CrossEntropyLoss(int ignoreIndex = -100, Reduction reduction = Reduction.Mean)
    {
        IgnoreIndex = ignoreIndex;
        Reduction = reduction;
        job = new RowsJob(ignoreIndex);
    }

    /// <summary>
    /// The loss of <paramref name="logits"/> (..., V) against <paramref name="targets"/> (one class index per row).
    /// When <paramref name="dLogits"/> is given (same shape) it is overwritten with ∂loss/∂logits; it may be
    /// <paramref name="logits"/> itself. Sums run in double, row by row in order. When <paramref name="predicted"/> is
    /// given (one per row) it receives each row's most likely class (Predictions.ArgMax), read while the row is in
    /// cache and before its gradient overwrites it: a word model's accuracy costs no pass of its own over the logits.
    /// </summary>
    public float Forward(Tensor logits, ReadOnlySpan<int> targets, Tensor? dLogits = null, Span<int> predicted = default)
    {
        if (logits.Rank == 0 || logits.Dim(-1) == 0) throw new ArgumentException($"logits {logits} have no class dimension");
        int v = logits.Dim(-1);
        int rows = logits.Length / v;
        if (targets.Length != rows) throw new ArgumentException($"{targets.Length} targets for {rows} rows of logits {logits}");
        if (dLogits != null && !dLogits.SameShape(logits)) throw new ArgumentException($"gradient {dLogits} does not match logits {logits}");
        if (!predicted.IsEmpty && predicted.Length != rows) throw new ArgumentException($"room for {predicted.Length} predictions, {rows} rows of logits {logits}");

        // Validate every target before writing anything.
        int counted = 0;
        for (int r = 0; r < rows; r++)
        {
            int t = targets[r];
            if (t == IgnoreIndex) continue;
            if ((uint)t >= (uint)v) throw new ArgumentOutOfRangeException(nameof(targets), $"target {t} in row {r} is outside [0, {v}) and is not the ignore index {IgnoreIndex}");
            counted++;
        }

        // ∂loss/∂loss_r: 1/count for the mean (PyTorch divides by the float total weight), 1 for the sum.
        float scale = Reduction == Reduction.Mean ? (counted > 0 ? 1f / counted : 0f) : 1f;
        // Rows are independent: each part of the pool writes its rows' losses, which are summed below in row order
        // (the same bits on any thread count). A word model's (700, 10,000) logits take ~10 ms on one core.
        if (rowLoss.Length < rows) rowLoss = new double[rows];
        int parts = Math.Clamp((int)((long)rows * v / MinElementsPerPart), 1, Math.Min(rows, Workers.Count));
        fixed (int* t = targets, p = predicted)
        {
            job.Set(logits.Ptr, dLogits != null ? dLogits.Ptr : null, t, p, rows, v, scale, parts, rowLoss);
            if (parts == 1) job.Run(0);
            else Workers.Run(job, parts);
            job.Set(null, null, null, null, 0, 0, 0, 1, []);   // keep no pointer past the call
        }
        GC.KeepAlive(logits);   // the rows job had only their pointers (see Tensor.Ptr)
        GC.KeepAlive(dLogits);
        double total = 0;
        for (int r = 0; r < rows; r++)
            if (targets[r] != IgnoreIndex) total += rowLoss[r];
        return Reduction == Reduction.Mean ? (float)(total / counted) : (float)total;
    }

    const int MinElementsPerPart = 1 << 16;
    double[] rowLoss = [];
    readonly RowsJob job;

    /// <summary>One Forward's rows split into parts: each row's loss into rowLoss, and its gradient when wanted.</summary>
    sealed class RowsJob(int ignoreIndex) : IParallelWork
    {
        float* x, dx;
        int* targets, predicted;
        int rows, v, parts;
        float scale;
        double[] rowLoss = [];

        public void Set(float* x, float* dx, int* targets, int* predicted, int rows, int v, float scale, int parts, double[] rowLoss)
        {
            this.x = x; this.dx = dx; this.targets = targets; this.predicted = predicted; this.rows = rows; this.v = v; this.scale = scale;
            this.parts = parts; this.rowLoss = rowLoss;
        }

        public void Run(int part)
        {
            int r0 = (int)((long)rows * part / parts), r1 = (int)((long)rows * (part + 1) / parts);
            for (int r = r0; r < r1; r++)
            {
                long o = (long)r * v;
                int t = targets[r];
                if (t == ignoreIndex)
                {
                    if (predicted != null) predicted[r] = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(new ReadOnlySpan<float>(x + o, v));
                    if (dx != null) new Span<float>(dx + o, v).Clear();
                    rowLoss[r] = 0;
                    continue;
                }
                rowLoss[r] = Softmax.CrossEntropyRow(x + o, v, t, dx != null ? dx + o : null, scale, predicted != null ? predicted + r : null);
            }
        }
    }
}
