// Micro-benchmarks of the pieces of one recurrent step (for profiling, not the published table).
using System.Diagnostics;
using Recur.Kernels;

namespace Recur.Bench;

static unsafe class Micro
{
    public static void Run(int threads, double seconds)
    {
        Workers.SetThreads(threads);
        var rng = new Rng(1);
        int n = 64, h = 512, g = 4 * h;
        var hPrev = Rand(rng, n * h); var w = Rand(rng, g * h); var gates = Rand(rng, n * g);
        var c = Rand(rng, n * h); var c2 = new Tensor(n * h); var tc = new Tensor(n * h); var hOut = new Tensor(n * h);
        var packedT = new PackedMatrix(); packedT.PackTransposed(w.Reshape(g, h));
        var packed = new PackedMatrix(); packed.Pack(false, g, h, w.Ptr, h);
        var dG = Rand(rng, n * g); var dh = new Tensor(n * h);
        // The micro-kernel alone on one packed A strip and one B strip (both in L1/L2): this core's ceiling.
        int kc = Gemm.KC, mr = Gemm.MR, nr = Gemm.NR;
        var ka = Rand(rng, kc * mr); var kb = Rand(rng, kc * nr); var kt = new Tensor(mr * nr);
        Report($"micro-kernel {Gemm.Describe()}, depth {kc}", 2.0 * kc * mr * nr, seconds, () => Gemm.RunKernel(kc, ka.Ptr, kb.Ptr, kt.Ptr, nr));
        Report("h·W_hhᵀ packed (64×2048×512)", 2.0 * n * g * h, seconds, () => Gemm.Multiply(false, n, 1f, hPrev.Ptr, h, packedT, 1f, gates.Ptr, g));
        Report("h·W_hhᵀ unpacked", 2.0 * n * g * h, seconds, () => Gemm.Multiply(false, true, n, g, h, 1f, hPrev.Ptr, h, w.Ptr, h, 1f, gates.Ptr, g));
        Report("dG·W_hh packed (64×512×2048)", 2.0 * n * g * h, seconds, () => Gemm.Multiply(false, n, 1f, dG.Ptr, g, packed, 1f, dh.Ptr, h));
        Report("pack W_hhᵀ", 0, seconds, () => packedT.PackTransposed(w.Reshape(g, h)));
        Report("lstm gates forward 64×512", 0, seconds, () =>
        {
            rng.FillUniform(gates.Span[..16], -1, 1);
            LstmKernels.Forward(0, n, h, gates.Ptr, c.Ptr, c2.Ptr, tc.Ptr, hPrev.Ptr, hOut.Ptr, null);
        });
        var pre = new Tensor(n * g);
        rng.FillUniform(pre.Span, -3, 3);
        var outp = new Tensor(n * g);
        Report("sigmoid over 131072", 0, seconds, () => Activations.Sigmoid(pre.Span, outp.Span));
        Report("tanh over 131072", 0, seconds, () => Activations.Tanh(pre.Span, outp.Span));
        Report("exp over 131072", 0, seconds, () => Activations.Exp(pre.Span, outp.Span));
        Report("TensorPrimitives.Sigmoid 131072", 0, seconds, () => System.Numerics.Tensors.TensorPrimitives.Sigmoid(pre.Span, outp.Span));
        Report("lstm gates backward 64×512", 0, seconds, () => LstmKernels.Backward(0, n, h, gates.Ptr, c.Ptr, tc.Ptr, hOut.Ptr, c2.Ptr, dG.Ptr, null));
        int rows = 6400;
        var x = Rand(rng, rows * h); var big = new Tensor(rows * g);
        Report("X·W_ihᵀ (6400×2048×512)", 2.0 * rows * g * h, seconds, () => Gemm.Multiply(false, true, rows, g, h, 1f, x.Ptr, h, w.Ptr, h, 1f, big.Ptr, g));
        var dW = new Tensor(g * h);
        Report("dGᵀ·H (2048×512×6400)", 2.0 * rows * g * h, seconds, () => Gemm.Multiply(true, false, g, h, rows, 1f, big.Ptr, g, x.Ptr, h, 1f, dW.Ptr, h));
        Report("dG·W_ih (6400×512×2048)", 2.0 * rows * g * h, seconds, () => Gemm.Multiply(false, false, rows, h, g, 1f, big.Ptr, g, w.Ptr, h, 0f, x.Ptr, h));
    }

    static Tensor Rand(Rng rng, int n) { var t = new Tensor(n); rng.FillUniform(t.Span, -1, 1); return t; }

    static void Report(string name, double flops, double seconds, Action f)
    {
        double s = GemmBench.Time(f, seconds);
        Console.WriteLine($"  {name,-34} {s * 1e6,10:0.0} µs" + (flops > 0 ? $"  {flops / s / 1e9,7:0.0} GFLOP/s" : ""));
    }
}

