// GEMM GFLOP/s at the shapes the recurrent layers use, Recur beside OpenBLAS in the same process.
using System.Diagnostics;
using Recur.Kernels;

namespace Recur.Bench;

static unsafe class GemmBench
{
    // (M, N, K, transA, transB, what it is)
    static readonly (int M, int N, int K, bool TA, bool TB, string Use)[] Shapes =
    [
        (64, 2048, 512, false, true, "h·W_hhᵀ, batch 64, H 512"),
        (64, 2048, 1024, false, true, "x·W_ihᵀ, batch 64, D 1024"),
        (100, 2048, 512, false, true, "100 rows, K 512"),
        (100, 2048, 1024, false, true, "100 rows, K 1024"),
        (64, 512, 2048, false, false, "dgates·W_hh (backward)"),
        (2048, 512, 6400, true, false, "dgatesᵀ·h (weight grad)"),
        (6400, 2048, 512, false, true, "all-steps input projection"),
        (1024, 1024, 1024, false, false, "1024³"),
        (700, 10000, 200, false, true, "word logits h·W_fcᵀ, 20×35, V 10,000"),
        (700, 200, 10000, false, false, "dlogits·W_fc (backward)"),
        (10000, 200, 700, true, false, "dlogitsᵀ·h (output weight grad)"),
    ];

    public static void Run(int threads, double seconds)
    {
        Workers.SetThreads(threads);
        bool blas = OpenBlas.Available;
        if (blas) OpenBlas.SetThreads(threads);
        Console.WriteLine($"GEMM, {threads} threads, kernel {Gemm.KernelName}, {seconds / 3:0.##} s per measurement, best of 3 per side");
        Console.WriteLine($"{"M",5} {"N",5} {"K",5} {"op",3} {"Recur GF/s",11} {"OpenBLAS GF/s",14} {"ratio",6}  use");
        var rng = new Rng(1);
        foreach (var s in Shapes)
        {
            var a = new Tensor(s.M * s.K); rng.FillUniform(a.Span, -1, 1);
            var b = new Tensor(s.K * s.N); rng.FillUniform(b.Span, -1, 1);
            var c = new Tensor(s.M * s.N);
            int lda = s.TA ? s.M : s.K, ldb = s.TB ? s.K : s.N;
            double flops = 2.0 * s.M * s.N * s.K;
            double recur = 0, open = 0;
            for (int rep = 0; rep < 3; rep++) // alternate, keep the best of each
            {
                recur = Math.Max(recur, flops / Time(() => Gemm.Multiply(s.TA, s.TB, s.M, s.N, s.K, 1, a.Ptr, lda, b.Ptr, ldb, 0, c.Ptr, s.N), seconds / 3) / 1e9);
                if (blas) open = Math.Max(open, flops / Time(() => OpenBlas.Sgemm(s.TA, s.TB, s.M, s.N, s.K, 1, a.Ptr, lda, b.Ptr, ldb, 0, c.Ptr, s.N), seconds / 3) / 1e9);
            }
            string op = (s.TA ? "T" : "N") + (s.TB ? "T" : "N");
            Console.WriteLine($"{s.M,5} {s.N,5} {s.K,5} {op,3} {recur,11:0.0} {(blas ? open.ToString("0.0") : "n/a"),14} {(blas ? (recur / open).ToString("0.00") : "n/a"),6}  {s.Use}");
        }
    }

    /// <summary>Seconds per call, after warm-up, over about <paramref name="budget"/> seconds.</summary>
    public static double Time(Action f, double budget)
    {
        for (int i = 0; i < 3; i++) f();
        var sw = Stopwatch.StartNew();
        int n = 0;
        while (sw.Elapsed.TotalSeconds < budget || n < 3) { f(); n++; }
        return sw.Elapsed.TotalSeconds / n;
    }
}
