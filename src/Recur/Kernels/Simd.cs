// The shared width driver: a kernel written once over IVec runs at the widest accelerated width, then
// narrower widths, then one lane for the tail (TensorPrimitives' scheme without the overlapping tail,
// which would make an element's result depend on where it sits).
using System.Runtime.CompilerServices;

namespace Recur.Kernels;

/// <summary>An element-wise kernel body: handles T.Count consecutive elements starting at index i.</summary>
internal interface ISpanKernel
{
    void Apply<T>(int i) where T : struct, IVec<T>;
}

internal static class Simd
{
    /// <summary>Calls kernel.Apply for i = 0..n-1 in chunks of the widest accelerated width first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Run<K>(ref K kernel, int n) where K : struct, ISpanKernel
    {
        int i = 0;
        if (V512.IsAccelerated) for (; i <= n - 16; i += 16) kernel.Apply<V512>(i);
        if (V256.IsAccelerated) for (; i <= n - 8; i += 8) kernel.Apply<V256>(i);
        if (V128.IsAccelerated) for (; i <= n - 4; i += 4) kernel.Apply<V128>(i);
        for (; i < n; i++) kernel.Apply<V1>(i);
    }
}
