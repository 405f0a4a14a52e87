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

    // CI reruns these tests with wider instruction sets switched off. The runtime's switches have been renamed before
    // (.NET 10 reads DOTNET_EnableAVX512, not DOTNET_EnableAVX512F, and a pass under the old name ran AVX-512 again):
    // a switch that no longer narrows the kernel must fail here, not leave a width untested.
    [Fact]
    public void SwitchedOffWidthsAreNotUsed()
    {
        static bool Off(string name) => Environment.GetEnvironmentVariable("DOTNET_" + name) == "0";
        string kernel = Gemm.Describe();
        if (Off("EnableAVX512F") || Off("EnableAVX512")) Assert.DoesNotContain("avx512", kernel);
        if (Off("EnableAVX2")) Assert.DoesNotContain("avx", kernel);
        if (Off("EnableHWIntrinsic")) Assert.StartsWith("scalar", kernel);
    }

    public static IEnumerable<object[]> Transposes() =>
        from ta in new[] { false, true } from tb in new[] { false, true } select new object[] { ta, tb };

    // Every M and every N through two micro-tiles of the widest kernel plus one, whichever kernel this machine
    // runs: MR×NR is 8×32 (AVX-512), 6×16 (AVX2), 4×8 (128-bit) or 4×4, so each width meets every partial tile,
    // N = NR and 2·NR exactly, and (narrower than AVX-512) one row over four strips, N ≥ 4·NR. It stepped N by 3
    // above 8 up to 2·NR + 1, so AVX2 never met N = 16 nor its one-row 4-strip kernel. K is small and sparse:
    // 1 and 2, 7 and 8 (under and exactly one 8-deep packing transpose), 33 (four and one over). A padded stride
    // on every other shape puts a column beside C that a write past the edge would change. ~1 s for all four.
    [Theory, MemberData(nameof(Transposes))]
    public void SmallShapesEveryEdge(bool ta, bool tb)
    {
        int maxM = Math.Max(2 * 8, 2 * Gemm.MR) + 1, maxN = Math.Max(2 * 32, 2 * Gemm.NR) + 1;
        foreach (int k in new[] { 1, 2, 7, 8, 33 })
            for (int m = 1; m <= maxM; m++)
                for (int n = 1; n <= maxN; n++)
                    Compare(ta, tb, m, n, k, 1f, 0f, pad: (m + n) % 2, seed: m * 1000 + n);
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
        GC.KeepAlive(a);   // the products had only its pointer (see Tensor.Ptr)
        Close.Exact(c1.Span, c2.Span, "packed vs unpacked");
    }

    // C = op(A)·op(B) + bias on every row, against filling the rows with the bias and multiplying with beta 1: the same
    // bits through every tile kind (full, fewer rows, fewer columns, one row), two depth blocks, both thread splits,
    // B packed ahead, and no bias (beta 0). C starts as NaN, so a tile the bias missed shows; the padding column stays.
    [Theory, MemberData(nameof(Transposes))]
    public unsafe void PlusBiasIsTheBiasFilledProduct(bool ta, bool tb)
    {
        foreach (var (m, n, k) in new[] { (1, 300, 20), (1, 7, 3), (3, 70, 40), (2 * Gemm.MR + 3, 2 * Gemm.NR + 5, Gemm.KC + 9),
                     (700, 1000, 200), (1000, 40, 130), (5, 9, 0) })
        {
            var rng = new Rng((ulong)(m * 31 + n));
            int lda = ta ? m : k, ldb = tb ? k : n, ldc = n + 1;
            var a = new Tensor(Math.Max(1, m * k)); var b = new Tensor(Math.Max(1, k * n)); var bias = new Tensor(n);
            rng.FillUniform(a.Span, -1, 1); rng.FillUniform(b.Span, -1, 1); rng.FillUniform(bias.Span, -1, 1);
            var expected = new Tensor(m * ldc); var c = new Tensor(m * ldc);
            for (int i = 0; i < m; i++) bias.Span.CopyTo(expected.Span.Slice(i * ldc, n));
            Gemm.Multiply(ta, tb, m, n, k, 0.5f, a.Ptr, lda, b.Ptr, ldb, 1f, expected.Ptr, ldc);
            string what = $"{(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} m={m} n={n} k={k}";
            c.Span.Fill(float.NaN);
            for (int i = 0; i < m; i++) c.Span[i * ldc + n] = expected.Span[i * ldc + n] = 7f;
            Gemm.MultiplyPlusBias(ta, tb, m, n, k, 0.5f, a.Ptr, lda, b.Ptr, ldb, bias.Ptr, c.Ptr, ldc);
            Close.Exact(expected.Span, c.Span, "plus bias " + what);
            if (!tb && k > 0)
            {
                // Packed: B (K, N) is the transpose of a weight (N, K).
                var w = new Tensor(n, k);
                for (int j = 0; j < n; j++) for (int p = 0; p < k; p++) w.Span[j * k + p] = b.Span[p * ldb + j];
                var packed = new PackedMatrix();
                packed.PackTransposed(w);
                c.Span.Fill(float.NaN);
                for (int i = 0; i < m; i++) c.Span[i * ldc + n] = 7f;
                Gemm.MultiplyPlusBias(ta, m, 0.5f, a.Ptr, lda, packed, bias.Ptr, c.Ptr, ldc);
                Close.Exact(expected.Span, c.Span, "packed plus bias " + what);
            }
            Gemm.Multiply(ta, tb, m, n, k, 0.5f, a.Ptr, lda, b.Ptr, ldb, 0f, expected.Ptr, ldc);
            c.Span.Fill(float.NaN);
            for (int i = 0; i < m; i++) c.Span[i * ldc + n] = expected.Span[i * ldc + n];
            Gemm.MultiplyPlusBias(ta, tb, m, n, k, 0.5f, a.Ptr, lda, b.Ptr, ldb, null, c.Ptr, ldc);
            Close.Exact(expected.Span, c.Span, "no bias " + what);
            // The products had only their pointers: a collection on another test's thread once freed the bias
            // under the packed product (see Tensor.Ptr).
            GC.KeepAlive(a); GC.KeepAlive(b); GC.KeepAlive(bias);
        }
    }

    // Every kernel (AVX-512, AVX2, 128-bit, scalar; CI reruns this with the wider ones switched off) sums
    // each element as one FMA chain per KC-deep block, scales it by alpha and adds beta·C, so a product has
    // the same bits on every machine. The reference below does exactly that, one element at a time.
    [Theory, MemberData(nameof(Transposes))]
    public void EveryWidthGivesTheSameBits(bool ta, bool tb)
    {
        foreach (var (m, n, k, beta) in new[] { (1, 300, Gemm.KC + 77, 0f), (1, 64, 20, 0.5f), (3, 70, 40, 0f),
                     (5, 130, Gemm.KC + 3, 1f), (13, 37, 33, 0.25f), (64, 512, Gemm.KC + 7, 0f),
                     // a last strip of exactly half the kernel's width, stored by the half-width kernel itself
                     (16, 48, Gemm.KC + 5, 0.5f), (12, 40, 33, 1f) })
        {
            var rng = new Rng((ulong)(m * 7919 + n));
            int lda = ta ? m : k, ldb = tb ? k : n;
            var a = new float[m * k]; var b = new float[k * n]; var c = new float[m * n];
            rng.FillUniform(a, -1, 1); rng.FillUniform(b, -1, 1); rng.FillUniform(c, -1, 1);
            var expected = (float[])c.Clone();
            const float alpha = -1.5f;
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    float e = expected[i * n + j];
                    for (int pc = 0; pc < k; pc += Gemm.KC)
                    {
                        float acc = 0;
                        for (int p = pc; p < Math.Min(k, pc + Gemm.KC); p++)
                            acc = Mad.Of(ta ? a[p * lda + i] : a[i * lda + p], tb ? b[j * ldb + p] : b[p * ldb + j], acc);
                        float scaled = alpha * acc, blockBeta = pc == 0 ? beta : 1f;
                        e = blockBeta != 0 ? Mad.Of(blockBeta, e, scaled) : scaled;
                    }
                    expected[i * n + j] = e;
                }
            Gemm.Multiply(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, n);
            Close.Exact(expected, c, $"{Gemm.Describe()} {(ta ? 'T' : 'N')}{(tb ? 'T' : 'N')} m={m} n={n} k={k}");
        }
    }
}
