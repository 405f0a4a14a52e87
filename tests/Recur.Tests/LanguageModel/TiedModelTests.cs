// Weight tying (--tie): fc.weight is embedding.weight. Its gradient is the sum of what the two uses
// would receive apart; the optimizer trains it once; the state dict lists it under both names (as a
// tied PyTorch module's does) and a file whose two copies differ is refused.
using Recur.IO;
using Recur.LanguageModel;
using Recur.Nn;
using Recur.Nn.Losses;
using Recur.Optim;
using Recur.Tests.Support;

namespace Recur.Tests.LanguageModel;

public class TiedModelTests
{
    const int V = 11, H = 8, T = 5, N = 3;

    static ModelConfig Config(bool tie) => new() { Cell = "lstm", Layers = 1, Hidden = H, Embed = H, VocabSize = V, Tie = tie };

    static int[] Tokens() => Enumerable.Range(0, T * N).Select(i => (i * 7 + 3) % V).ToArray();

    /// <summary>dLogits of the mean cross-entropy of predicting the next token.</summary>
    static Tensor Backward(CharModel model)
    {
        var tokens = Tokens();
        var logits = model.Forward(tokens, T, N, null);
        var dLogits = new Tensor(logits.Shape);
        new CrossEntropyLoss().Forward(logits, tokens.Select(t => (t + 1) % V).ToArray(), dLogits);
        model.Backward(dLogits);
        return logits;
    }

    static ReadOnlySpan<float> Grad(Module model, string name) =>
        model.NamedParameters().First(p => p.Name == name).Parameter.Grad.Span;

    [Fact]
    public void TiedGradientIsTheSumOfBothUses()
    {
        var tied = new CharModel(Config(tie: true), new Rng(3));
        var apart = new CharModel(Config(tie: false), new Rng(3));
        Assert.Same(tied.Embedding!.Weight, tied.Fc.Weight);
        // The same draws: the tied table starts as the untied output layer's weight; give it to both uses.
        apart.Embedding!.Weight.Value.CopyFrom(apart.Fc.Weight.Value.Span);
        Close.Exact(apart.Embedding.Weight.Value.Span, tied.Embedding.Weight.Value.Span, "embedding");

        var a = new ParameterSet(tied); var b = new ParameterSet(apart);
        Assert.Equal(b.Length - V * H, a.Length);
        Assert.Equal(apart.ParameterCount() - V * H, tied.ParameterCount());
        var logitsTied = Backward(tied).Span.ToArray();
        var logitsApart = Backward(apart).Span.ToArray();
        Close.Exact(logitsApart, logitsTied, "logits");

        var sum = new float[V * H];
        for (int i = 0; i < sum.Length; i++) sum[i] = apart.Embedding.Weight.Grad.Span[i] + apart.Fc.Weight.Grad.Span[i];
        Assert.Contains(sum, g => g != 0);
        Close.Assert(sum, tied.Embedding.Weight.Grad.Span, "tied gradient");
        Close.Exact(Grad(apart, "rnn.weight_hh_l0"), Grad(tied, "rnn.weight_hh_l0"), "rnn gradient");
    }

    [Fact]
    public void TrainedOnceSavedUnderBothNamesAndChecked()
    {
        using var dir = new TempDir();
        var model = new CharModel(Config(tie: true), new Rng(4));
        var parameters = new ParameterSet(model);
        var adam = new Adam(parameters, 0.01);
        parameters.ZeroGrad();
        Backward(model);
        adam.Step();
        var state = model.StateDict().ToDictionary(p => p.Name, p => p.Data);
        Assert.Equal(state["embedding.weight"].Floats, state["fc.weight"].Floats);

        string path = dir.File("tied.safetensors");
        ModelFile.Save(path, model, null);
        var back = new CharModel(Config(tie: true), new Rng(99));
        ModelFile.LoadInto(path, back);
        Close.Exact(model.Embedding!.Weight.Value.Span, back.Embedding!.Weight.Value.Span, "loaded table");
        Assert.Same(back.Embedding.Weight, back.Fc.Weight);

        state["fc.weight"].Floats![0] += 1;
        var e = Assert.Throws<InvalidDataException>(() => back.LoadStateDict(state));
        Assert.Contains("'fc.weight' should equal 'embedding.weight'", e.Message);
    }

    [Fact]
    public void TieNeedsTheEmbeddingToMatchTheHiddenSize()
    {
        var e = Assert.Throws<ArgumentException>(() => new CharModel(Config(tie: true) with { Embed = 4 }, new Rng(1)));
        Assert.Contains("--embed must equal --hidden", e.Message);
        Assert.Throws<ArgumentException>(() => new CharModel(Config(tie: true) with { Embed = 0 }, new Rng(1)));
    }
}
