// One SIMD vocabulary over four widths, so each element-wise kernel is written once as a generic
// method and the JIT specialises it for Vector512, Vector256, Vector128 and a one-lane scalar.
// Every operation is lane-wise and IEEE-exact (FMA fused in all four where the machine has the instruction,
// unfused in all that run on one without: see Mad), so an element computes to the same bits whichever width
// handles it: results never depend on a row's length or position.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Recur.Kernels;

/// <summary>A float vector of some width; implemented by <see cref="V512"/>, <see cref="V256"/>, <see cref="V128"/>, <see cref="V1"/>.</summary>
internal unsafe interface IVec<T> where T : struct, IVec<T>
{
    static abstract int Count { get; }
    static abstract bool IsAccelerated { get; }
    static abstract T Load(float* p);
    static abstract void Store(T v, float* p);
    static abstract T Splat(float x);
    static abstract T Add(T a, T b);
    static abstract T Sub(T a, T b);
    static abstract T Mul(T a, T b);
    static abstract T Div(T a, T b);
    /// <summary>a·b + c, fused (where the machine has no fused instruction, multiplied then added: <see cref="Mad"/>).</summary>
    static abstract T Fma(T a, T b, T c);
    static abstract T Min(T a, T b);
    static abstract T Max(T a, T b);
    /// <summary>min for clamping: one instruction (x86 minps: the second operand when either is NaN).</summary>
    static abstract T MinFast(T a, T b);
    /// <summary>max for clamping: one instruction (x86 maxps: the second operand when either is NaN).</summary>
    static abstract T MaxFast(T a, T b);
    static abstract T Abs(T a);
    static abstract T Sqrt(T a);
    /// <summary>Round to nearest, ties to even.</summary>
    static abstract T Round(T a);
    /// <summary>2^n for integral n in [-126, 127], built from exponent bits.</summary>
    static abstract T Pow2(T n);
    /// <summary>Where mask lanes are set (from a comparison), a; else b.</summary>
    static abstract T Select(T mask, T a, T b);
    static abstract T LessThan(T a, T b);
    static abstract T GreaterThan(T a, T b);
    /// <summary>a with the sign of b.</summary>
    static abstract T CopySign(T a, T b);
    static abstract float Sum(T a);
    static abstract float MaxAcross(T a);
}

