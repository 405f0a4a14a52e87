// Sums whose order is fixed by the length alone, never by the SIMD width the machine has: element i
// of each full block of 16 goes to lane i mod 16, the tail (n mod 16 elements) to lanes 0.., and the
// 16 lanes fold pairwise (8, 4, 2, 1). One V512, two V256, four V128 or sixteen single floats hold
// the same 16 running sums, so every width adds the same numbers in the same order: same bits.
// Row maxima need no such care, as max is exact in any order.
using System.Runtime.CompilerServices;

namespace Recur.Kernels;

/// <summary>The terms of a sum: Term&lt;T&gt;(i) gives elements i .. i + T.Count - 1 (and may store side outputs).</summary>
internal interface ILaneTerm
{
    T Term<T>(int i) where T : struct, IVec<T>;
}

internal static unsafe class LaneSum
{
    public const int Lanes = 16;

    /// <summary>Σ_{i &lt; n} term(i) in the fixed 16-lane order, at the widest accelerated width.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum<M>(ref M terms, int n) where M : struct, ILaneTerm
    {
        if (V512.IsAccelerated) return Sum<M, V512>(ref terms, n);
        if (V256.IsAccelerated) return Sum<M, V256>(ref terms, n);
        if (V128.IsAccelerated) return Sum<M, V128>(ref terms, n);
        return Sum<M, V1>(ref terms, n);
    }

    /// <summary>The same sum at width T (tests call every width and expect identical bits).</summary>
    public static float Sum<M, T>(ref M terms, int n) where M : struct, ILaneTerm where T : struct, IVec<T>
    {
        float* lanes = stackalloc float[Lanes];
        int full = n & ~(Lanes - 1);
        int c = T.Count;
        if (c >= 4)
        {
            // a0..a3 cover lanes [0, c), [c, 2c), ...; only 16 / c of them are live for this width.
            T zero = T.Splat(0f), a0 = zero, a1 = zero, a2 = zero, a3 = zero;
            for (int i = 0; i < full; i += Lanes)
            {
                a0 = T.Add(a0, terms.Term<T>(i));
                if (c <= 8) a1 = T.Add(a1, terms.Term<T>(i + c));
                if (c <= 4)
                {
                    a2 = T.Add(a2, terms.Term<T>(i + 2 * c));
                    a3 = T.Add(a3, terms.Term<T>(i + 3 * c));
                }
            }
            T.Store(a0, lanes);
            if (c <= 8) T.Store(a1, lanes + c);
            if (c <= 4) { T.Store(a2, lanes + 2 * c); T.Store(a3, lanes + 3 * c); }
        }
        else
        {
            for (int l = 0; l < Lanes; l++) lanes[l] = 0f;
            for (int i = 0; i < full; i += Lanes)
                for (int l = 0; l < Lanes; l++) lanes[l] += One(ref terms, i + l);
        }
        for (int i = full; i < n; i++) lanes[i - full] += One(ref terms, i);
        for (int w = Lanes / 2; w >= 1; w >>= 1)
            for (int l = 0; l < w; l++) lanes[l] += lanes[l + w];
        return lanes[0];
    }

    /// <summary>max_i x[i] (NaN if any element is NaN); n must be positive.</summary>
    public static float Max(float* x, int n)
    {
        if (V512.IsAccelerated && n >= 16) return Max<V512>(x, n);
        if (V256.IsAccelerated && n >= 8) return Max<V256>(x, n);
        if (V128.IsAccelerated && n >= 4) return Max<V128>(x, n);
        return Max<V1>(x, n);
    }

    static float Max<T>(float* x, int n) where T : struct, IVec<T>
    {
        var v = T.Load(x);
        int i = T.Count;
        for (; i <= n - T.Count; i += T.Count) v = T.Max(v, T.Load(x + i));
        float m = T.MaxAcross(v);
        for (; i < n; i++) m = MathF.Max(m, x[i]);
        return m;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static float One<M>(ref M terms, int i) where M : struct, ILaneTerm
    {
        float t;
        V1.Store(terms.Term<V1>(i), &t);
        return t;
    }
}

/// <summary>Terms x[i].</summary>
internal unsafe struct PlainTerms : ILaneTerm
{
    public float* X;
    public T Term<T>(int i) where T : struct, IVec<T> => T.Load(X + i);
}

/// <summary>Terms a[i]·b[i].</summary>
internal unsafe struct ProductTerms : ILaneTerm
{
    public float* A, B;
    public T Term<T>(int i) where T : struct, IVec<T> => T.Mul(T.Load(A + i), T.Load(B + i));
}
