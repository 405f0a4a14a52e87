// exp, sigmoid and tanh over any IVec width. exp is Cephes's expf scheme (range reduction by ln 2,
// a degree-6 polynomial, exponent bits for 2^n), accurate to ~1 ulp. Inputs are clamped so no
// result is subnormal: sigmoid never returns less than ~1.8e-35, exp never less than ~1.6e-38.
using System.Runtime.CompilerServices;

namespace Recur.Kernels;

internal static class VMath
{
    const float Log2E = 1.44269504088896341f;
    const float Ln2Hi = 0.693359375f, Ln2Lo = -2.12194440e-4f;
    /// <summary>Smallest positive normal float.</summary>
    public const float MinNormal = 1.17549435e-38f;

    /// <summary>e^x for x in [-87, 88.5] (clamped outside: no overflow, no subnormal).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Exp<T>(T x) where T : struct, IVec<T>
    {
        // The clamps keep NaN (it is the second operand of the one-instruction min/max), so NaN propagates.
        x = T.MinFast(T.Splat(88.5f), T.MaxFast(T.Splat(-87f), x));
        var n = T.Round(T.Mul(x, T.Splat(Log2E)));
        // r = x - n·ln2 in two parts for precision.
        var r = T.Fma(n, T.Splat(-Ln2Hi), x);
        r = T.Fma(n, T.Splat(-Ln2Lo), r);
        var p = T.Splat(1.9875691500e-4f);
        p = T.Fma(p, r, T.Splat(1.3981999507e-3f));
        p = T.Fma(p, r, T.Splat(8.3334519073e-3f));
        p = T.Fma(p, r, T.Splat(4.1665795894e-2f));
        p = T.Fma(p, r, T.Splat(1.6666665459e-1f));
        p = T.Fma(p, r, T.Splat(5.0000001201e-1f));
        // e^r ≈ 1 + r + r²·p
        var er = T.Add(T.Fma(T.Mul(r, r), p, r), T.Splat(1f));
        return T.Mul(er, T.Pow2(n));
    }

    /// <summary>1 / (1 + e^-x), with e^-x capped at e^80 so the result stays a normal float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sigmoid<T>(T x) where T : struct, IVec<T>
    {
        var e = Exp(T.MinFast(T.Splat(80f), T.Sub(T.Splat(0f), x)));
        return T.Div(T.Splat(1f), T.Add(T.Splat(1f), e));
    }

    /// <summary>tanh: an odd polynomial below |x| = 0.625 (Cephes tanhf), else 1 - 2/(e^2|x| + 1) with x's sign.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Tanh<T>(T x) where T : struct, IVec<T>
    {
        var ax = T.Abs(x);
        var e = Exp(T.MinFast(T.Splat(88f), T.Add(ax, ax)));
        var big = T.Sub(T.Splat(1f), T.Div(T.Splat(2f), T.Add(e, T.Splat(1f))));
        big = T.CopySign(big, x);
        var z = T.Mul(x, x);
        var p = T.Splat(-5.70498872745e-3f);
        p = T.Fma(p, z, T.Splat(2.06390887954e-2f));
        p = T.Fma(p, z, T.Splat(-5.37397155531e-2f));
        p = T.Fma(p, z, T.Splat(1.33314422036e-1f));
        p = T.Fma(p, z, T.Splat(-3.33332819422e-1f));
        var small = T.Fma(T.Mul(p, z), x, x);
        return T.Select(T.LessThan(ax, T.Splat(0.625f)), small, big);
    }

    /// <summary>Zero where |x| is subnormal, so later arithmetic never meets a denormal.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Flush<T>(T x) where T : struct, IVec<T>
        => T.Select(T.LessThan(T.Abs(x), T.Splat(MinNormal)), T.Splat(0f), x);
}
