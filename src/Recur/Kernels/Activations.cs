// Element-wise activations and their backward forms over spans. y may alias x; dx may alias dy.
// Backward takes the forward output y (sigmoid' = y(1-y), tanh' = 1-y², relu' = [y > 0]).
using System.Runtime.CompilerServices;

namespace Recur.Kernels;

/// <summary>Vectorised sigmoid, tanh and ReLU, forward and backward.</summary>
public static unsafe class Activations
{
    /// <summary>y = σ(x) = 1 / (1 + e⁻ˣ), element-wise; x and y have the same length (ArgumentException) and y may be x.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => Map<SigmoidOp>(x, y);
    /// <summary>y = tanh(x), element-wise; y may be x.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => Map<TanhOp>(x, y);
    /// <summary>y = max(x, 0), element-wise; y may be x.</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y) => Map<ReluOp>(x, y);
    /// <summary>y = eˣ, element-wise, to ~1 ulp, x clamped to [-87, 88.5] (no overflow, no subnormal); y may be x.</summary>
    public static void Exp(ReadOnlySpan<float> x, Span<float> y) => Map<ExpOp>(x, y);

    /// <summary>dx = dy · y · (1 - y).</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Map2<SigmoidGradOp>(y, dy, dx);
    /// <summary>dx = dy · (1 - y²).</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Map2<TanhGradOp>(y, dy, dx);
    /// <summary>dx = dy where y &gt; 0, else 0.</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Map2<ReluGradOp>(y, dy, dx);

    internal interface IOp1 { static abstract T F<T>(T x) where T : struct, IVec<T>; }
    internal interface IOp2 { static abstract T F<T>(T a, T b) where T : struct, IVec<T>; }

    struct SigmoidOp : IOp1 { public static T F<T>(T x) where T : struct, IVec<T> => VMath.Sigmoid(x); }
    struct TanhOp : IOp1 { public static T F<T>(T x) where T : struct, IVec<T> => VMath.Tanh(x); }
    struct ReluOp : IOp1 { public static T F<T>(T x) where T : struct, IVec<T> => T.Max(x, T.Splat(0f)); }
    struct ExpOp : IOp1 { public static T F<T>(T x) where T : struct, IVec<T> => VMath.Exp(x); }
    struct SigmoidGradOp : IOp2
    {
        public static T F<T>(T y, T dy) where T : struct, IVec<T> => VMath.Flush(T.Mul(dy, T.Mul(y, T.Sub(T.Splat(1f), y))));
    }
    struct TanhGradOp : IOp2
    {
        public static T F<T>(T y, T dy) where T : struct, IVec<T> => VMath.Flush(T.Mul(dy, T.Sub(T.Splat(1f), T.Mul(y, y))));
    }
    struct ReluGradOp : IOp2
    {
        public static T F<T>(T y, T dy) where T : struct, IVec<T> => T.Select(T.GreaterThan(y, T.Splat(0f)), dy, T.Splat(0f));
    }

    internal static void Map<Op>(ReadOnlySpan<float> x, Span<float> y) where Op : struct, IOp1
    {
        if (y.Length != x.Length) throw new ArgumentException("x and y differ in length");
        fixed (float* px = x, py = y)
        {
            var k = new Map1Kernel<Op> { X = px, Y = py };
            Simd.Run(ref k, x.Length);
        }
    }

    internal static void Map2<Op>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y) where Op : struct, IOp2
    {
        if (a.Length != b.Length || y.Length != a.Length) throw new ArgumentException("operands differ in length");
        fixed (float* pa = a, pb = b, py = y)
        {
            var k = new Map2Kernel<Op> { A = pa, B = pb, Y = py };
            Simd.Run(ref k, a.Length);
        }
    }

    struct Map1Kernel<Op> : ISpanKernel where Op : struct, IOp1
    {
        public float* X, Y;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Apply<T>(int i) where T : struct, IVec<T> => T.Store(Op.F(T.Load(X + i)), Y + i);
    }

    struct Map2Kernel<Op> : ISpanKernel where Op : struct, IOp2
    {
        public float* A, B, Y;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Apply<T>(int i) where T : struct, IVec<T> => T.Store(Op.F(T.Load(A + i), T.Load(B + i)), Y + i);
    }
}
