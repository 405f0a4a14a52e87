// Recur's classifier training against PyTorch's (tools/reference/classifier_training.py): from PyTorch's
// initial weights, the same texts in the same fixed batches, every Adam step's loss and the weights after
// the last step must agree. The steps are ClassifierTraining.Step, the one RunEpoch takes (only the batch
// plan, random there, is given here), on the packed path and on the engine's padded one. A case with a
// clip (classify train --clip) also checks each step's gradient norm before clipping, and that the clip
// scaled most of the steps down. The cases of more than two classes train fc2's logits with softmax cross-entropy.
using Recur.Classification;
using Recur.IO;
using Recur.Tests.Support;
using Xunit.Abstractions;

namespace Recur.Tests.Classification;

public class ClassifierTrainingReferenceTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Cases =>
        ReferenceCase.Names("classifier_train_").SelectMany(c => new[] { new[] { c[0], false }, new[] { c[0], true } });

    [Theory]
    [MemberData(nameof(Cases))]
    public void StepsMatchPyTorch(string name, bool padded)
    {
        var r = ReferenceCase.Load(name);
        var (training, net) = Build(r, padded);
        var batches = Enumerable.Range(0, r.Int("steps")).Select(k => r.GetInts($"batch.{k}")).ToArray();

        var losses = new float[batches.Length];
        var norms = new float[batches.Length];
        net.Train();
        for (int k = 0; k < batches.Length; k++) (losses[k], _, norms[k]) = training.Step(batches[k]);

        // float32 forward and backward through the embedding, the recurrence and two Linear layers sum in
        // another order than PyTorch's, and each step's loss carries the earlier updates' drift: measured
        // within 1e-7 relative (losses) and 3e-7 (weights) after six steps, for both paths. The bounds, 1e-5
        // and 1e-4, leave 100× room or more, and still fail a weight that one Adam step (lr 0.01) moved the other way.
        var expected = r.Get("losses");
        Close.Assert(expected.Span, losses, $"{name}: losses", atol: 1e-6f, rtol: 1e-5f);
        double worstLoss = MaxRelative(expected.Span, losses), worstWeight = 0;
        string clipped = "";
        if (training.Config.Clip is double clip)
        {
            // The norms before clipping are summed in another order than PyTorch's (squares in double here,
            // per-parameter norms in float32 there): the same 1e-5 relative bound as the losses.
            var expectedNorms = r.Get("grad_norms");
            Close.Assert(expectedNorms.Span, norms, $"{name}: gradient norms", atol: 1e-6f, rtol: 1e-5f);
            int scaled = norms.Count(n => n > clip);
            Assert.True(scaled > norms.Length / 2, $"{name}: the clip {clip} scaled only {scaled} of {norms.Length} steps; the case should test clipping");
            clipped = $", gradient norms within {MaxRelative(expectedNorms.Span, norms):E2} relative, {scaled}/{norms.Length} steps clipped";
        }
        var final = net.StateDict().ToList();
        Assert.Equal(r.Tensors.Keys.Where(k => k.StartsWith("final.", StringComparison.Ordinal)).Order(),
            final.Select(p => "final." + p.Name).Order());
        foreach (var (key, value) in final)
        {
            var want = r.Get("final." + key);
            Close.Assert(want.Span, value.Floats!, $"{name}: final {key}", atol: 1e-4f, rtol: 1e-4f);
            worstWeight = Math.Max(worstWeight, MaxAbsolute(want.Span, value.Floats!));
        }
        output.WriteLine($"{name} ({(padded ? "padded" : "packed")}): losses within {worstLoss:E2} relative, final weights within {worstWeight:E2}{clipped}");
    }

    /// <summary>
    /// A run over the reference's texts (token ids as given; vocabulary words w2, w3, ...) whose model holds
    /// PyTorch's initial weights; no validation, no shuffling (the steps take their batches explicitly); the
    /// case's clip, if it has one, as --clip gives it.
    /// </summary>
    static (ClassifierTraining Training, TextClassifier Net) Build(ReferenceCase r, bool padded)
    {
        var model = new ClassifierConfig
        {
            Cell = r.Str("cell"), Embed = r.Int("embed"), Hidden = r.Int("hidden"), Layers = r.Int("layers"),
            Bidirectional = r.Bool("bidirectional"), Fc = r.Int("fc"), Classes = r.HasKey("classes") ? r.Int("classes") : 2,
        };
        int vocabSize = r.Int("vocab");
        var net = new TextClassifier(model, vocabSize, new Rng(0), padded);
        net.LoadStateDict(WithPrefix(r, "init."));
        var vocab = new ClassifierVocabulary([ClassifierVocabulary.Pad, ClassifierVocabulary.Unk, .. Enumerable.Range(2, vocabSize - 2).Select(i => $"w{i}")]);
        var classifier = new Classifier(net, vocab, new LabelMap(Enumerable.Range(0, model.Classes).Select(c => $"c{c}").ToArray()), maxLen: null);

        var tokens = r.GetInts("tokens");           // (S, Lmax) padded with 0
        var lengths = r.GetInts("lengths");         // (S)
        int longest = r.Tensors["tokens"].Shape[1];
        var texts = lengths.Select((len, i) => tokens.AsSpan(i * longest, len).ToArray()).ToArray();
        var targets = r.Get("targets").Span.ToArray();
        var config = new ClassifierTrainConfig
        {
            LearningRate = r.Config.GetProperty("lr").GetDouble(), Padded = padded, Clip = r.HasKey("clip") ? r.Double("clip") : null,
        };
        return (new ClassifierTraining(config, classifier, texts, targets, [], [], new Rng(0)), net);
    }

    internal static Dictionary<string, TensorData> WithPrefix(ReferenceCase r, string prefix) =>
        r.Tensors.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(p => p.Key[prefix.Length..], p => p.Value);

    internal static double MaxRelative(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(actual[i] - (double)expected[i]) / Math.Abs(expected[i]));
        return worst;
    }

    internal static double MaxAbsolute(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        double worst = 0;
        for (int i = 0; i < expected.Length; i++) worst = Math.Max(worst, Math.Abs(actual[i] - (double)expected[i]));
        return worst;
    }
}
