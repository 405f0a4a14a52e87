// The fused LSTM, GRU and RNN gate kernels against plain double-precision formulas, for every hidden
// size 1..256 (so every SIMD width's remainder runs), with an inactive (padding) row, and with
// saturating inputs that must not produce subnormal numbers.
using Recur.Kernels;
using Recur.Tests.Support;

namespace Recur.Tests.Kernels;

public unsafe class GateKernelTests
{
    static double S(double x) => 1 / (1 + Math.Exp(-x));

    static float[] Rand(Rng rng, int n, float scale = 3)
    {
        var a = new float[n];
        rng.FillUniform(a, -scale, scale);
        return a;
    }

    const float Tol = 2e-6f;

    [Fact]
    public void LstmEveryHiddenSize()
    {
        for (int h = 1; h <= 256; h++)
        {
            var rng = new Rng((ulong)h);
            int n = 3;
            var pre = Rand(rng, n * 4 * h); var cPrev = Rand(rng, n * h, 1); var hPrev = Rand(rng, n * h, 1);
            var dh = Rand(rng, n * h, 1); var dcIn = Rand(rng, n * h, 1);
            var gates = (float[])pre.Clone(); var c = new float[n * h]; var tc = new float[n * h]; var hOut = new float[n * h];
            var dG = new float[n * 4 * h]; var dhIo = (float[])dh.Clone(); var dc = (float[])dcIn.Clone();
            byte[] active = [1, 0, 1];
            fixed (float* g = gates, cp = cPrev, cn = c, t = tc, hp = hPrev, ho = hOut, pdh = dhIo, pdc = dc, pdg = dG)
            fixed (byte* act = active)
            {
                LstmKernels.Forward(0, n, h, g, cp, cn, t, hp, ho, act);
                LstmKernels.Backward(0, n, h, g, cp, t, pdh, pdc, pdg, act);
            }
            var eh = new float[n * h]; var ec = new float[n * h]; var edg = new float[n * 4 * h]; var edc = new float[n * h]; var edh = new float[n * h];
            for (int r = 0; r < n; r++)
                for (int j = 0; j < h; j++)
                {
                    int o = r * h + j, q = r * 4 * h + j;
                    if (active[r] == 0) { eh[o] = hPrev[o]; ec[o] = cPrev[o]; edc[o] = dcIn[o]; edh[o] = dh[o]; continue; }
                    double i = S(pre[q]), f = S(pre[q + h]), gg = Math.Tanh(pre[q + 2 * h]), og = S(pre[q + 3 * h]);
                    double cc = f * cPrev[o] + i * gg, tcc = Math.Tanh(cc);
                    eh[o] = (float)(og * tcc); ec[o] = (float)cc;
                    double dcc = dcIn[o] + dh[o] * og * (1 - tcc * tcc);
                    edg[q] = (float)(dcc * gg * i * (1 - i));
                    edg[q + h] = (float)(dcc * cPrev[o] * f * (1 - f));
                    edg[q + 2 * h] = (float)(dcc * i * (1 - gg * gg));
                    edg[q + 3 * h] = (float)(dh[o] * tcc * og * (1 - og));
                    edc[o] = (float)(dcc * f);
                }
            Close.Assert(eh, hOut, $"lstm h H={h}", Tol, Tol);
            Close.Assert(ec, c, $"lstm c H={h}", Tol, Tol);
            Close.Assert(edg, dG, $"lstm dgates H={h}", Tol, 1e-5f);
            Close.Assert(edc, dc, $"lstm dc H={h}", Tol, 1e-5f);
            Close.Assert(edh, dhIo, $"lstm dh pass-through H={h}", 0, 0);
        }
    }

