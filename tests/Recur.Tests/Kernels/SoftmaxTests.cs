// Softmax, log-softmax, their backward forms and the cross-entropy row helper against double-precision
// formulas over every row length 1..256 (every block/tail split of the 16-lane sum), plus the
// fixed-order sum giving identical bits at every SIMD width, row independence and in-place use.
using Recur.Kernels;
using Recur.Tests.Support;

namespace Recur.Tests.Kernels;

public class SoftmaxTests
{
    const int Rows = 3;

    /// <summary>Rows of uniform values in [-10, 10]; row 1 peaked (×8), row 2 shifted by +60.</summary>
    static float[] Logits(int cols, ulong seed)
    {
        var x = new float[Rows * cols];
        new Rng(seed).FillUniform(x, -10, 10);
        for (int j = 0; j < cols; j++) { x[cols + j] *= 8; x[2 * cols + j] += 60; }
        return x;
    }

    static double[] SoftmaxRef(ReadOnlySpan<float> row)
    {
        double max = double.NegativeInfinity;
        foreach (float v in row) max = Math.Max(max, v);
        var e = new double[row.Length];
        double sum = 0;
        for (int j = 0; j < row.Length; j++) sum += e[j] = Math.Exp(row[j] - max);
        for (int j = 0; j < row.Length; j++) e[j] /= sum;
        return e;
    }

    static double LogSumExpRef(ReadOnlySpan<float> row)
    {
        double max = double.NegativeInfinity;
        foreach (float v in row) max = Math.Max(max, v);
        double sum = 0;
        foreach (float v in row) sum += Math.Exp(v - max);
        return max + Math.Log(sum);
    }

    [Fact]
    public void ForwardEveryLength()
    {
        for (int n = 1; n <= 256; n++)
        {
            var x = Logits(n, (ulong)n);
            var y = new float[x.Length];
            var logY = new float[x.Length];
            Softmax.Forward(x, y, Rows, n);
            Softmax.LogSoftmax(x, logY, Rows, n);
            for (int r = 0; r < Rows; r++)
            {
                var row = x.AsSpan(r * n, n);
                var p = SoftmaxRef(row);
                double lse = LogSumExpRef(row);
                // exp is ~1 ulp, the sum and the division a few more: 2e-6 relative, 1e-9 absolute for tiny values.
                Close.Assert(p.Select(v => (float)v).ToArray(), y.AsSpan(r * n, n), $"softmax n={n} row {r}", 1e-9f, 2e-6f);
                var logP = row.ToArray().Select(v => (float)(v - lse)).ToArray();
                // x - max is exact; log Σ costs ~1 ulp of values up to ~|160|: 2e-6 absolute.
                Close.Assert(logP, logY.AsSpan(r * n, n), $"log_softmax n={n} row {r}", 2e-6f, 1e-6f);
            }
        }
    }

    [Fact]
    public void BackwardEveryLength()
    {
        for (int n = 1; n <= 256; n++)
        {
            var x = Logits(n, (ulong)n + 500);
            var dy = new float[x.Length];
            new Rng((ulong)n + 900).FillUniform(dy, -1, 1);
            var y = new float[x.Length]; var logY = new float[x.Length];
            Softmax.Forward(x, y, Rows, n);
            Softmax.LogSoftmax(x, logY, Rows, n);
            var dx = new float[x.Length]; var dxLog = new float[x.Length];
            Softmax.Backward(y, dy, dx, Rows, n);
            Softmax.LogSoftmaxBackward(logY, dy, dxLog, Rows, n);
            for (int r = 0; r < Rows; r++)
            {
                int o = r * n;
                double dot = 0, sum = 0;
                for (int j = 0; j < n; j++) { dot += (double)dy[o + j] * y[o + j]; sum += dy[o + j]; }
                var expected = Enumerable.Range(0, n).Select(j => (float)(y[o + j] * (dy[o + j] - dot))).ToArray();
                var expectedLog = Enumerable.Range(0, n).Select(j => (float)(dy[o + j] - Math.Exp(logY[o + j]) * sum)).ToArray();
                // Σ over up to 256 terms in float against double: 1e-6 absolute.
                Close.Assert(expected, dx.AsSpan(o, n), $"softmax' n={n} row {r}", 1e-6f, 1e-5f);
                Close.Assert(expectedLog, dxLog.AsSpan(o, n), $"log_softmax' n={n} row {r}", 1e-6f, 1e-5f);
            }
        }
    }

    [Fact]
    public void CrossEntropyEveryLength()
    {
        for (int n = 1; n <= 256; n++)
        {
            var x = Logits(n, (ulong)n + 2000);
            for (int r = 0; r < Rows; r++)
            {
                var row = x.AsSpan(r * n, n);
                int target = (r * 37 + n) % n;
                var dx = new float[n];
                double loss = Softmax.CrossEntropy(row, target, dx, 0.5f);
                double expectedLoss = LogSumExpRef(row) - row[target];
                Assert.True(Math.Abs(loss - expectedLoss) <= 1e-6 + 1e-6 * Math.Abs(expectedLoss), $"n={n} row {r}: loss {loss}, expected {expectedLoss}");
                var p = SoftmaxRef(row);
                var expected = p.Select((v, j) => (float)(0.5 * (v - (j == target ? 1 : 0)))).ToArray();
                Close.Assert(expected, dx, $"cross-entropy gradient n={n} row {r}", 1e-7f, 2e-6f);
                Assert.Equal(loss, Softmax.CrossEntropy(row, target, default, 0.5f));
            }
        }
    }

