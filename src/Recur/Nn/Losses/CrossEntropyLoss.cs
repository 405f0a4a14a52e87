// nn.CrossEntropyLoss over logits (R, V) and class targets (R): loss_r = -log softmax(logits_r)[t_r].
// Logits of any rank are read as rows of their last dimension, so time-major (T, N, V) works with
// targets (T·N). Rows whose target is ignoreIndex add nothing: no loss, a zero gradient row, and they
// are not counted by the mean. With every row ignored the mean is 0/0 = NaN, as in PyTorch.
using Recur.Kernels;

namespace Recur.Nn.Losses;

/// <summary>Softmax cross-entropy with integer targets (PyTorch's nn.CrossEntropyLoss without class weights).</summary>
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
    }

    /// <summary>
    /// The loss of <paramref name="logits"/> (..., V) against <paramref name="targets"/> (one class index per row).
    /// When <paramref name="dLogits"/> is given (same shape) it is overwritten with ∂loss/∂logits; it may be
    /// <paramref name="logits"/> itself. Sums run in double, row by row in order.
    /// </summary>
    public float Forward(Tensor logits, ReadOnlySpan<int> targets, Tensor? dLogits = null)
    {
        if (logits.Rank == 0 || logits.Dim(-1) == 0) throw new ArgumentException($"logits {logits} have no class dimension");
        int v = logits.Dim(-1);
        int rows = logits.Length / v;
        if (targets.Length != rows) throw new ArgumentException($"{targets.Length} targets for {rows} rows of logits {logits}");
        if (dLogits != null && !dLogits.SameShape(logits)) throw new ArgumentException($"gradient {dLogits} does not match logits {logits}");

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
        float* x = logits.Ptr;
        float* dx = dLogits != null ? dLogits.Ptr : null;
        double total = 0;
        for (int r = 0; r < rows; r++)
        {
            long o = (long)r * v;
            int t = targets[r];
            if (t == IgnoreIndex)
            {
                if (dx != null) new Span<float>(dx + o, v).Clear();
                continue;
            }
            total += Softmax.CrossEntropyRow(x + o, v, t, dx != null ? dx + o : null, scale);
        }
        return Reduction == Reduction.Mean ? (float)(total / counted) : (float)total;
    }
}
