// Row-wise softmax and log-softmax over x (rows, cols), their backward forms, and the cross-entropy
// of one row. Every row is computed alone by the same three passes (max; Σ exp(x - max) in LaneSum's
// fixed order; one element-wise pass), so a row's result depends only on that row: not on the other
// rows, their number, or the SIMD width. Outputs may alias inputs (y = x, dx = dy).
// exp is VMath.Exp, clamped below at e^-87, so softmax never returns a value under ~1.6e-38.
using System.Runtime.CompilerServices;

namespace Recur.Kernels;

/// <summary>softmax, log_softmax and cross-entropy over the last dimension of a (rows, cols) array.</summary>
public static unsafe class Softmax
{
    /// <summary>y[r, :] = exp(x[r, :] - max) / Σ exp(x[r, :] - max).</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
    {
        Check(x.Length, y.Length, rows, cols);
        if (cols == 0) return;
        fixed (float* px = x, py = y)
            for (int r = 0; r < rows; r++) SoftmaxRow(px + (long)r * cols, py + (long)r * cols, cols);
    }

    /// <summary>y[r, :] = (x[r, :] - max) - log Σ exp(x[r, :] - max).</summary>
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
    {
        Check(x.Length, y.Length, rows, cols);
        if (cols == 0) return;
        fixed (float* px = x, py = y)
            for (int r = 0; r < rows; r++) LogSoftmaxRow(px + (long)r * cols, py + (long)r * cols, cols);
    }

