// Packing for the blocked GEMM. A block (mc, kc) becomes ceil(mc/MR) strips of kc·MR floats
// (a[k*MR + i]); a B block (kc, nc) becomes ceil(nc/NR) strips of kc·NR floats (b[k*NR + j]).
// Rows or columns past the matrix edge are packed as zeros, so the micro-kernel always runs whole tiles.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Recur.Kernels;

static unsafe class GemmPack
{
    /// <summary>
    /// dst[c·dstStride + r] = src[r·srcStride + c] for an 8×8 block, in registers (AVX unpack, shuffle and
    /// lane permute). Packing is a pure copy, so results do not depend on which path packed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose8x8(float* src, long srcStride, float* dst, long dstStride)
    {
        var r0 = Avx.LoadVector256(src); var r1 = Avx.LoadVector256(src + srcStride);
        var r2 = Avx.LoadVector256(src + 2 * srcStride); var r3 = Avx.LoadVector256(src + 3 * srcStride);
        var r4 = Avx.LoadVector256(src + 4 * srcStride); var r5 = Avx.LoadVector256(src + 5 * srcStride);
        var r6 = Avx.LoadVector256(src + 6 * srcStride); var r7 = Avx.LoadVector256(src + 7 * srcStride);
        Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Avx.Store(dst, r0); Avx.Store(dst + dstStride, r1);
        Avx.Store(dst + 2 * dstStride, r2); Avx.Store(dst + 3 * dstStride, r3);
        Avx.Store(dst + 4 * dstStride, r4); Avx.Store(dst + 5 * dstStride, r5);
        Avx.Store(dst + 6 * dstStride, r6); Avx.Store(dst + 7 * dstStride, r7);
    }

    /// <summary>
    /// Six rows of 8 depths into a 6-row strip, dst[k·6 + r] = src[r·srcStride + k]: the 8×8 transpose with two
    /// zero rows, each column stored as 8 floats whose last two the next column overwrites. The 8th column's
    /// store would run 2 floats past the block, so it writes only its 6 (the AVX2 kernel's MR = 6).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose6x8(float* src, long srcStride, float* dst)
    {
        var r0 = Avx.LoadVector256(src); var r1 = Avx.LoadVector256(src + srcStride);
        var r2 = Avx.LoadVector256(src + 2 * srcStride); var r3 = Avx.LoadVector256(src + 3 * srcStride);
        var r4 = Avx.LoadVector256(src + 4 * srcStride); var r5 = Avx.LoadVector256(src + 5 * srcStride);
        var r6 = Vector256<float>.Zero; var r7 = Vector256<float>.Zero;
        Transpose(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Avx.Store(dst, r0); Avx.Store(dst + 6, r1); Avx.Store(dst + 12, r2); Avx.Store(dst + 18, r3);
        Avx.Store(dst + 24, r4); Avx.Store(dst + 30, r5); Avx.Store(dst + 36, r6);
        Sse.Store(dst + 42, r7.GetLower());
        Sse.StoreLow(dst + 46, r7.GetUpper());   // the low two floats
    }

    /// <summary>Transposes the 8×8 block held in r0..r7 (row i in ri) so that ri holds column i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Transpose(ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(u0, u4, 0x20); r1 = Avx.Permute2x128(u1, u5, 0x20);
        r2 = Avx.Permute2x128(u2, u6, 0x20); r3 = Avx.Permute2x128(u3, u7, 0x20);
        r4 = Avx.Permute2x128(u0, u4, 0x31); r5 = Avx.Permute2x128(u1, u5, 0x31);
        r6 = Avx.Permute2x128(u2, u6, 0x31); r7 = Avx.Permute2x128(u3, u7, 0x31);
    }

