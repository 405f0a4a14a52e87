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
            if (c1 - c0 <= NarrowColumns)
            {
                Narrow(c0, c1);
                return;
            }
            var s = new Span<float>(sums + c0, c1 - c0);
            var s2 = sums2 == null ? default : new Span<float>(sums2 + c0, c1 - c0);
            for (long r = 0; r < rows; r++)
            {
                var row = new ReadOnlySpan<float>(x + r * cols + c0, c1 - c0);
                System.Numerics.Tensors.TensorPrimitives.Add(s, row, s);
                if (sums2 != null) System.Numerics.Tensors.TensorPrimitives.Add(s2, row, s2);
            }
        }

        // A part this narrow (a classifier's 4·50 gate columns, a forecaster's 64) spent most of its time in the call
        // per row above. Here its sums stay in registers through all the rows, four vectors at a time: the same adds
        // in the same order (sums[j] + x[0, j] + x[1, j] + ...), so the same bits.
        const int NarrowColumns = 512;

        void Narrow(int c0, int c1)
        {
            int j = c0;
            if (V512.IsAccelerated) j = Columns<V512>(j, c1);
            if (V256.IsAccelerated) j = Columns<V256>(j, c1);
            if (V128.IsAccelerated) j = Columns<V128>(j, c1);
            Columns<V1>(j, c1);
        }

        /// <summary>Columns [j, end) in whole vectors of T, four at a time, then one; returns where it stopped.</summary>
        int Columns<T>(int j, int end) where T : struct, IVec<T>
        {
            int w = T.Count;
            for (; j + 4 * w <= end; j += 4 * w)
            {
                Sum4<T>(sums + j, j);
                if (sums2 != null) Sum4<T>(sums2 + j, j);
            }
            for (; j + w <= end; j += w)
            {
                Sum1<T>(sums + j, j);
                if (sums2 != null) Sum1<T>(sums2 + j, j);
            }
            return j;
        }

        /// <summary>to[0 .. 4w) += Σ_r x[r, j .. j + 4w), four running sums in registers.</summary>
        void Sum4<T>(float* to, int j) where T : struct, IVec<T>
        {
            int w = T.Count;
            T a = T.Load(to), b = T.Load(to + w), c = T.Load(to + 2 * w), d = T.Load(to + 3 * w);
            float* p = x + j;
            for (long r = 0; r < rows; r++, p += cols)
            {
                a = T.Add(a, T.Load(p));
                b = T.Add(b, T.Load(p + w));
                c = T.Add(c, T.Load(p + 2 * w));
                d = T.Add(d, T.Load(p + 3 * w));
            }
            T.Store(a, to);
            T.Store(b, to + w);
            T.Store(c, to + 2 * w);
            T.Store(d, to + 3 * w);
        }

        /// <summary>to[0 .. w) += Σ_r x[r, j .. j + w).</summary>
        void Sum1<T>(float* to, int j) where T : struct, IVec<T>
        {
            T a = T.Load(to);
            float* p = x + j;
            for (long r = 0; r < rows; r++, p += cols) a = T.Add(a, T.Load(p));
            T.Store(a, to);
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