    [Fact]
    public void LaneSumIsTheSameAtEveryWidth()
    {
        for (int n = 1; n <= 256; n++)
        {
            var x = new float[n];
            new Rng((ulong)n + 77).FillUniform(x, -1000, 1000);
            unsafe
            {
                fixed (float* px = x)
                {
                    var t = new PlainTerms { X = px };
                    float s512 = LaneSum.Sum<PlainTerms, V512>(ref t, n);
                    float s256 = LaneSum.Sum<PlainTerms, V256>(ref t, n);
                    float s128 = LaneSum.Sum<PlainTerms, V128>(ref t, n);
                    float s1 = LaneSum.Sum<PlainTerms, V1>(ref t, n);
                    Assert.True(Bits(s512) == Bits(s1) && Bits(s256) == Bits(s1) && Bits(s128) == Bits(s1),
                        $"n={n}: {s512:R} {s256:R} {s128:R} {s1:R}");
                    // Float sums against double: within 1e-6 of Σ|x|.
                    Assert.Equal(x.Select(v => (double)v).Sum(), s1, 1e-6 * x.Sum(v => Math.Abs((double)v)));
                    Assert.Equal(x.Max(), LaneSum.Max(px, n));
                }
            }
        }
    }

    [Fact]
    public void RowResultIndependentOfBatch()
    {
        const int n = 45;
        var x = Logits(n, 9);
        var batch = new float[x.Length];
        Softmax.Forward(x, batch, Rows, n);
        for (int r = 0; r < Rows; r++)
        {
            var alone = new float[n];
            Softmax.Forward(x.AsSpan(r * n, n), alone, 1, n);
            Close.Exact(alone, batch.AsSpan(r * n, n), $"row {r} alone vs in a batch");
        }
    }

    [Fact]
    public void InPlaceIsAllowed()
    {
        const int n = 37;
        var x = Logits(n, 4);
        var y = new float[x.Length]; Softmax.Forward(x, y, Rows, n);
        var logY = new float[x.Length]; Softmax.LogSoftmax(x, logY, Rows, n);
        var dx = new float[n]; Softmax.CrossEntropy(x.AsSpan(0, n), 5, dx, 1f);
        var a = (float[])x.Clone(); Softmax.Forward(a, a, Rows, n);
        var b = (float[])x.Clone(); Softmax.LogSoftmax(b, b, Rows, n);
        var c = (float[])x.Clone(); Softmax.CrossEntropy(c.AsSpan(0, n), 5, c.AsSpan(0, n), 1f);
        Close.Exact(y, a, "in-place softmax");
        Close.Exact(logY, b, "in-place log_softmax");
        Close.Exact(dx, c.AsSpan(0, n), "in-place cross-entropy gradient");
    }

    [Fact]
    public void MaskedAndExtremeLogits()
    {
        float[] x = [float.NegativeInfinity, 0f, 1f, float.NegativeInfinity, -1e30f, 3e38f];
        var y = new float[3]; Softmax.Forward(x.AsSpan(0, 3), y, 1, 3);
        Assert.True(y[0] < 1e-37f); // exp is clamped at e^-87 (no subnormals): a masked logit gets ~1e-38, not 0
        Assert.Equal(Math.E / (1 + Math.E), y[2] / (y[1] + y[2]), 1e-6);
        var logY = new float[3]; Softmax.LogSoftmax(x.AsSpan(0, 3), logY, 1, 3);
        Assert.Equal(float.NegativeInfinity, logY[0]);
        var big = new float[3]; Softmax.Forward(x.AsSpan(3, 3), big, 1, 3);
        Assert.Equal(1f, big[2]);
        Assert.All(big, v => Assert.False(float.IsNaN(v)));
    }

    [Fact]
    public unsafe void TemperedWeightsEveryLength()
    {
        // The sampler's weights exp((x - max) / t), against double, over every block/tail split of the max.
        foreach (float t in new[] { 0.5f, 1f, 2f })
            for (int n = 1; n <= 256; n++)
            {
                var x = Logits(n, (ulong)n).AsSpan(0, n).ToArray();
                var w = new float[n];
                fixed (float* px = x, pw = w) Softmax.TemperedWeights(px, pw, n, t);
                double max = x.Max();
                for (int j = 0; j < n; j++)
                {
                    // The float argument's rounding, relative to its size, becomes exp's relative error.
                    double arg = (x[j] - max) / t, expected = Math.Exp(arg);
                    Assert.True(Math.Abs(w[j] - expected) <= 2e-7 * (1 + Math.Abs(arg)) * expected + 1e-37, $"n {n}, t {t}, index {j}: {w[j]} against {expected}");
                }
                Assert.Contains(1f, w);   // the largest logit's weight is exactly e^0
            }
    }

    static int Bits(float v) => BitConverter.SingleToInt32Bits(v);
}
