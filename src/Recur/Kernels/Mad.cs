// a·b + c for the 128-bit and one-lane paths. Fused (one rounding) where .NET has the instruction — x86 with
// FMA3, which every AVX2 CPU has, and Arm64 — so every width gives the same bits there. Elsewhere (x86 before
// AVX2: Intel before Haswell, Atom-class Celerons and Pentiums) .NET emulates a fused multiply-add in software,
// lane by lane, and training ran ~60 times slower; there both paths multiply, then add: other bits than an FMA
// machine's, the same on every width of that machine. (The 256- and 512-bit paths need AVX2, so always fuse.)
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Recur.Kernels;

internal static class Mad
{
    /// <summary>True where a fused multiply-add is one instruction (a constant to the JIT: the other branch is gone).</summary>
    public static readonly bool Fused = System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Of(float a, float b, float c) => Fused ? MathF.FusedMultiplyAdd(a, b, c) : a * b + c;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Of(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Fused ? Vector128.FusedMultiplyAdd(a, b, c) : a * b + c;
}