static unsafe class MicroSample
{
    /// <summary>The GEMV timings at 512 × 2048, then one batch-1 step of <paramref name="config"/> (default 2×512 one-hot) piece by piece.</summary>
    public static void Run(int threads, double seconds, string config = "lstm2x512-onehot")
    {
        Workers.SetThreads(threads);
        var cfg = LmConfig.Find(config);
        var model = new Recur.LanguageModel.CharModel(cfg.Model, new Rng(1));
        model.FreezeWeights();
        var state = model.NewState(1);
        int[] tok = [3];
        var rng = new Rng(1);
        int n = 1, h = 512, g = 2048;
        var x = new Tensor(n * h); var gates = new Tensor(n * g);
        var w = new Tensor(g * h); rng.FillUniform(w.Span, -1, 1);
        var packed = new PackedMatrix(); packed.PackTransposed(w.Reshape(g, h));
        Report("GEMV 1×512 · packed 512×2048", seconds, () => Gemm.Multiply(false, 1, 1f, x.Ptr, h, packed, 1f, gates.Ptr, g));
        var w2 = new Tensor(g * h); rng.FillUniform(w2.Span, -1, 1);
        var packed2 = new PackedMatrix(); packed2.PackTransposed(w2.Reshape(g, h));
        var gates2 = new Tensor(n * g);
        var pair = new GemvPair(x, packed, gates, packed2, gates2, h, g);
        Report("2 GEMVs side by side", seconds, () => Workers.Run(pair, 2));
        Report("2 GEMVs one after another", seconds, () => { Gemm.Multiply(false, 1, 1f, x.Ptr, h, packed, 1f, gates.Ptr, g); Gemm.Multiply(false, 1, 1f, x.Ptr, h, packed2, 1f, gates2.Ptr, g); });
        Console.WriteLine($"  {config}:");
        int sh = cfg.Hidden, sg = (cfg.Cell == "lstm" ? 4 : cfg.Cell == "gru" ? 3 : 1) * sh;
        var sx = new Tensor(sh); var sgates = new Tensor(sg);
        var sw = new Tensor(sg * sh); rng.FillUniform(sw.Span, -1, 1);
        var spacked = new PackedMatrix(); spacked.PackTransposed(sw.Reshape(sg, sh));
        Report($"GEMV 1×{sh} · packed {sh}×{sg}", seconds, () => Gemm.Multiply(false, 1, 1f, sx.Ptr, sh, spacked, 1f, sgates.Ptr, sg));
        var sc = new Tensor(sh); var sc2 = new Tensor(sh); var st = new Tensor(sh); var sh2 = new Tensor(sh);
        if (cfg.Cell == "lstm") Report($"LSTM gate kernel N=1 H={sh}", seconds, () => LstmKernels.Forward(0, 1, sh, sgates.Ptr, sc.Ptr, sc2.Ptr, st.Ptr, sx.Ptr, sh2.Ptr, null));
        Report("rnn forward T=1 N=1", seconds, () => model.Rnn.ForwardTokens(tok, 1, 1, default, state));
        Report("model forward T=1 N=1", seconds, () => model.Forward(tok, 1, 1, state));
        var s32 = model.NewState(32); var tok32 = new int[32];
        Report("model forward T=1 N=32", seconds, () => model.Forward(tok32, 1, 32, s32));
        // FreezeWeights packs the output layer at once but the recurrent weights lazily, in the next Forward:
        // the first row is the marking alone, the second the whole packing (with one step run on it).
        Report("freeze weights (marks only)", seconds, () => model.FreezeWeights());
        Report("freeze + forward T=1 N=1 (packs)", seconds, () => { model.FreezeWeights(); model.Forward(tok, 1, 1, state); });
        // A word config's own 10,000 words (the output layer's width); characters need only a vocabulary of the model's size.
        var vocab = cfg.Words ? LmBench.Text(cfg).Vocab : Recur.Text.Vocabulary.FromCharacters("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ .,;:!?'-\n&$3");
        var logits = new float[vocab.Count]; rng.FillUniform(logits, -5, 5);
        var scratch = new Recur.LanguageModel.Sampler.Scratch(vocab.Count);
        var draw = new Recur.LanguageModel.SampleOptions();
        Report($"draw one token of {vocab.Count:N0}", seconds, () => Recur.LanguageModel.Sampler.Choose(logits, draw, rng, scratch));
        Report($"draw one of {vocab.Count:N0}, top-k 40", seconds, () => Recur.LanguageModel.Sampler.Choose(logits, draw with { TopK = 40 }, rng, scratch));
        Report($"draw one of {vocab.Count:N0}, top-p 0.9", seconds, () => Recur.LanguageModel.Sampler.Choose(logits, draw with { TopP = 0.9 }, rng, scratch));
        var sampler = new Recur.LanguageModel.Sampler(model, vocab);
        var o = new Recur.LanguageModel.SampleOptions { Prime = cfg.Words ? "the" : "The ", Length = 0 };
        Report("generate, prime only (packs)", seconds, () => sampler.Generate(o));
        Report($"generate 100 {(cfg.Words ? "words" : "chars")} (packs)", seconds, () => sampler.Generate(o with { Length = 100 }));
    }

    static void Report(string name, double seconds, Action f) =>
        Console.WriteLine($"  {name,-34} {GemmBench.Time(f, seconds) * 1e6,10:0.0} µs");
}

sealed unsafe class GemvPair(Tensor x, PackedMatrix p0, Tensor y0, PackedMatrix p1, Tensor y1, int h, int g) : IParallelWork
{
    public void Run(int part)
    {
        if (part == 0) Gemm.Multiply(false, 1, 1f, x.Ptr, h, p0, 1f, y0.Ptr, g);
        else Gemm.Multiply(false, 1, 1f, x.Ptr, h, p1, 1f, y1.Ptr, g);
    }
}
