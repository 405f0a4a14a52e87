// The blocked GEMM against the naive reference: every transpose combination, every small dimension
// through the micro-tile and block edges, large shapes, strides, alpha/beta, and determinism.
using Recur.Kernels;
using Recur.Tests.Support;

namespace Recur.Tests.Kernels;

public class GemmTests
{
    static void Compare(bool ta, bool tb, int m, int n, int k, float alpha, float beta, int pad = 0, int seed = 1)
    {
        var rng = new Rng((ulong)seed);
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        var a = new float[Math.Max(1, (ta ? k : m) * lda)];
        var b = new float[Math.Max(1, (tb ? n : k) * ldb)];
        var c = new float[Math.Max(1, m * ldc)];
        rng.FillUniform(a, -1, 1); rng.FillUniform(b, -1, 1); rng.FillUniform(c, -1, 1);
        var expected = (float[])c.Clone();
        GemmReference.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, expected, ldc);
        Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        // float accumulation over k terms: error grows like √k·ε·|terms|
        float tol = 2e-6f * MathF.Sqrt(k + 1) * 4;
        Close.Assert(expected, c, $"gemm {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} m={m} n={n} k={k}", tol, 1e-5f);
    }

    public static IEnumerable<object[]> Transposes() =>
        from ta in new[] { false, true } from tb in new[] { false, true } select new object[] { ta, tb };

    [Theory, MemberData(nameof(Transposes))]
    public void SmallShapesEveryEdge(bool ta, bool tb)
    {
        // Every M, N through two micro-tiles plus one, with K around nothing, one and odd values.
        int maxM = 2 * Gemm.MR + 1, maxN = 2 * Gemm.NR + 1;
        foreach (int k in new[] { 1, 2, 7, 33 })
            for (int m = 1; m <= maxM; m++)
                for (int n = 1; n <= maxN; n += (n < 8 ? 1 : 3))
                    Compare(ta, tb, m, n, k, 1f, 0f, seed: m * 1000 + n);
    }

    [Theory, MemberData(nameof(Transposes))]
    public void DepthThroughBlockEdges(bool ta, bool tb)
    {
        foreach (int k in new[] { Gemm.KC - 1, Gemm.KC, Gemm.KC + 1, 2 * Gemm.KC + 3 })
        {
            Compare(ta, tb, 13, 37, k, 1f, 0f);
            Compare(ta, tb, 1, 300, k, 1f, 0.5f); // one row reads A in place, block by block
        }
    }

    [Theory, MemberData(nameof(Transposes))]
    public void LargeShapesParallel(bool ta, bool tb)
    {
        Compare(ta, tb, 64, 2048, 512, 1f, 0f);
        Compare(ta, tb, 300, 257, 300, 1f, 0f);
        Compare(ta, tb, 1000, 40, 130, 1f, 0f); // few columns: rows are split
    }

    [Fact]
    public void Large1024Cube() => Compare(false, false, 1024, 1024, 1024, 1f, 0f);

    [Theory, MemberData(nameof(Transposes))]
    public void AlphaBetaAndStrides(bool ta, bool tb)
    {
        Compare(ta, tb, 19, 45, 70, 0.5f, 1f, pad: 3);
        Compare(ta, tb, 19, 45, 70, -2f, 0.25f, pad: 5);
        Compare(ta, tb, 9, 33, 300, 1f, 1f, pad: 1);
    }

    [Fact]
    public void BetaZeroIgnoresGarbageInC()
    {
        var a = new float[] { 1, 2 }; var b = new float[] { 3, 4 };
        var c = new float[] { float.NaN };
        Gemm.Multiply(false, false, 1, 1, 2, 1f, a, 2, b, 1, 0f, c, 1);
        Assert.Equal(11f, c[0]);
    }

    [Fact]
    public void ZeroDepthScalesC()
    {
        var c = new float[] { 2, 4 };
        Gemm.Multiply(false, false, 1, 2, 0, 1f, [], 1, [], 2, 0.5f, c, 2);
        Assert.Equal(new float[] { 1, 2 }, c);
    }

    [Fact]
    public void TooSmallOperandIsRejected()
    {
        Assert.Throws<ArgumentException>(() =>
            Gemm.Multiply(false, false, 2, 2, 2, 1f, new float[3], 2, new float[4], 2, 0f, new float[4], 2));
    }

    [Fact]
    public unsafe void PackedMatchesUnpackedExactly()
    {
        var rng = new Rng(5);
        int m = 37, n = 300, k = 600;
        var a = new Tensor(m, k); var w = new Tensor(n, k);
        rng.FillUniform(a.Span, -1, 1); rng.FillUniform(w.Span, -1, 1);
        var c1 = new Tensor(m, n); var c2 = new Tensor(m, n);
        Gemm.Multiply(false, true, m, n, k, 1f, a.Ptr, k, w.Ptr, k, 0f, c1.Ptr, n);
        var packed = new PackedMatrix();
        packed.PackTransposed(w);
        Gemm.Multiply(false, m, 1f, a.Ptr, k, packed, 0f, c2.Ptr, n);
        Close.Exact(c1.Span, c2.Span, "packed vs unpacked");
    }

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
        }
        finally { Workers.SetThreads(threads); }
        Close.Exact(all.Span.Slice(3 * n, n), one.Span, "row 3");
    }
}