    /// <summary>Softmax backward from its output y: dx = y ⊙ (dy - Σ_j dy_j·y_j), per row.</summary>
    public static void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols)
    {
        Check(y.Length, dx.Length, rows, cols);
        Check(dy.Length, dx.Length, rows, cols);
        fixed (float* py = y, pdy = dy, pdx = dx)
            for (int r = 0; r < rows; r++)
            {
                long o = (long)r * cols;
                var terms = new ProductTerms { A = pdy + o, B = py + o };
                float s = LaneSum.Sum(ref terms, cols);
                var k = new SoftmaxGradKernel { Y = py + o, Dy = pdy + o, Dx = pdx + o, S = s };
                Simd.Run(ref k, cols);
            }
    }

    /// <summary>Log-softmax backward from its output y: dx = dy - exp(y)·Σ_j dy_j, per row.</summary>
    public static void LogSoftmaxBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int rows, int cols)
    {
        Check(y.Length, dx.Length, rows, cols);
        Check(dy.Length, dx.Length, rows, cols);
        fixed (float* py = y, pdy = dy, pdx = dx)
            for (int r = 0; r < rows; r++)
            {
                long o = (long)r * cols;
                var terms = new PlainTerms { X = pdy + o };
                float s = LaneSum.Sum(ref terms, cols);
                var k = new LogSoftmaxGradKernel { Y = py + o, Dy = pdy + o, Dx = pdx + o, S = s };
                Simd.Run(ref k, cols);
            }
    }

    /// <summary>
    /// Cross-entropy of one row of logits: -log softmax(x)[target] = log Σ exp(x - max) - (x[target] - max),
    /// in double. When <paramref name="dx"/> is not empty it receives scale · (softmax(x) - onehot(target));
    /// it may be <paramref name="x"/> itself.
    /// </summary>
    public static double CrossEntropy(ReadOnlySpan<float> x, int target, Span<float> dx, float scale)
    {
        if ((uint)target >= (uint)x.Length) throw new ArgumentOutOfRangeException(nameof(target), $"target {target} is outside [0, {x.Length})");
        if (!dx.IsEmpty && dx.Length != x.Length) throw new ArgumentException($"dx has {dx.Length} values, x has {x.Length}");
        fixed (float* px = x, pdx = dx)
            return CrossEntropyRow(px, x.Length, target, dx.IsEmpty ? null : pdx, scale);
    }

    /// <summary>
    /// The pointer form of <see cref="CrossEntropy"/>; target must be in [0, n), dx null or n floats. When argmax is not
    /// null it receives x's most likely class as TensorPrimitives.IndexOfMax gives it, found from the row's max before
    /// dx overwrites x.
    /// </summary>
    internal static double CrossEntropyRow(float* x, int n, int target, float* dx, float scale, int* argmax = null)
    {
        float xt = x[target]; // read first: dx may overwrite x
        float max = LaneSum.Max(x, n);
        if (argmax != null) *argmax = IndexOf(x, n, max);
        var terms = new ExpTerms { X = x, Y = dx, Shift = max };
        float sum = LaneSum.Sum(ref terms, n);
        if (dx != null)
        {
            // dx holds e = exp(x - max); softmax·scale = e · (scale / sum).
            var k = new ScaleKernel { X = dx, Y = dx, S = scale / sum };
            Simd.Run(ref k, n);
            dx[target] -= scale;
        }
        return Math.Log(sum) - ((double)xt - max);
    }

    /// <summary>
    /// y = exp((x - max x) / t): the unnormalised weights of softmax(x / t), for drawing from it. Weights too small for a
    /// normal float are ~1.6e-38 rather than 0 (VMath.Exp's clamp).
    /// </summary>
    internal static void TemperedWeights(float* x, float* y, int n, float t)
    {
        var k = new TemperedExpKernel { X = x, Y = y, Max = LaneSum.Max(x, n), T = t };
        Simd.Run(ref k, n);
    }

    /// <summary>
    /// IndexOfMax(x) given max = max(x): the first element with max's bits, a vectorised integer search (about a fifth
    /// of IndexOfMax's time on a 10,000-word row). Equal floats have equal bits except ±0, and a NaN max need not have
    /// the first NaN's bits: for those IndexOfMax decides (it takes +0 over -0, and the first NaN).
    /// </summary>
    static int IndexOf(float* x, int n, float max) => max == 0 || float.IsNaN(max)
        ? System.Numerics.Tensors.TensorPrimitives.IndexOfMax(new ReadOnlySpan<float>(x, n))
        : new ReadOnlySpan<int>(x, n).IndexOf(BitConverter.SingleToInt32Bits(max));

    static void SoftmaxRow(float* x, float* y, int n)
    {
        float max = LaneSum.Max(x, n);
        var terms = new ExpTerms { X = x, Y = y, Shift = max };
        float sum = LaneSum.Sum(ref terms, n);
        var k = new DivideKernel { X = y, Y = y, D = sum };
        Simd.Run(ref k, n);
    }

    static void LogSoftmaxRow(float* x, float* y, int n)
    {
        float max = LaneSum.Max(x, n);
        var terms = new ExpTerms { X = x, Y = null, Shift = max };
        float sum = LaneSum.Sum(ref terms, n);
        var k = new ShiftKernel { X = x, Y = y, Max = max, LogSum = (float)Math.Log(sum) };
        Simd.Run(ref k, n);
    }

    static void Check(int xLength, int yLength, int rows, int cols)
    {
        if (rows < 0 || cols < 0) throw new ArgumentOutOfRangeException(nameof(rows), $"negative shape ({rows}, {cols})");
        long n = (long)rows * cols;
        if (xLength != n || yLength != n)
            throw new ArgumentException($"operands hold {xLength} and {yLength} values, expected {rows}×{cols} = {n}");
    }

    /// <summary>Terms exp(x - shift), also stored to Y when Y is not null.</summary>
    struct ExpTerms : ILaneTerm
    {
        public float* X, Y;
        public float Shift;
        public T Term<T>(int i) where T : struct, IVec<T>
        {
            var e = VMath.Exp(T.Sub(T.Load(X + i), T.Splat(Shift)));
            if (Y != null) T.Store(e, Y + i);
            return e;
        }
    }

    /// <summary>y = exp((x - max) / t).</summary>
    struct TemperedExpKernel : ISpanKernel
    {
        public float* X, Y;
        public float Max, T;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Apply<V>(int i) where V : struct, IVec<V> =>
            V.Store(VMath.Exp(V.Div(V.Sub(V.Load(X + i), V.Splat(Max)), V.Splat(T))), Y + i);
    }

    struct DivideKernel : ISpanKernel
    {
        public float* X, Y;
        public float D;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Apply<T>(int i) where T : struct, IVec<T> => T.Store(T.Div(T.Load(X + i), T.Splat(D)), Y + i);
    }

    struct ScaleKernel : ISpanKernel
    {
        public float* X, Y;
        public float S;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Apply<T>(int i) where T : struct, IVec<T> => T.Store(VMath.Flush(T.Mul(T.Load(X + i), T.Splat(S))), Y + i);
    }

    /// <summary>y = (x - max) - logSum.</summary>
    struct ShiftKernel : ISpanKernel
    {
        public float* X, Y;
        public float Max, LogSum;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Apply<T>(int i) where T : struct, IVec<T> =>
            T.Store(T.Sub(T.Sub(T.Load(X + i), T.Splat(Max)), T.Splat(LogSum)), Y + i);
    }

    /// <summary>dx = y · (dy - s).</summary>
    struct SoftmaxGradKernel : ISpanKernel
    {
        public float* Y, Dy, Dx;
        public float S;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Apply<T>(int i) where T : struct, IVec<T> =>
            T.Store(VMath.Flush(T.Mul(T.Load(Y + i), T.Sub(T.Load(Dy + i), T.Splat(S)))), Dx + i);
    }

    /// <summary>dx = dy - exp(y) · s.</summary>
    struct LogSoftmaxGradKernel : ISpanKernel
    {
        public float* Y, Dy, Dx;
        public float S;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Apply<T>(int i) where T : struct, IVec<T> =>
            T.Store(VMath.Flush(T.Sub(T.Load(Dy + i), T.Mul(VMath.Exp(T.Load(Y + i)), T.Splat(S)))), Dx + i);
    }
}