    /// <summary>Packs rows [i0, i0+mc) and depth [p0, p0+kc) of op(A) into MR-row strips.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(bool transA, float* a, int lda, int i0, int mc, int p0, int kc, int mr, float* dst)
    {
        for (int s = 0; s < mc; s += mr)
        {
            int rows = Math.Min(mr, mc - s);
            float* strip = dst + s * kc;
            if (transA)
            {
                // A stored (K, M): the MR values of one k are contiguous.
                if (rows == 8 && mr == 8 && Vector256.IsHardwareAccelerated)
                {
                    for (int k = 0; k < kc; k++) Vector256.Load(a + (long)(p0 + k) * lda + i0 + s).Store(strip + k * 8);
                    continue;
                }
                if (rows == 6 && mr == 6 && Vector128.IsHardwareAccelerated)
                {
                    for (int k = 0; k < kc; k++)
                    {
                        float* src = a + (long)(p0 + k) * lda + i0 + s;
                        float* d = strip + k * 6;
                        Vector128.Load(src).Store(d);
                        d[4] = src[4]; d[5] = src[5];
                    }
                    continue;
                }
                for (int k = 0; k < kc; k++)
                {
                    float* src = a + (long)(p0 + k) * lda + i0 + s;
                    float* d = strip + k * mr;
                    int i = 0;
                    for (; i < rows; i++) d[i] = src[i];
                    for (; i < mr; i++) d[i] = 0;
                }
            }
            else
            {
                // A stored (M, K): 8×8 blocks transposed in registers, then the remainder one by one.
                int k0 = 0;
                if (rows == 8 && mr == 8 && Avx.IsSupported)
                    for (; k0 + 8 <= kc; k0 += 8) Transpose8x8(a + (long)(i0 + s) * lda + p0 + k0, lda, strip + k0 * 8, 8);
                else if (rows == 6 && mr == 6 && Avx.IsSupported)
                    for (; k0 + 8 <= kc; k0 += 8) Transpose6x8(a + (long)(i0 + s) * lda + p0 + k0, lda, strip + k0 * 6);
                if (k0 == kc) continue;
                for (int i = 0; i < rows; i++)
                {
                    float* src = a + (long)(i0 + s + i) * lda + p0;
                    float* d = strip + i;
                    for (int k = k0; k < kc; k++) d[k * mr] = src[k];
                }
                for (int i = rows; i < mr; i++)
                    for (int k = k0; k < kc; k++) strip[k * mr + i] = 0;
            }
        }
    }

    /// <summary>Packs depth [p0, p0+kc) and columns [j0, j0+nc) of op(B) into NR-column strips.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(bool transB, float* b, int ldb, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int s = 0; s < nc; s += nr)
        {
            int cols = Math.Min(nr, nc - s);
            float* strip = dst + s * kc;
            if (transB)
            {
                // B stored (N, K), e.g. a PyTorch weight (out, in): each column of op(B) is a contiguous row.
                // Groups of 8 columns × 8 depths are transposed in registers; the rest one by one.
                int j = 0;
                if (Avx.IsSupported && nr % 8 == 0)
                    for (; j + 8 <= cols; j += 8)
                    {
                        float* src = b + (long)(j0 + s + j) * ldb + p0;
                        int k = 0;
                        for (; k + 8 <= kc; k += 8) Transpose8x8(src + k, ldb, strip + k * nr + j, nr);
                        for (int jj = 0; jj < 8; jj++)
                            for (int kk = k; kk < kc; kk++) strip[kk * nr + j + jj] = src[(long)jj * ldb + kk];
                    }
                for (; j < cols; j++)
                {
                    float* src = b + (long)(j0 + s + j) * ldb + p0;
                    float* d = strip + j;
                    for (int k = 0; k < kc; k++) d[k * nr] = src[k];
                }
                for (; j < nr; j++)
                    for (int k = 0; k < kc; k++) strip[k * nr + j] = 0;
            }
            else
            {
                for (int k = 0; k < kc; k++)
                {
                    float* src = b + (long)(p0 + k) * ldb + j0 + s;
                    float* d = strip + k * nr;
                    if (cols == nr) new ReadOnlySpan<float>(src, nr).CopyTo(new Span<float>(d, nr));
                    else
                    {
                        int j = 0;
                        for (; j < cols; j++) d[j] = src[j];
                        for (; j < nr; j++) d[j] = 0;
                    }
                }
            }
        }
    }
}
