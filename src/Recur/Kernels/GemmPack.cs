// Packing for the blocked GEMM. A block (mc, kc) becomes ceil(mc/MR) strips of kc·MR floats
// (a[k*MR + i]); a B block (kc, nc) becomes ceil(nc/NR) strips of kc·NR floats (b[k*NR + j]).
// Rows or columns past the matrix edge are packed as zeros, so the micro-kernel always runs whole tiles.
using System.Runtime.CompilerServices;

namespace Recur.Kernels;

static unsafe class GemmPack
{
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
                // A stored (M, K): walk each row contiguously, scatter with stride MR.
                for (int i = 0; i < rows; i++)
                {
                    float* src = a + (long)(i0 + s + i) * lda + p0;
                    float* d = strip + i;
                    for (int k = 0; k < kc; k++) d[k * mr] = src[k];
                }
                for (int i = rows; i < mr; i++)
                    for (int k = 0; k < kc; k++) strip[k * mr + i] = 0;
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
                for (int j = 0; j < cols; j++)
                {
                    float* src = b + (long)(j0 + s + j) * ldb + p0;
                    float* d = strip + j;
                    for (int k = 0; k < kc; k++) d[k * nr] = src[k];
                }
                for (int j = cols; j < nr; j++)
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