    [Fact]
    public void GruEveryHiddenSize()
    {
        for (int h = 1; h <= 256; h++)
        {
            var rng = new Rng((ulong)h + 500);
            int n = 3;
            var gi = Rand(rng, n * 3 * h); var gh = Rand(rng, n * 3 * h); var hPrev = Rand(rng, n * h, 1); var dh = Rand(rng, n * h, 1);
            var gates = (float[])gi.Clone(); var ghN = new float[n * h]; var hOut = new float[n * h];
            var dGi = new float[n * 3 * h]; var dGh = new float[n * 3 * h]; var dhIo = (float[])dh.Clone();
            byte[] active = [1, 1, 0];
            fixed (float* g = gates, pgh = gh, pn = ghN, hp = hPrev, ho = hOut, pdh = dhIo, pdgi = dGi, pdgh = dGh)
            fixed (byte* act = active)
            {
                GruKernels.Forward(0, n, h, g, pgh, pn, hp, ho, act);
                GruKernels.Backward(0, n, h, g, pn, hp, pdh, pdgi, pdgh, act);
            }
            var eh = new float[n * h]; var edgi = new float[n * 3 * h]; var edgh = new float[n * 3 * h]; var edh = new float[n * h];
            for (int r = 0; r < n; r++)
                for (int j = 0; j < h; j++)
                {
                    int o = r * h + j, q = r * 3 * h + j;
                    if (active[r] == 0) { eh[o] = hPrev[o]; edh[o] = dh[o]; continue; }
                    double rr = S(gi[q] + gh[q]), z = S(gi[q + h] + gh[q + h]), nn = Math.Tanh(gi[q + 2 * h] + rr * gh[q + 2 * h]);
                    eh[o] = (float)((1 - z) * nn + z * hPrev[o]);
                    double dnPre = dh[o] * (1 - z) * (1 - nn * nn);
                    double drPre = dnPre * gh[q + 2 * h] * rr * (1 - rr);
                    double dzPre = dh[o] * (hPrev[o] - nn) * z * (1 - z);
                    edgi[q] = edgh[q] = (float)drPre; edgi[q + h] = edgh[q + h] = (float)dzPre;
                    edgi[q + 2 * h] = (float)dnPre; edgh[q + 2 * h] = (float)(dnPre * rr);
                    edh[o] = (float)(dh[o] * z);
                }
            Close.Assert(eh, hOut, $"gru h H={h}", Tol, Tol);
            Close.Assert(edgi, dGi, $"gru dgi H={h}", Tol, 1e-5f);
            Close.Assert(edgh, dGh, $"gru dgh H={h}", Tol, 1e-5f);
            Close.Assert(edh, dhIo, $"gru dh H={h}", Tol, 1e-5f);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RnnEveryHiddenSize(bool relu)
    {
        for (int h = 1; h <= 256; h++)
        {
            var rng = new Rng((ulong)h + 900);
            int n = 2;
            var pre = Rand(rng, n * h); var hPrev = Rand(rng, n * h, 1); var dh = Rand(rng, n * h, 1);
            var act = (float[])pre.Clone(); var hOut = new float[n * h]; var dPre = new float[n * h]; var dhIo = (float[])dh.Clone();
            fixed (float* a = act, hp = hPrev, ho = hOut, pd = dPre, pdh = dhIo)
            {
                RnnKernels.Forward(0, n, h, relu, a, hp, ho, null);
                RnnKernels.Backward(0, n, h, relu, a, pdh, pd, null);
            }
            var eh = pre.Select(x => (float)(relu ? Math.Max(0, x) : Math.Tanh(x))).ToArray();
            var ed = pre.Select((x, i) => (float)(relu ? (x > 0 ? dh[i] : 0) : dh[i] * (1 - Math.Tanh(x) * Math.Tanh(x)))).ToArray();
            Close.Assert(eh, hOut, $"rnn h H={h}", Tol, Tol);
            Close.Assert(ed, dPre, $"rnn dpre H={h}", Tol, 1e-5f);
            Assert.All(dhIo, v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public void SaturatedGatesProduceNoSubnormals()
    {
        // Huge pre-activations drive σ and tanh to their limits and their derivatives towards zero,
        // where products underflow: every output and gradient must be zero or a normal float.
        int n = 2, h = 40;
        var rng = new Rng(3);
        var pre = new float[n * 4 * h];
        for (int i = 0; i < pre.Length; i++) pre[i] = i % 3 == 0 ? (i % 2 == 0 ? 1 : -1) * (60 + 40 * rng.NextFloat()) : 8 * (rng.NextFloat() - 0.5f);
        var cPrev = Rand(rng, n * h, 1e-3f); var hPrev = new float[n * h];
        var c = new float[n * h]; var tc = new float[n * h]; var hOut = new float[n * h];
        // Gradients near the bottom of the normal range: their products with gate derivatives underflow.
        var dh = Rand(rng, n * h, 4e-37f); var dc = Rand(rng, n * h, 4e-37f); var dG = new float[n * 4 * h];
        fixed (float* g = pre, cp = cPrev, cn = c, t = tc, hp = hPrev, ho = hOut, pdh = dh, pdc = dc, pdg = dG)
        {
            LstmKernels.Forward(0, n, h, g, cp, cn, t, hp, ho, null);
            LstmKernels.Backward(0, n, h, g, cp, t, pdh, pdc, pdg, null);
        }
        foreach (var (name, values) in new[] { ("gates", pre), ("h", hOut), ("dgates", dG), ("dc", dc) })
            Assert.All(values, v => Assert.False(v != 0 && MathF.Abs(v) < VMath.MinNormal, $"{name} holds subnormal {v:R}"));
    }
}
