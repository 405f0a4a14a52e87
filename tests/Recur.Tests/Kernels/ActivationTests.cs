// Vectorised activations against double-precision formulas over every length 1..256 (so every
// width's remainder path runs), plus saturation, subnormal-free outputs and position independence.
using Recur.Kernels;
using Recur.Tests.Support;

namespace Recur.Tests.Kernels;

public class ActivationTests
{
    delegate void Forward(ReadOnlySpan<float> x, Span<float> y);
    delegate void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx);

    static readonly (string Name, Forward F, Func<double, double> Ref)[] Forwards =
    [
        ("sigmoid", Activations.Sigmoid, x => 1 / (1 + Math.Exp(-x))),
        ("tanh", Activations.Tanh, Math.Tanh),
        ("relu", Activations.Relu, x => Math.Max(x, 0)),
        ("exp", Activations.Exp, Math.Exp),
    ];

    static readonly (string Name, Backward B, Func<double, double, double> Ref)[] Backwards =
    [
        ("sigmoid", Activations.SigmoidBackward, (y, dy) => dy * y * (1 - y)),
        ("tanh", Activations.TanhBackward, (y, dy) => dy * (1 - y * y)),
        ("relu", Activations.ReluBackward, (y, dy) => y > 0 ? dy : 0),
    ];

    [Fact]
    public void ForwardEveryLength()
    {
        foreach (var (name, f, reference) in Forwards)
            for (int n = 1; n <= 256; n++)
            {
                var rng = new Rng((ulong)n);
                var x = new float[n];
                rng.FillUniform(x, -6, 6);
                var y = new float[n];
                f(x, y);
                var expected = x.Select(v => (float)reference(v)).ToArray();
                Close.Assert(expected, y, $"{name} n={n}", 1e-6f, 2e-6f);
            }
    }

    [Fact]
    public void BackwardEveryLength()
    {
        foreach (var (name, b, reference) in Backwards)
            for (int n = 1; n <= 256; n++)
            {
                var rng = new Rng((ulong)n + 1000);
                var y = new float[n]; var dy = new float[n];
                rng.FillUniform(y, -1, 1); rng.FillUniform(dy, -2, 2);
                var dx = new float[n];
                b(y, dy, dx);
                var expected = y.Select((v, i) => (float)reference(v, dy[i])).ToArray();
                Close.Assert(expected, dx, $"{name}' n={n}", 1e-6f, 1e-6f);
            }
    }

    [Fact]
    public void InPlaceIsAllowed()
    {
        var x = new float[] { -1, 0, 2, 5, -3 };
        var expected = new float[5];
        Activations.Tanh(x, expected);
        Activations.Tanh(x, x);
        Close.Exact(expected, x, "in-place tanh");
    }

    [Fact]
    public void SaturatedInputsGiveNoSubnormalsOrNaN()
    {
        var x = new float[] { -1e30f, -200, -104, -90, -88, 88, 90, 200, 1e30f, float.MaxValue, -float.MaxValue };
        foreach (var (name, f, _) in Forwards.Where(p => p.Name != "relu"))
        {
            var y = new float[x.Length];
            f(x, y);
            foreach (float v in y)
            {
                Assert.False(float.IsNaN(v), $"{name} gave NaN");
                Assert.False(v != 0 && MathF.Abs(v) < VMath.MinNormal, $"{name} gave subnormal {v:R}");
            }
        }
        var s = new float[2]; Activations.Sigmoid([-1e30f, 1e30f], s);
        Assert.True(s[0] < 1e-30f && s[1] == 1f);
        var t = new float[2]; Activations.Tanh([-1e30f, 1e30f], t);
        Assert.Equal(new float[] { -1, 1 }, t);
    }

    [Fact]
    public void ElementResultIndependentOfPosition()
    {
        // The same value computed by the 512-, 256-, 128-bit and one-lane paths gives the same bits.
        var rng = new Rng(3);
        var values = new float[64];
        rng.FillUniform(values, -10, 10);
        foreach (var (name, f, _) in Forwards)
        {
            var lone = new float[1];
            var all = new float[31]; // 16 + 8 + 4 + 3: every path
            for (int v = 0; v < values.Length; v++)
            {
                f([values[v]], lone);
                Array.Fill(all, values[v]);
                var y = new float[all.Length];
                f(all, y);
                foreach (float r in y) Assert.Equal(BitConverter.SingleToInt32Bits(lone[0]), BitConverter.SingleToInt32Bits(r));
            }
        }
    }

    [Fact]
    public void NaNPropagates()
    {
        foreach (var (name, f, _) in Forwards)
            for (int n = 1; n <= 40; n++)
            {
                var x = new float[n];
                x[n / 2] = float.NaN;
                var y = new float[n];
                f(x, y);
                Assert.True(float.IsNaN(y[n / 2]), $"{name} of NaN at {n / 2} of {n} is {y[n / 2]}");
            }
    }
}
