// The GEMM at several threads gives the bits of one thread: row and column splits at strip edges.
using Recur.Kernels;
using Recur.Tests.Support;

namespace Recur.Tests.Kernels;

// Alone (the "threads" collection): another class setting the thread count meanwhile would make a run at
// k threads a run at some other count.
[Collection("threads")]
public class GemmThreadTests
{
    [Fact]
    public unsafe void RowResultsDoNotDependOnBatchOrThreads()
    {
        // Row 3 of a 50-row product equals the same row multiplied alone, bit for bit, on 1 and 2 threads.
        var rng = new Rng(9);
        int m = 50, n = 515, k = 333;
        var a = new Tensor(m, k); var b = new Tensor(k, n);
        rng.FillUniform(a.Span, -1, 1); rng.FillUniform(b.Span, -1, 1);
        var all = new Tensor(m, n); var one = new Tensor(1, n);
        int threads = Workers.Count;
        try
        {
            Workers.SetThreads(2);
            Gemm.Multiply(false, false, m, n, k, 1f, a.Ptr, k, b.Ptr, n, 0f, all.Ptr, n);
            Workers.SetThreads(1);
            Gemm.Multiply(false, false, 1, n, k, 1f, a.Ptr + 3 * k, k, b.Ptr, n, 0f, one.Ptr, n);
            GC.KeepAlive(a); GC.KeepAlive(b);   // the products had only their pointers (see Tensor.Ptr)
        }
        finally { Workers.SetThreads(threads); }
        Close.Exact(all.Span.Slice(3 * n, n), one.Span, "row 3");
    }

    // Threads split rows (M > N) or columns, at MR and NR strip edges; a GEMV (M <= 4) splits the columns
    // of a streamed B; past KC the depth blocks accumulate into C; past NC the column blocks restart. Each
    // count is a new pool, so its threads' packing buffers start empty and grow shape by shape (smallest
    // first). Every element's bits must be those of one thread, packed B or not.
    [Fact]
    public unsafe void AnyThreadCountGivesTheBitsOfOneThread()
    {
        (bool TA, bool TB, int M, int N, int K, float Beta)[] shapes =
        [
            (false, false, 1, 1000, 300, 0f), (true, true, 3, 777, 400, 0.5f), (false, true, 37, 515, 333, 1f),
            (true, false, 13, 4500, 20, 0f), (false, false, 500, 37, 70, 0.25f), (true, true, 203, 50, Gemm.KC + 89, 1f),
        ];
        float[][] Run(int threads) => OnThreads.Run<float[][]>(threads, () =>
        {
            var results = new List<float[]>();
            foreach (var (ta, tb, m, n, k, beta) in shapes)
            {
                var rng = new Rng((ulong)(m * 7919 + n));
                int lda = ta ? m : k, ldb = tb ? k : n;
                var a = new Tensor(m * k); var b = new Tensor(k * n); var c0 = new Tensor(m * n);
                rng.FillUniform(a.Span, -1, 1); rng.FillUniform(b.Span, -1, 1); rng.FillUniform(c0.Span, -1, 1);
                var c = new Tensor(m * n);
                c.CopyFrom(c0.Span);
                Gemm.Multiply(ta, tb, m, n, k, -1.5f, a.Ptr, lda, b.Ptr, ldb, beta, c.Ptr, n);
                results.Add(c.ToArray());
                var packed = new PackedMatrix();
                packed.Pack(tb, k, n, b.Ptr, ldb);
                c.CopyFrom(c0.Span);
                Gemm.Multiply(ta, m, -1.5f, a.Ptr, lda, packed, beta, c.Ptr, n);
                GC.KeepAlive(a); GC.KeepAlive(b);   // the products had only their pointers (see Tensor.Ptr)
                results.Add(c.ToArray());
            }
            return [.. results];
        });
        var one = Run(1);
        for (int round = 0; round < 3; round++)
            foreach (int threads in new[] { 2, 3, 4 })
            {
                var got = Run(threads);
                for (int i = 0; i < one.Length; i++)
                {
                    var (ta, tb, m, n, k, _) = shapes[i / 2];
                    Close.Exact(one[i], got[i], $"{(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} m={m} n={n} k={k}{(i % 2 == 1 ? " packed" : "")}, {threads} threads");
                }
            }
    }
}
