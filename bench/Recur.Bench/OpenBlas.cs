// OpenBLAS's cblas_sgemm, the outside anchor for the GEMM benchmark. Only the benchmark loads it
// (Debian: apt-get install libopenblas0-pthread); the library never does.
using System.Runtime.InteropServices;

namespace Recur.Bench;

static unsafe partial class OpenBlas
{
    const string Lib = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0";
    const int RowMajor = 101, NoTrans = 111, Trans = 112;

    [LibraryImport(Lib, EntryPoint = "cblas_sgemm")]
    private static partial void cblas_sgemm(int order, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Lib, EntryPoint = "openblas_set_num_threads")]
    private static partial void openblas_set_num_threads(int threads);

    public static bool Available => File.Exists(Lib);

    public static void SetThreads(int threads) => openblas_set_num_threads(threads);

    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
        => cblas_sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