internal unsafe struct V512 : IVec<V512>
{
    public Vector512<float> V;
    V512(Vector512<float> v) => V = v;
    public static int Count => 16;
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Load(float* p) => new(Vector512.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(V512 v, float* p) => v.V.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Splat(float x) => new(Vector512.Create(x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Add(V512 a, V512 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Sub(V512 a, V512 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Mul(V512 a, V512 b) => new(a.V * b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Div(V512 a, V512 b) => new(a.V / b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Fma(V512 a, V512 b, V512 c) => new(Vector512.FusedMultiplyAdd(a.V, b.V, c.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Min(V512 a, V512 b) => new(Vector512.Min(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Max(V512 a, V512 b) => new(Vector512.Max(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 MinFast(V512 a, V512 b) => new(Vector512.MinNative(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 MaxFast(V512 a, V512 b) => new(Vector512.MaxNative(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Abs(V512 a) => new(Vector512.Abs(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Sqrt(V512 a) => new(Vector512.Sqrt(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Round(V512 a) => new(Vector512.Round(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V512 Pow2(V512 n) => new((Vector512.ConvertToInt32Native(n.V) + Vector512.Create(127) << 23).AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 Select(V512 m, V512 a, V512 b) => new(Vector512.ConditionalSelect(m.V, a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 LessThan(V512 a, V512 b) => new(Vector512.LessThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 GreaterThan(V512 a, V512 b) => new(Vector512.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V512 CopySign(V512 a, V512 b) => new(Vector512.CopySign(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(V512 a) => Vector512.Sum(a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(V512 a) => V256.MaxAcross(V256.Max(new V256(a.V.GetLower()), new V256(a.V.GetUpper())));
}

internal unsafe struct V256 : IVec<V256>
{
    public Vector256<float> V;
    internal V256(Vector256<float> v) => V = v;
    public static int Count => 8;
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Load(float* p) => new(Vector256.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(V256 v, float* p) => v.V.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Splat(float x) => new(Vector256.Create(x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Add(V256 a, V256 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Sub(V256 a, V256 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Mul(V256 a, V256 b) => new(a.V * b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Div(V256 a, V256 b) => new(a.V / b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Fma(V256 a, V256 b, V256 c) => new(Vector256.FusedMultiplyAdd(a.V, b.V, c.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Min(V256 a, V256 b) => new(Vector256.Min(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Max(V256 a, V256 b) => new(Vector256.Max(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 MinFast(V256 a, V256 b) => new(Vector256.MinNative(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 MaxFast(V256 a, V256 b) => new(Vector256.MaxNative(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Abs(V256 a) => new(Vector256.Abs(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Sqrt(V256 a) => new(Vector256.Sqrt(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Round(V256 a) => new(Vector256.Round(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V256 Pow2(V256 n) => new((Vector256.ConvertToInt32Native(n.V) + Vector256.Create(127) << 23).AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 Select(V256 m, V256 a, V256 b) => new(Vector256.ConditionalSelect(m.V, a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 LessThan(V256 a, V256 b) => new(Vector256.LessThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 GreaterThan(V256 a, V256 b) => new(Vector256.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V256 CopySign(V256 a, V256 b) => new(Vector256.CopySign(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(V256 a) => Vector256.Sum(a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(V256 a) => V128.MaxAcross(V128.Max(new V128(a.V.GetLower()), new V128(a.V.GetUpper())));
}

internal unsafe struct V128 : IVec<V128>
{
    public Vector128<float> V;
    internal V128(Vector128<float> v) => V = v;
    public static int Count => 4;
    public static bool IsAccelerated => Vector128.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Load(float* p) => new(Vector128.Load(p));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(V128 v, float* p) => v.V.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Splat(float x) => new(Vector128.Create(x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Add(V128 a, V128 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Sub(V128 a, V128 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Mul(V128 a, V128 b) => new(a.V * b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Div(V128 a, V128 b) => new(a.V / b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Fma(V128 a, V128 b, V128 c) => new(Mad.Of(a.V, b.V, c.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Min(V128 a, V128 b) => new(Vector128.Min(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Max(V128 a, V128 b) => new(Vector128.Max(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 MinFast(V128 a, V128 b) => new(Vector128.MinNative(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 MaxFast(V128 a, V128 b) => new(Vector128.MaxNative(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Abs(V128 a) => new(Vector128.Abs(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Sqrt(V128 a) => new(Vector128.Sqrt(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Round(V128 a) => new(Vector128.Round(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V128 Pow2(V128 n) => new((Vector128.ConvertToInt32Native(n.V) + Vector128.Create(127) << 23).AsSingle());
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 Select(V128 m, V128 a, V128 b) => new(Vector128.ConditionalSelect(m.V, a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 LessThan(V128 a, V128 b) => new(Vector128.LessThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 GreaterThan(V128 a, V128 b) => new(Vector128.GreaterThan(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V128 CopySign(V128 a, V128 b) => new(Vector128.CopySign(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(V128 a) => Vector128.Sum(a.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxAcross(V128 a) => MathF.Max(MathF.Max(a.V[0], a.V[1]), MathF.Max(a.V[2], a.V[3]));
}

/// <summary>One lane: the tail of every loop, computing exactly what a vector lane computes.</summary>
internal unsafe struct V1 : IVec<V1>
{
    public float V;
    V1(float v) => V = v;
    public static int Count => 1;
    public static bool IsAccelerated => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 Load(float* p) => new(*p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(V1 v, float* p) => *p = v.V;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 Splat(float x) => new(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 Add(V1 a, V1 b) => new(a.V + b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 Sub(V1 a, V1 b) => new(a.V - b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 Mul(V1 a, V1 b) => new(a.V * b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 Div(V1 a, V1 b) => new(a.V / b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 Fma(V1 a, V1 b, V1 c) => new(Mad.Of(a.V, b.V, c.V));
    // Vector Min/Max follow IEEE 754-2019 (NaN propagates, -0 < +0), as MathF.Min/Max do.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 Min(V1 a, V1 b) => new(MathF.Min(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 Max(V1 a, V1 b) => new(MathF.Max(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 MinFast(V1 a, V1 b) => new(a.V < b.V ? a.V : b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 MaxFast(V1 a, V1 b) => new(a.V > b.V ? a.V : b.V);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 Abs(V1 a) => new(MathF.Abs(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 Sqrt(V1 a) => new(MathF.Sqrt(a.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 Round(V1 a) => new(MathF.Round(a.V, MidpointRounding.ToEven));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 Pow2(V1 n) => new(BitConverter.Int32BitsToSingle(((int)n.V + 127) << 23));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 Select(V1 m, V1 a, V1 b) => BitConverter.SingleToInt32Bits(m.V) != 0 ? a : b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 LessThan(V1 a, V1 b) => new(a.V < b.V ? AllBits : 0f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 GreaterThan(V1 a, V1 b) => new(a.V > b.V ? AllBits : 0f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static V1 CopySign(V1 a, V1 b) => new(MathF.CopySign(a.V, b.V));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float Sum(V1 a) => a.V;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static float MaxAcross(V1 a) => a.V;
    static float AllBits => BitConverter.Int32BitsToSingle(-1);
}
