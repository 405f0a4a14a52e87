// Training on a tiny synthetic sentiment set: it learns, a seed reproduces a run bit for bit, the
// validation split keeps the best epoch; the model file round-trips with its vocabulary and labels.
using Recur.Classification;
using Recur.Tests.Support;

namespace Recur.Tests.Classification;

public class TrainingTests
{
    /// <summary>Reviews of filler words with one or two sentiment words; "pos" reviews hold good words.</summary>
    internal static List<LabeledText> Synthetic(int count, ulong seed)
    {
        string[] good = ["great", "superb", "loved", "wonderful"], bad = ["awful", "boring", "hated", "dull"];
        string[] filler = ["the", "movie", "was", "a", "plot", "and", "actors", "film", "it", "this", "story", "of"];
        var rng = new Rng(seed);
        var items = new List<LabeledText>();
        for (int i = 0; i < count; i++)
        {
            bool positive = i % 2 == 0;
            var words = Enumerable.Range(0, 3 + rng.NextInt(12)).Select(_ => filler[rng.NextInt(filler.Length)]).ToList();
            var sentiment = positive ? good : bad;
            for (int k = 0; k < 1 + rng.NextInt(2); k++) words.Insert(rng.NextInt(words.Count + 1), sentiment[rng.NextInt(4)]);
            items.Add(new LabeledText(positive ? "pos" : "neg", string.Join(' ', words) + (rng.NextInt(3) == 0 ? " <br />:)" : "."), $"line {i + 2}"));
        }
        return items;
    }

    static readonly ClassifierConfig Tiny = new() { Embed = 8, Hidden = 8, Fc = 8 };
    static readonly ClassifierTrainConfig Quick = new() { Epochs = 4, BatchSize = 16, LearningRate = 0.02, Seed = 3 };

    static ClassifierTraining Train(ClassifierConfig model, ClassifierTrainConfig config, List<LabeledText> items)
    {
        var training = ClassifierTraining.Prepare(items, model, config);
        for (int e = 0; e < config.Epochs; e++) training.RunEpoch();
        training.Finish();
        return training;
    }

    [Fact]
    public void LearnsATinySentimentSet()
    {
        var training = Train(Tiny, Quick, Synthetic(320, 1));
        Assert.True(training.History[^1].TrainLoss < training.History[0].TrainLoss / 2, $"loss {training.History[0].TrainLoss} → {training.History[^1].TrainLoss}");
        var test = Synthetic(200, 2);
        var c = training.Classifier;
        var metrics = BinaryMetrics.Compute(c.Probabilities(c.Encode(test.Select(t => t.Text).ToList())), c.Labels.Targets(test));
        Assert.True(metrics.Accuracy >= 0.95, $"test accuracy {metrics.Accuracy}");
        Assert.Equal(["neg", "pos"], c.Labels.Names);
    }

    [Fact]
    public void ASeedReproducesARunBitForBit()
    {
        var items = Synthetic(96, 1);
        var config = Quick with { Epochs = 2, Bucket = true, ValSplit = 0.25 };
        var model = Tiny with { Layers = 2, Bidirectional = true, Dropout = 0.2f };
        var a = Train(model, config, items);
        var b = Train(model, config, items);
        foreach (var ((name, x), (_, y)) in a.Classifier.Model.StateDict().Zip(b.Classifier.Model.StateDict()))
            Support.Close.Exact(x.Floats!, y.Floats!, name);
        Assert.Equal(a.History.Select(h => h.TrainLoss), b.History.Select(h => h.TrainLoss));
        var c = Train(model, config with { Seed = 4 }, items);
        Assert.NotEqual(a.History[0].TrainLoss, c.History[0].TrainLoss);
    }

    [Fact]
    public void TheValidationSplitKeepsTheBestEpoch()
    {
        var items = Synthetic(200, 5);
        var training = ClassifierTraining.Prepare(items, Tiny, Quick with { Epochs = 3, ValSplit = 0.2 });
        Assert.Equal((160, 40), (training.TrainCount, training.ValCount));
        var snapshots = new List<float[]>();
        for (int e = 0; e < 3; e++)
        {
            training.RunEpoch();
            snapshots.Add(training.Classifier.Model.NamedParameters().SelectMany(p => p.Parameter.Value.ToArray()).ToArray());
        }
        training.Finish();
        var accuracies = training.History.Select(h => h.ValAccuracy!.Value).ToList();
        int best = accuracies.IndexOf(accuracies.Max()) + 1;
        Assert.Equal(best, training.BestEpoch);
        Support.Close.Exact(snapshots[best - 1], training.Classifier.Model.NamedParameters().SelectMany(p => p.Parameter.Value.ToArray()).ToArray(), "kept weights");
    }

    [Fact]
    public void MaxLenAndVocabularyOptionsApply()
    {
        var items = Synthetic(64, 6);
        var training = ClassifierTraining.Prepare(items, Tiny, Quick with { MaxLen = 3, MinFreq = 2, MaxVocab = 10 });
        var c = training.Classifier;
        Assert.Equal(12, c.Vocab.Count);
        Assert.Equal(3, c.Encode("the movie was a plot and").Length);
        Assert.Equal(3, c.MaxLen);
    }

