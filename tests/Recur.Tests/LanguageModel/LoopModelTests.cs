// Seed 004's recurrence (--cell loop): logits, final state, every gradient and the batch-norm running
// statistics against PyTorch (tools/reference/loop_model.py), central-difference gradient checks in
// training and eval mode, a sequence run whole equal to the same run in chunks with the state carried
// over, and the seed's parameter names.
using Recur.LanguageModel;
using Recur.Nn;
using Recur.Tests.Support;

namespace Recur.Tests.LanguageModel;

public class LoopModelTests
{
    static ModelConfig Config(int vocab, int hidden) => new() { Cell = "loop", Layers = 1, Hidden = hidden, Embed = hidden, VocabSize = vocab, Tokens = "words" };

    [Theory]
    [InlineData("loop_train")]
    [InlineData("loop_eval")]
    [InlineData("loop_train_wide")]
    public void MatchesPyTorch(string name)
    {
        var rc = ReferenceCase.Load(name);
        int t = rc.Int("steps"), n = rc.Int("batch"), h = rc.Int("hidden");
        var model = new LoopModel(Config(rc.Int("vocab"), h), new Rng(0));
        model.LoadStateDict(rc.Tensors.Where(kv => kv.Key.StartsWith("param.")).ToDictionary(kv => kv.Key["param.".Length..], kv => kv.Value));
        model.Train(rc.Bool("train"));
        var state = model.NewState(n);
        state.H.CopyFrom(rc.Get("h0").Span);

        var logits = model.Forward(rc.GetInts("tokens"), t, n, state);
        Close.Assert(rc.Get("logits"), logits, $"{name} logits");
        Close.Assert(rc.Get("hn").Span, model.FinalState.H.Span, $"{name} h_n");
        model.Backward(rc.Get("dy"));
        foreach (var (pname, p) in model.NamedParameters())
            Close.Assert(rc.Get("grad." + pname), p.Grad, $"{name} d{pname}", atol: 2e-5f, rtol: 2e-5f);
        var after = model.StateDict().ToDictionary(p => p.Name, p => p.Data);
        foreach (var buffer in new[] { "bn.running_mean", "bn.running_var" })
            Close.Assert(rc.Get("after." + buffer).Span, after[buffer].Floats, $"{name} {buffer}");
        Assert.Equal(rc.Tensors["after.bn.num_batches_tracked"].Longs![0], after["bn.num_batches_tracked"].Longs![0]);
    }

    [Fact]
    public void StateDictHasTheSeedsNames()
    {
        var model = new LoopModel(Config(9, 6), new Rng(1));
        Assert.Equal(new[] { "bn.bias", "bn.num_batches_tracked", "bn.running_mean", "bn.running_var", "bn.weight", "h_h.bias", "h_h.weight", "h_o.bias", "h_o.weight", "i_h.weight" },
            model.StateDict().Select(p => p.Name).Order().ToArray());
        var shapes = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Shape);
        Assert.Equal(new[] { 9, 6 }, shapes["i_h.weight"]);
        Assert.Equal(new[] { 6, 6 }, shapes["h_h.weight"]);
        Assert.Equal(new[] { 9, 6 }, shapes["h_o.weight"]);
        Assert.Same(typeof(LoopModel), TokenModel.Create(Config(9, 6), new Rng(1)).GetType());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GradientsMatchCentralDifferences(bool training)
    {
        const int T = 5, N = 3, V = 6, H = 7;
        var rng = new Rng(11);
        var model = new LoopModel(Config(V, H), rng);
        var bn = model.Norm;
        rng.FillUniform(bn.Weight.Value.Span, 0.5f, 1.5f);
        rng.FillUniform(bn.Bias.Value.Span, -0.5f, 0.5f);
        rng.FillUniform(bn.RunningMean.Span, -0.3f, 0.3f);
        rng.FillUniform(bn.RunningVar.Span, 0.5f, 1.5f);
        model.Train(training);
        var tokens = Enumerable.Range(0, T * N).Select(_ => rng.NextInt(V)).ToArray();
        var start = model.NewState(N);
        rng.FillUniform(start.H.Span, 0f, 0.5f);
        var w = new float[T * N * V];
        rng.FillUniform(w, -1f, 1f);

        double Loss() => GradCheck.Dot(model.Forward(tokens, T, N, start).Span, w);
        Loss();
        model.Backward(Tensor.FromArray(w, T, N, V));
        foreach (var (name, p) in model.NamedParameters())
            GradCheck.Check(p.Value.Span, p.Grad.ToArray(), Loss, $"{(training ? "train" : "eval")} {name}", eps: 2e-3f, tolerance: 3e-2);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WholeSequenceEqualsChunksWithCarriedState(bool training)
    {
        const int T = 8, N = 4, V = 9, H = 10;
        var tokens = Enumerable.Range(0, T * N).Select(i => (i * 7 + i / 3) % V).ToArray();
        var whole = new LoopModel(Config(V, H), new Rng(5));
        var chunked = new LoopModel(Config(V, H), new Rng(5));
        whole.Train(training);
        chunked.Train(training);
        var expected = whole.Forward(tokens, T, N, null).ToArray();
        var state = chunked.NewState(N);
        var first = chunked.Forward(tokens.AsSpan(0, 3 * N), 3, N, state).ToArray();
        state.CopyFrom(chunked.FinalState);
        var second = chunked.Forward(tokens.AsSpan(3 * N), T - 3, N, state).ToArray();
        Close.Exact(expected, first.Concat(second).ToArray(), "logits in chunks");
        Close.Exact(whole.FinalState.H.Span, chunked.FinalState.H.Span, "final state");
        Close.Exact(whole.Norm.RunningMean.Span, chunked.Norm.RunningMean.Span, "running mean");
    }

    [Fact]
    public void TrainingNeedsABatchToNormaliseOver()
    {
        var model = new LoopModel(Config(5, 4), new Rng(1));
        var e = Assert.Throws<ArgumentException>(() => model.Forward([1, 2, 3], 3, 1, null));
        Assert.Contains("--batch 2 or more", e.Message);
        model.Eval();
        Assert.Equal(3 * 5, model.Forward([1, 2, 3], 3, 1, null).Length);   // eval uses the running statistics
    }

    [Fact]
    public void ConfigRulesAreOneLineErrors()
    {
        Assert.Contains("exactly one layer", Assert.Throws<ArgumentException>(() => (Config(5, 4) with { Layers = 2 }).Validate()).Message);
        Assert.Contains("--embed must equal --hidden", Assert.Throws<ArgumentException>(() => (Config(5, 4) with { Embed = 3 }).Validate()).Message);
        Assert.Contains("no dropout", Assert.Throws<ArgumentException>(() => (Config(5, 4) with { Dropout = 0.1f }).Validate()).Message);
    }
}
