// Reductions with a fixed summation order (deterministic for any thread count).
namespace Recur.Kernels;

/// <summary>Row and column sums, norms.</summary>
public static class Reduce
{
    /// <summary>sums[j] += Σ_r x[r, j] for x (rows, cols), rows added in order.</summary>
    public static void AddColumnSums(ReadOnlySpan<float> x, int rows, int cols, Span<float> sums)
    {
        if (x.Length < rows * cols || sums.Length < cols) throw new ArgumentException("column sums: operand too small");
        for (int r = 0; r < rows; r++)
            System.Numerics.Tensors.TensorPrimitives.Add(sums[..cols], x.Slice(r * cols, cols), sums[..cols]);
    }

    /// <summary>Σ x² in double, in index order.</summary>
    public static double SumOfSquares(ReadOnlySpan<float> x)
    {
        // Blocks of 4096 in float (vectorised), combined in double: fast and order-fixed.
        double total = 0;
        for (int i = 0; i < x.Length; i += 4096)
        {
            var block = x.Slice(i, Math.Min(4096, x.Length - i));
            total += System.Numerics.Tensors.TensorPrimitives.SumOfSquares(block);
        }
        return total;
    }
}