    [Fact]
    public void SavedModelsRoundTripWithVocabularyLabelsAndSettings()
    {
        var training = Train(Tiny with { Bidirectional = true }, Quick with { Epochs = 1, MaxLen = 12 }, Synthetic(64, 1));
        var c = training.Classifier;
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        c.Save(path, training.TrainingMetadata());
        var loaded = Classifier.Load(path);
        Assert.Equal(c.Vocab.Tokens, loaded.Vocab.Tokens);
        Assert.Equal(c.Labels.Names, loaded.Labels.Names);
        Assert.Equal(c.Model.Config, loaded.Model.Config);
        Assert.Equal(12, loaded.MaxLen);
        Assert.Equal("1", loaded.Metadata["best_epoch"]);
        string[] texts = ["a great movie", "boring and dull, the plot", "unseen words only zzz", "!!!"];
        Support.Close.Exact(c.Probabilities(c.Encode(texts)), loaded.Probabilities(loaded.Encode(texts)), "probabilities");
        // The file holds the seed's PyTorch names.
        var names = Recur.IO.ModelFile.Load(path).Tensors.Keys.ToHashSet();
        Assert.Contains("embedding.weight", names);
        Assert.Contains("rnn.weight_hh_l0_reverse", names);
        Assert.Contains("fc2.bias", names);
    }

    [Fact]
    public void LoadingSomethingElseIsAClearError()
    {
        using var dir = new TempDir();
        string path = dir.File("other.safetensors");
        Recur.IO.ModelFile.Save(path, new Recur.Nn.Linear(2, 2, new Rng(1)), new Dictionary<string, string> { ["config"] = "{}" });
        var m = Assert.Throws<InvalidDataException>(() => Classifier.Load(path)).Message;
        Assert.StartsWith(path, m);
        Assert.Contains("not a recur classifier model", m);
    }

    /// <summary>A tiny trained classifier saved at dir/name with the metadata Save writes passed through <paramref name="edit"/>.</summary>
    static string SavedWithMetadata(TempDir dir, string name, Func<IReadOnlyDictionary<string, string>, Dictionary<string, string>> edit)
    {
        var training = Train(Tiny, Quick with { Epochs = 1 }, Synthetic(64, 1));
        training.Classifier.Save(dir.File("model.safetensors"), training.TrainingMetadata());
        var saved = Recur.IO.ModelFile.LoadMetadata(dir.File("model.safetensors"));
        string path = dir.File(name);
        Recur.IO.ModelFile.Save(path, training.Classifier.Model, edit(saved));
        return path;
    }

    [Fact]
    public void AMissingMetadataKeyIsNamedOnce()
    {
        using var dir = new TempDir();
        // vocab is read inside the metadata's parse, whose errors say "damaged": a missing key is not damage.
        string path = SavedWithMetadata(dir, "novocab.safetensors", saved => saved.Where(kv => kv.Key != "vocab").ToDictionary());
        Assert.Equal($"{path}: not a recur classifier model (no 'vocab' in its metadata)",
            Assert.Throws<InvalidDataException>(() => Classifier.Load(path)).Message);
    }

    [Fact]
    public void ADamagedConfigIsOneLineNamingTheFile()
    {
        using var dir = new TempDir();
        string path = SavedWithMetadata(dir, "bad.safetensors", saved => new Dictionary<string, string>(saved) { ["config"] = "{\"hidden\": -4}" });
        Assert.Equal($"{path}: damaged classifier metadata: model config is invalid: --hidden must be at least 1 (got -4)",
            Assert.Throws<InvalidDataException>(() => Classifier.Load(path)).Message);
        Recur.Tests.Cli.RecurProcess.Run("classify", "predict", path, "a fine film")
            .AssertCleanError($"recur: error: {path}: damaged classifier metadata: model config is invalid: --hidden must be at least 1 (got -4)");
    }

    // The fourth audit: an empty or null label once loaded, and predict printed it as a blank label ("label": null in --json).
    [Theory]
    [InlineData("[null,\"pos\"]")]
    [InlineData("[\"\",\"pos\"]")]
    [InlineData("[\"neg\",\" \"]")]
    public void AnEmptyLabelIsDamage(string labels)
    {
        using var dir = new TempDir();
        string path = SavedWithMetadata(dir, "bad.safetensors", saved => new Dictionary<string, string>(saved) { ["labels"] = labels });
        string message = $"{path}: damaged classifier metadata: the classes need labels that are not empty";
        Assert.Equal(message, Assert.Throws<InvalidDataException>(() => Classifier.Load(path)).Message);
        var r = Recur.Tests.Cli.RecurProcess.Run("classify", "predict", path, "a fine film", "--json");
        r.AssertCleanError($"recur: error: {message}");
        Assert.Equal("", r.Out);
    }

    [Fact]
    public void AModelWithANaNWeightIsRefusedAsDamaged()
    {
        var training = Train(Tiny, Quick with { Epochs = 1 }, Synthetic(64, 1));
        var c = training.Classifier;
        // A NaN weight makes every probability NaN: each text labelled negative, the metrics meaningless.
        c.Model.Fc2.Bias!.Value.Span[0] = float.NaN;
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        c.Save(path, training.TrainingMetadata());
        string m = Assert.Throws<InvalidDataException>(() => Classifier.Load(path)).Message;
        Assert.StartsWith($"{path}: tensor 'fc2.bias' holds NaN at element 0 of 1", m);
        Assert.Contains("damaged", m);
    }
}
