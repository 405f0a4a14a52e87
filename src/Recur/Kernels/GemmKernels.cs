// Register-blocked GEMM micro-kernels: C[MR, NR] (+)= alpha · Apanel[MR, kc] · Bpanel[kc, NR].
// Apanel is packed k-major (a[k*MR + i]), Bpanel k-major (b[k*NR + j]), so each k step loads NR/W
// vectors of B, broadcasts MR values of A, and issues MR·NR/W independent FMAs.
// Every element is accumulated in the same order (k = 0..kc-1, one FMA chain) whatever the width
// used for its row or column, so results never depend on where a row sits in a batch.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recur.Kernels;

static unsafe class GemmKernels
{
    /// <summary>AVX-512: 8 rows × 32 columns, 16 zmm accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel512(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var ai = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00); c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10); c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20); c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30); c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(ai, b0, c40); c41 = Vector512.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(ai, b0, c50); c51 = Vector512.FusedMultiplyAdd(ai, b1, c51);
            ai = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(ai, b0, c60); c61 = Vector512.FusedMultiplyAdd(ai, b1, c61);
            ai = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(ai, b0, c70); c71 = Vector512.FusedMultiplyAdd(ai, b1, c71);
            a += 8;
            b += 32;
        }
        Store512(c, c00, c01, alpha, beta); c += ldc;
        Store512(c, c10, c11, alpha, beta); c += ldc;
        Store512(c, c20, c21, alpha, beta); c += ldc;
        Store512(c, c30, c31, alpha, beta); c += ldc;
        Store512(c, c40, c41, alpha, beta); c += ldc;
        Store512(c, c50, c51, alpha, beta); c += ldc;
        Store512(c, c60, c61, alpha, beta); c += ldc;
        Store512(c, c70, c71, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store512(float* c, Vector512<float> v0, Vector512<float> v1, float alpha, float beta)
    {
        Store512(c, v0, alpha, beta);
        Store512(c + 16, v1, alpha, beta);
    }

    /// <summary>c = alpha·v + beta·c (c not read when beta is 0): every kernel's store.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store512(float* c, Vector512<float> v, float alpha, float beta)
    {
        v *= Vector512.Create(alpha);
        if (beta != 0) v = Vector512.FusedMultiplyAdd(Vector512.Create(beta), Vector512.Load(c), v);
        v.Store(c);
    }

    /// <summary>
    /// AVX-512, 8 rows × the first 16 columns of a 32-wide B strip: a last strip of at most 16 real columns (a
    /// hidden size of 200 leaves 8, of 16 all 16) at half the full kernel's work. Stores 16 columns as the full
    /// kernel does; for fewer, the caller gives a scratch tile and keeps the columns that exist.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel512Half(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        Vector512<float> c4 = default, c5 = default, c6 = default, c7 = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector512.Load(b);
            c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0);
            c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c1);
            c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c2);
            c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c3);
            c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c4);
            c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c5);
            c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c6);
            c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c7);
            a += 8;
            b += 32;
        }
        Store512(c, c0, alpha, beta); Store512(c + ldc, c1, alpha, beta);
        Store512(c + 2 * ldc, c2, alpha, beta); Store512(c + 3 * ldc, c3, alpha, beta);
        c += 4 * ldc;
        Store512(c, c4, alpha, beta); Store512(c + ldc, c5, alpha, beta);
        Store512(c + 2 * ldc, c6, alpha, beta); Store512(c + 3 * ldc, c7, alpha, beta);
    }

    /// <summary>
    /// AVX-512, 4 rows × 32 columns from a packed A of row stride <paramref name="mr"/>: the edge rows of a
    /// tile and small batches (sampling) without computing rows that do not exist.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel512x4(int kc, float* a, int mr, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var ai = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(ai, b0, c00); c01 = Vector512.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(ai, b0, c10); c11 = Vector512.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(ai, b0, c20); c21 = Vector512.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(ai, b0, c30); c31 = Vector512.FusedMultiplyAdd(ai, b1, c31);
            a += mr;
            b += 32;
        }
        Store512(c, c00, c01, alpha, beta); c += ldc;
        Store512(c, c10, c11, alpha, beta); c += ldc;
        Store512(c, c20, c21, alpha, beta); c += ldc;
        Store512(c, c30, c31, alpha, beta);
    }

    /// <summary>AVX-512, 1 row × 32 columns (a GEMV strip), A of row stride <paramref name="mr"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel512x1(int kc, float* a, int mr, float* b, float* c, int ldc, float alpha, float beta)
    {
        // Two chains per column half would change the summation order; one chain each keeps every
        // element's FMA sequence identical to the 8-row kernel's.
        Vector512<float> c00 = default, c01 = default;
        for (int k = 0; k < kc; k++)
        {
            var ai = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(ai, Vector512.Load(b), c00);
            c01 = Vector512.FusedMultiplyAdd(ai, Vector512.Load(b + 16), c01);
            a += mr;
            b += 32;
        }
        Store512(c, c00, c01, alpha, beta);
    }

    /// <summary>Prefetch distance of the GEMV kernel, in floats of one strip: 8 depths ahead.</summary>
    const int Ahead = 32 * 8;

    /// <summary>
    /// AVX-512, 1 row × 4 strips of 32 columns (a GEMV): eight independent FMA chains hide the FMA latency
    /// that limits <see cref="Kernel512x1"/>, while each element keeps the same single chain over k.
    /// Strip s of B starts at b + s·stride, its C columns at c + 32·s.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel512x1x4(int kc, float* a, int mr, float* b, long stride, float* c, float alpha, float beta)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector512<float> c20 = default, c21 = default, c30 = default, c31 = default;
        float* b1 = b + stride, b2 = b + 2 * stride, b3 = b + 3 * stride;
        for (int k = 0; k < kc; k++)
        {
            var ai = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(ai, Vector512.Load(b), c00);
            c01 = Vector512.FusedMultiplyAdd(ai, Vector512.Load(b + 16), c01);
            c10 = Vector512.FusedMultiplyAdd(ai, Vector512.Load(b1), c10);
            c11 = Vector512.FusedMultiplyAdd(ai, Vector512.Load(b1 + 16), c11);
            c20 = Vector512.FusedMultiplyAdd(ai, Vector512.Load(b2), c20);
            c21 = Vector512.FusedMultiplyAdd(ai, Vector512.Load(b2 + 16), c21);
            c30 = Vector512.FusedMultiplyAdd(ai, Vector512.Load(b3), c30);
            c31 = Vector512.FusedMultiplyAdd(ai, Vector512.Load(b3 + 16), c31);
            if (Sse.IsSupported)
            {
                // The weights stream from L3 (a GEMV reuses nothing): asking early measured 58 → 47 µs
                // for 512×2048 on one core.
                Sse.Prefetch0(b + Ahead); Sse.Prefetch0(b + Ahead + 16);
                Sse.Prefetch0(b1 + Ahead); Sse.Prefetch0(b1 + Ahead + 16);
                Sse.Prefetch0(b2 + Ahead); Sse.Prefetch0(b2 + Ahead + 16);
                Sse.Prefetch0(b3 + Ahead); Sse.Prefetch0(b3 + Ahead + 16);
            }
            a += mr;
            b += 32; b1 += 32; b2 += 32; b3 += 32;
        }
        Store512(c, c00, c01, alpha, beta);
        Store512(c + 32, c10, c11, alpha, beta);
        Store512(c + 64, c20, c21, alpha, beta);
        Store512(c + 96, c30, c31, alpha, beta);
    }

    /// <summary>AVX2: 6 rows × 16 columns, 12 ymm accumulators (16 registers in all).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel256(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        PrefetchTile(c, ldc, 6, 16);
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var ai = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(ai, b0, c00); c01 = Vector256.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(ai, b0, c10); c11 = Vector256.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(ai, b0, c20); c21 = Vector256.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(ai, b0, c30); c31 = Vector256.FusedMultiplyAdd(ai, b1, c31);
            ai = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(ai, b0, c40); c41 = Vector256.FusedMultiplyAdd(ai, b1, c41);
            ai = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(ai, b0, c50); c51 = Vector256.FusedMultiplyAdd(ai, b1, c51);
            a += 6;
            b += 16;
        }
        Store256(c, c00, c01, alpha, beta); c += ldc;
        Store256(c, c10, c11, alpha, beta); c += ldc;
        Store256(c, c20, c21, alpha, beta); c += ldc;
        Store256(c, c30, c31, alpha, beta); c += ldc;
        Store256(c, c40, c41, alpha, beta); c += ldc;
        Store256(c, c50, c51, alpha, beta);
    }

    /// <summary>AVX2, 6 rows × the first 8 columns of a 16-wide B strip, as <see cref="Kernel512Half"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel256Half(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector256.Load(b);
            c0 = Vector256.FusedMultiplyAdd(Vector256.Create(a[0]), b0, c0);
            c1 = Vector256.FusedMultiplyAdd(Vector256.Create(a[1]), b0, c1);
            c2 = Vector256.FusedMultiplyAdd(Vector256.Create(a[2]), b0, c2);
            c3 = Vector256.FusedMultiplyAdd(Vector256.Create(a[3]), b0, c3);
            c4 = Vector256.FusedMultiplyAdd(Vector256.Create(a[4]), b0, c4);
            c5 = Vector256.FusedMultiplyAdd(Vector256.Create(a[5]), b0, c5);
            a += 6;
            b += 16;
        }
        Store256(c, c0, alpha, beta); Store256(c + ldc, c1, alpha, beta); Store256(c + 2 * ldc, c2, alpha, beta);
        c += 3 * ldc;
        Store256(c, c3, alpha, beta); Store256(c + ldc, c4, alpha, beta); Store256(c + 2 * ldc, c5, alpha, beta);
    }

    /// <summary>
    /// Asks for the rows of a C tile (first and last float of each) while the depth loop runs: C is
    /// usually far out of cache (a GEMM's C is written once per depth block), and without this the
    /// loads and stores at the end of each tile wait for memory (14 % of the AVX2 kernel's time at
    /// 6400×2048×512). A prefetch changes no arithmetic.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void PrefetchTile(float* c, int ldc, int rows, int cols)
    {
        if (!Sse.IsSupported) return;
        for (int i = 0; i < rows; i++, c += ldc) { Sse.Prefetch0(c); Sse.Prefetch0(c + cols - 1); }
    }

    /// <summary>
    /// AVX2, 4 rows × 16 columns from a packed A of row stride <paramref name="mr"/>: the edge rows of a
    /// tile and small batches, as <see cref="Kernel512x4"/> is for AVX-512.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel256x4(int kc, float* a, int mr, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var ai = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(ai, b0, c00); c01 = Vector256.FusedMultiplyAdd(ai, b1, c01);
            ai = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(ai, b0, c10); c11 = Vector256.FusedMultiplyAdd(ai, b1, c11);
            ai = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(ai, b0, c20); c21 = Vector256.FusedMultiplyAdd(ai, b1, c21);
            ai = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(ai, b0, c30); c31 = Vector256.FusedMultiplyAdd(ai, b1, c31);
            a += mr;
            b += 16;
        }
        Store256(c, c00, c01, alpha, beta); c += ldc;
        Store256(c, c10, c11, alpha, beta); c += ldc;
        Store256(c, c20, c21, alpha, beta); c += ldc;
        Store256(c, c30, c31, alpha, beta);
    }

    /// <summary>AVX2, 1 row × 16 columns, A of row stride <paramref name="mr"/>; one chain per element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel256x1(int kc, float* a, int mr, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default;
        for (int k = 0; k < kc; k++)
        {
            var ai = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(ai, Vector256.Load(b), c00);
            c01 = Vector256.FusedMultiplyAdd(ai, Vector256.Load(b + 8), c01);
            a += mr;
            b += 16;
        }
        Store256(c, c00, c01, alpha, beta);
    }

    /// <summary>
    /// AVX2, 1 row × 4 strips of 16 columns (a GEMV), as <see cref="Kernel512x1x4"/>: eight FMA chains in
    /// flight, each element still one chain over k. Strip s of B starts at b + s·stride, its C columns at c + 16·s.
    /// No prefetch: on Zen 3 asking 1 KB ahead made the 512 × 2048 GEMV slower (one thread 84–99 µs with, 72–85 without).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel256x1x4(int kc, float* a, int mr, float* b, long stride, float* c, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector256<float> c20 = default, c21 = default, c30 = default, c31 = default;
        float* b1 = b + stride, b2 = b + 2 * stride, b3 = b + 3 * stride;
        for (int k = 0; k < kc; k++)
        {
            var ai = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(ai, Vector256.Load(b), c00);
            c01 = Vector256.FusedMultiplyAdd(ai, Vector256.Load(b + 8), c01);
            c10 = Vector256.FusedMultiplyAdd(ai, Vector256.Load(b1), c10);
            c11 = Vector256.FusedMultiplyAdd(ai, Vector256.Load(b1 + 8), c11);
            c20 = Vector256.FusedMultiplyAdd(ai, Vector256.Load(b2), c20);
            c21 = Vector256.FusedMultiplyAdd(ai, Vector256.Load(b2 + 8), c21);
            c30 = Vector256.FusedMultiplyAdd(ai, Vector256.Load(b3), c30);
            c31 = Vector256.FusedMultiplyAdd(ai, Vector256.Load(b3 + 8), c31);
            a += mr;
            b += 16; b1 += 16; b2 += 16; b3 += 16;
        }
        Store256(c, c00, c01, alpha, beta);
        Store256(c + 16, c10, c11, alpha, beta);
        Store256(c + 32, c20, c21, alpha, beta);
        Store256(c + 48, c30, c31, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store256(float* c, Vector256<float> v0, Vector256<float> v1, float alpha, float beta)
    {
        Store256(c, v0, alpha, beta);
        Store256(c + 8, v1, alpha, beta);
    }

    /// <summary>c = alpha·v + beta·c (c not read when beta is 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store256(float* c, Vector256<float> v, float alpha, float beta)
    {
        v *= Vector256.Create(alpha);
        if (beta != 0) v = Vector256.FusedMultiplyAdd(Vector256.Create(beta), Vector256.Load(c), v);
        v.Store(c);
    }

    /// <summary>SSE / NEON: 4 rows × 8 columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel128(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector128<float> c20 = default, c21 = default, c30 = default, c31 = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector128.Load(b);
            var b1 = Vector128.Load(b + 4);
            var ai = Vector128.Create(a[0]);
            c00 = Mad.Of(ai, b0, c00); c01 = Mad.Of(ai, b1, c01);
            ai = Vector128.Create(a[1]);
            c10 = Mad.Of(ai, b0, c10); c11 = Mad.Of(ai, b1, c11);
            ai = Vector128.Create(a[2]);
            c20 = Mad.Of(ai, b0, c20); c21 = Mad.Of(ai, b1, c21);
            ai = Vector128.Create(a[3]);
            c30 = Mad.Of(ai, b0, c30); c31 = Mad.Of(ai, b1, c31);
            a += 4;
            b += 8;
        }
        Store128(c, c00, c01, alpha, beta); c += ldc;
        Store128(c, c10, c11, alpha, beta); c += ldc;
        Store128(c, c20, c21, alpha, beta); c += ldc;
        Store128(c, c30, c31, alpha, beta);
    }

    /// <summary>128-bit, 1 row × 8 columns, A of row stride <paramref name="mr"/>; one chain per element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel128x1(int kc, float* a, int mr, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector128<float> c00 = default, c01 = default;
        for (int k = 0; k < kc; k++)
        {
            var ai = Vector128.Create(a[0]);
            c00 = Mad.Of(ai, Vector128.Load(b), c00);
            c01 = Mad.Of(ai, Vector128.Load(b + 4), c01);
            a += mr;
            b += 8;
        }
        Store128(c, c00, c01, alpha, beta);
    }

    /// <summary>
    /// 128-bit (NEON on ARM), 1 row × 4 strips of 8 columns (a GEMV), as <see cref="Kernel512x1x4"/>: eight FMA
    /// chains in flight, each element one chain over k. Strip s of B starts at b + s·stride, its C columns at c + 8·s.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Kernel128x1x4(int kc, float* a, int mr, float* b, long stride, float* c, float alpha, float beta)
    {
        Vector128<float> c00 = default, c01 = default, c10 = default, c11 = default;
        Vector128<float> c20 = default, c21 = default, c30 = default, c31 = default;
        float* b1 = b + stride, b2 = b + 2 * stride, b3 = b + 3 * stride;
        for (int k = 0; k < kc; k++)
        {
            var ai = Vector128.Create(a[0]);
            c00 = Mad.Of(ai, Vector128.Load(b), c00);
            c01 = Mad.Of(ai, Vector128.Load(b + 4), c01);
            c10 = Mad.Of(ai, Vector128.Load(b1), c10);
            c11 = Mad.Of(ai, Vector128.Load(b1 + 4), c11);
            c20 = Mad.Of(ai, Vector128.Load(b2), c20);
            c21 = Mad.Of(ai, Vector128.Load(b2 + 4), c21);
            c30 = Mad.Of(ai, Vector128.Load(b3), c30);
            c31 = Mad.Of(ai, Vector128.Load(b3 + 4), c31);
            a += mr;
            b += 8; b1 += 8; b2 += 8; b3 += 8;
        }
        Store128(c, c00, c01, alpha, beta);
        Store128(c + 8, c10, c11, alpha, beta);
        Store128(c + 16, c20, c21, alpha, beta);
        Store128(c + 24, c30, c31, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store128(float* c, Vector128<float> v0, Vector128<float> v1, float alpha, float beta)
    {
        var va = Vector128.Create(alpha);
        v0 *= va; v1 *= va;
        if (beta != 0)
        {
            var vb = Vector128.Create(beta);
            v0 = Mad.Of(vb, Vector128.Load(c), v0);
            v1 = Mad.Of(vb, Vector128.Load(c + 4), v1);
        }
        v0.Store(c);
        v1.Store(c + 4);
    }

    /// <summary>Scalar: 4 rows × 4 columns; the same FMA chain per element as the vector kernels.</summary>
    public static void KernelScalar(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        float* acc = stackalloc float[16];
        for (int i = 0; i < 16; i++) acc[i] = 0;
        for (int k = 0; k < kc; k++, a += 4, b += 4)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    acc[i * 4 + j] = Mad.Of(a[i], b[j], acc[i * 4 + j]);
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
            {
                float v = alpha * acc[i * 4 + j];
                c[i * ldc + j] = beta != 0 ? Mad.Of(beta, c[i * ldc + j], v) : v;
            }
    }
}
