// The naive triple loop the fast GEMM is tested against. Double accumulation, no blocking.
namespace Recur.Kernels;

/// <summary>Reference SGEMM: C = alpha·op(A)·op(B) + beta·C, row-major, accumulated in double.</summary>
public static class GemmReference
{
    /// <param name="transA">A is stored (K, M) with stride lda instead of (M, K).</param>
    /// <param name="transB">B is stored (N, K) with stride ldb instead of (K, N).</param>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a[p * lda + i] : a[i * lda + p];
                    float bv = transB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)av * bv;
                }
                double prior = beta == 0 ? 0 : beta * (double)c[i * ldc + j];
                c[i * ldc + j] = (float)(alpha * sum + prior);
            }
    }
}
