// The classifier network: the packed fast path (LSTM, GRU, RNN) against the engine's padded Recurrent layer
// (same weights: same probabilities bit for bit, gradients to float rounding), central-difference
// gradients of the whole model, and padding invariance: a text's probability is the same alone and
// inside a batch of longer texts, exactly.
using Recur.Classification;
using Recur.Nn;
using Recur.Nn.Losses;
using Recur.Tests.Support;

namespace Recur.Tests.Classification;

public class ClassifierModelTests
{
    const int Vocab = 40;

    internal static int[][] RandomTexts(Rng rng, params int[] lengths) =>
        lengths.Select(n => Enumerable.Range(0, n).Select(_ => 2 + rng.NextInt(Vocab - 2)).ToArray()).ToArray();

    public static IEnumerable<object[]> Shapes() => new[]
    {
        new object[] { 1, false }, new object[] { 2, false }, new object[] { 1, true }, new object[] { 2, true },
    };

    public static IEnumerable<object[]> CellShapes() =>
        from cell in new[] { "lstm", "gru", "rnn" } from shape in Shapes() select new object[] { cell, shape[0], shape[1] };

    static ClassifierConfig Small(int layers, bool bi, string cell = "lstm") =>
        new() { Cell = cell, Embed = 6, Hidden = 5, Layers = layers, Bidirectional = bi, Fc = 4 };

    /// <summary>Forward, BCE loss and backward of one batch; returns the logits and every gradient.</summary>
    internal static (float[] Logits, Dictionary<string, float[]> Grads) Step(TextClassifier model, int[][] texts, float[] targets)
    {
        var batch = new Batch();
        batch.Fill(texts, targets, Enumerable.Range(0, texts.Length).ToArray());
        foreach (var (_, p) in model.NamedParameters()) p.Grad.Zero();
        var z = model.Forward(batch);
        var t = new Tensor(texts.Length, 1);
        batch.Targets.CopyTo(t.Span);
        var dz = new Tensor(texts.Length, 1);
        new BCEWithLogitsLoss().Forward(z, t, dz);
        var logits = new float[texts.Length];
        for (int j = 0; j < texts.Length; j++) logits[batch.Items[j]] = z.Span[j];
        model.Backward(dz);
        return (logits, model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Grad.ToArray()));
    }

    [Theory, MemberData(nameof(CellShapes))]
    public void PackedPathEqualsTheEnginesPaddedLayer(string cell, int layers, bool bi)
    {
        var packed = new TextClassifier(Small(layers, bi, cell), Vocab, new Rng(7));
        var padded = new TextClassifier(Small(layers, bi, cell), Vocab, new Rng(7), padded: true);
        Assert.True(packed.Packed);
        Assert.False(padded.Packed);
        Assert.Equal(padded.StateDict().Select(s => s.Name), packed.StateDict().Select(s => s.Name));
        foreach (var ((_, a), (_, b)) in padded.StateDict().Zip(packed.StateDict())) Close.Exact(a.Floats!, b.Floats!, "initial weights");

        var texts = RandomTexts(new Rng(3), 7, 3, 9, 1, 0, 9, 4);
        float[] targets = [1, 0, 1, 0, 1, 0, 1];
        var (zA, gA) = Step(padded, texts, targets);
        var (zB, gB) = Step(packed, texts, targets);
        Close.Exact(zA, zB, "logits");
        foreach (var (name, g) in gA) Close.Assert(g, gB[name], $"grad {name}", atol: 1e-6f, rtol: 1e-5f);
    }

    [Theory, MemberData(nameof(CellShapes))]
    public void GradientsMatchCentralDifferences(string cell, int layers, bool bi)
    {
        var model = new TextClassifier(Small(layers, bi, cell), Vocab, new Rng(11));
        var texts = RandomTexts(new Rng(4), 5, 2, 6, 0);
        float[] targets = [1, 0, 0, 1];
        var (_, grads) = Step(model, texts, targets);
        var batch = new Batch();
        batch.Fill(texts, targets, [0, 1, 2, 3]);
        var t = new Tensor(4, 1);
        batch.Targets.CopyTo(t.Span);
        // A narrow step: fc1 feeds a ReLU, whose kink a wide central difference can straddle.
        double Loss() => new BCEWithLogitsLoss().Forward(model.Forward(batch), t);
        foreach (var (name, p) in model.NamedParameters())
            GradCheck.Check(p.Value.Span, grads[name], Loss, $"d{name}", eps: 1e-3f, tolerance: 3e-2, samples: 12);
    }

    public static IEnumerable<object[]> Paths() => new[]
    {
        new object[] { "lstm", 1, false, false }, new object[] { "lstm", 2, true, false },
        new object[] { "lstm", 2, true, true }, new object[] { "gru", 1, true, false }, new object[] { "gru", 2, true, true },
        new object[] { "rnn", 2, false, false }, new object[] { "rnn", 1, true, true },
    };

    [Theory, MemberData(nameof(Paths))]
    public void PaddingNeverChangesAPrediction(string cell, int layers, bool bi, bool padded)
    {
        var model = new TextClassifier(Small(layers, bi, cell), Vocab, new Rng(5), padded);
        var texts = RandomTexts(new Rng(9), 4, 11, 17, 8, 13);
        var vocab = new ClassifierVocabulary(["<pad>", "<unk>", .. Enumerable.Range(2, Vocab - 2).Select(i => $"w{i}")]);
        var classifier = new Classifier(model, vocab, new LabelMap("0", "1"), null);
        float alone = classifier.Probabilities([texts[0]])[0];
        float inBatch = classifier.Probabilities(texts)[0];
        Assert.Equal(BitConverter.SingleToInt32Bits(alone), BitConverter.SingleToInt32Bits(inBatch));
        // And in a batch of its own with longer texts around it, in any order.
        var batch = new Batch();
        batch.Fill(texts, default, [2, 0, 4]);
        var p = model.Predict(batch).ToArray();
        Assert.Equal(alone, p[batch.Items.IndexOf(0)]);
    }

    [Fact]
    public void ATextWithNoTokensReadsAsTheZeroState()
    {
        var model = new TextClassifier(Small(1, true), Vocab, new Rng(5));
        var batch = new Batch();
        batch.Fill([[], [3, 4]], default, [0, 1]);
        var z = model.Forward(batch).ToArray();
        // fc2(relu(fc1(0))) = fc2(relu(b1))
        var b1 = model.Fc1.Bias!.Value.ToArray().Select(v => Math.Max(v, 0f)).ToArray();
        double expected = model.Fc2.Bias!.Value[0];
        for (int k = 0; k < b1.Length; k++) expected += model.Fc2.Weight.Value[0, k] * b1[k];
        Assert.Equal(expected, z[batch.Items.IndexOf(0)], 5);
    }

    [Fact]
    public void FeaturesAreTheLastLayersFinalStatesOfBothDirections()
    {
        var cfg = Small(2, true);
        var model = new TextClassifier(cfg, Vocab, new Rng(5), padded: true);
        Assert.Equal(2 * cfg.Hidden, model.Fc1.InFeatures);
        Assert.Equal(["embedding.weight", "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0"],
            model.NamedParameters().Select(p => p.Name).Take(5));
        Assert.Contains("rnn.weight_ih_l1_reverse", model.NamedParameters().Select(p => p.Name));
        Assert.Equal(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"], model.NamedParameters().Select(p => p.Name).TakeLast(4));
    }
}
