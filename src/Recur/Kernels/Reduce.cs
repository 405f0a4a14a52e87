// Reductions with a fixed summation order (deterministic for any thread count).
namespace Recur.Kernels;

/// <summary>Row and column sums, norms.</summary>
public static class Reduce
{
    /// <summary>
    /// sums[j] += Σ_r x[r, j] for x (rows, cols), rows added in order. Large ones split their columns over the
    /// kernel threads (each column still sums its rows in order: the same bits on any thread count). A bias
    /// gradient is one: a word model's output layer reads (700, 10,000) here, an LSTM 2×512 layer (6,400, 2,048).
    /// </summary>
    public static unsafe void AddColumnSums(ReadOnlySpan<float> x, int rows, int cols, Span<float> sums)
    {
        if (x.Length < (long)rows * cols || sums.Length < cols) throw new ArgumentException("column sums: operand too small");
        AddColumnSums(x, rows, cols, sums, null);
    }

    /// <summary>
    /// sumsA[j] += Σ_r a[r, j] and sumsB[j] += Σ_r b[r, j], both (rows, cols), with the bits of two calls of the form
    /// above: a recurrent layer's two bias gradients. When a and b are the same memory (an LSTM's or plain RNN's b_ih
    /// and b_hh take the same gate gradients) each row is read once for both sinks.
    /// </summary>
    public static unsafe void AddColumnSums(ReadOnlySpan<float> a, Span<float> sumsA, ReadOnlySpan<float> b, Span<float> sumsB, int rows, int cols)
    {
        if (a.Length < (long)rows * cols || b.Length < (long)rows * cols || sumsA.Length < cols || sumsB.Length < cols)
            throw new ArgumentException("column sums: operand too small");
        if (!(a.Overlaps(b, out int offset) && offset == 0))
        {
            AddColumnSums(a, rows, cols, sumsA);
            AddColumnSums(b, rows, cols, sumsB);
            return;
        }
        fixed (float* pB = sumsB) AddColumnSums(a, rows, cols, sumsA, pB);
    }

    /// <summary>The column sums of x into sums and, when sums2 is not null, the same into sums2 (the callers check the operands).</summary>
    static unsafe void AddColumnSums(ReadOnlySpan<float> x, int rows, int cols, Span<float> sums, float* sums2)
    {
        if (rows <= 0 || cols <= 0) return;
        // Parts of whole 16-column groups (64 bytes), so threads seldom write the same cache line.
        int parts = (int)Math.Clamp((long)rows * cols / MinElementsPerPart, 1, Math.Min(Workers.Count, (cols + 15) / 16));
        fixed (float* px = x, ps = sums)
        {
            var job = ColumnSums.ForThisThread;
            job.Set(px, ps, sums2, rows, cols, parts);
            if (parts == 1) job.Run(0);
            else Workers.Run(job, parts);
            job.Set(null, null, null, 0, 0, 1);   // keep no pointer past the call
        }
    }

    const long MinElementsPerPart = 1 << 16;

    unsafe sealed class ColumnSums : IParallelWork
    {
        [ThreadStatic] static ColumnSums? current;
        public static ColumnSums ForThisThread => current ??= new ColumnSums();

        float* x, sums, sums2;   // sums2: null, or a second sink for the same sums
        int rows, cols, parts;

        public void Set(float* x, float* sums, float* sums2, int rows, int cols, int parts)
        {
            this.x = x; this.sums = sums; this.sums2 = sums2; this.rows = rows; this.cols = cols; this.parts = parts;
        }

        public void Run(int part)
        {
            int lines = (cols + 15) / 16;
            int c0 = Math.Min(cols, lines * part / parts * 16), c1 = Math.Min(cols, lines * (part + 1) / parts * 16);
            var s = new Span<float>(sums + c0, c1 - c0);
            var s2 = sums2 == null ? default : new Span<float>(sums2 + c0, c1 - c0);
            for (long r = 0; r < rows; r++)
            {
                var row = new ReadOnlySpan<float>(x + r * cols + c0, c1 - c0);
                System.Numerics.Tensors.TensorPrimitives.Add(s, row, s);
                if (sums2 != null) System.Numerics.Tensors.TensorPrimitives.Add(s2, row, s2);
            }
        }
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
