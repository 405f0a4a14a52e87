// Classifiers of more than two classes: fc2 gives a logit per class, trained with softmax cross-entropy
// (ClassifierTrainingReferenceTests checks the steps against PyTorch). Here: a synthetic three-topic set is
// learnt; probabilities sum to one, do not depend on the batch, and survive the file; the file's labels
// must match its config; the metrics are worked out by hand; and the CLI trains, evaluates and predicts.
using System.Text.Json;
using Recur.Classification;
using Recur.Tests.Support;

namespace Recur.Tests.Classification;

[Collection("console")]
public class MultiClassTests
{
    /// <summary>Texts of filler words with one or two words of their topic: "food", "sport" or "tech", in turn.</summary>
    internal static List<LabeledText> Topics(int count, ulong seed)
    {
        string[][] words = [["bread", "soup", "cheese", "apple"], ["goal", "match", "team", "race"], ["laptop", "code", "chip", "robot"]];
        string[] labels = ["food", "sport", "tech"];
        string[] filler = ["the", "a", "was", "and", "it", "this", "of", "we", "saw", "new", "day", "good"];
        var rng = new Rng(seed);
        var items = new List<LabeledText>();
        for (int i = 0; i < count; i++)
        {
            int topic = i % 3;
            var text = Enumerable.Range(0, 3 + rng.NextInt(10)).Select(_ => filler[rng.NextInt(filler.Length)]).ToList();
            for (int k = 0; k < 1 + rng.NextInt(2); k++) text.Insert(rng.NextInt(text.Count + 1), words[topic][rng.NextInt(4)]);
            items.Add(new LabeledText(labels[topic], string.Join(' ', text), $"line {i + 2}"));
        }
        return items;
    }

    static ClassifierTraining Train(List<LabeledText> items, int epochs = 4)
    {
        var training = ClassifierTraining.Prepare(items, new ClassifierConfig { Embed = 8, Hidden = 8, Fc = 8 },
            new ClassifierTrainConfig { Epochs = epochs, BatchSize = 16, LearningRate = 0.02, Seed = 3 });
        for (int e = 0; e < epochs; e++) training.RunEpoch();
        training.Finish();
        return training;
    }

    [Fact]
    public void LearnsThreeTopicsAndKeepsThemInItsFile()
    {
        var training = Train(Topics(330, 1), epochs: 6);
        var c = training.Classifier;
        Assert.Equal(["food", "sport", "tech"], c.Labels.Names);
        Assert.Equal(3, c.Model.Config.Classes);
        Assert.Equal([3, 8], c.Model.Fc2.Weight.Value.Shape);
        Assert.True(training.History[^1].TrainLoss < training.History[0].TrainLoss / 2, $"loss {training.History[0].TrainLoss} → {training.History[^1].TrainLoss}");
        Assert.True(training.History[0].TrainLoss < training.DivergenceLimit);
        Assert.Equal(3 * Math.Log(3), training.DivergenceLimit, 12);

        var test = Topics(150, 2);
        var p = c.ClassProbabilities(c.Encode(test.Select(t => t.Text).ToList()));
        foreach (var row in p) Assert.Equal(1.0, row.Sum(v => (double)v), 5);
        var m = ClassMetrics.Compute(Classifier.Predicted(p), c.Labels.Targets(test), 3);
        Assert.True(m.Accuracy >= 0.9, $"test accuracy {m.Accuracy}");
        Assert.Throws<InvalidOperationException>(() => c.Probabilities([[2, 3]]));

        using var dir = new TempDir();
        string path = dir.File("topics.safetensors");
        c.Save(path, training.TrainingMetadata());
        var loaded = Classifier.Load(path);
        Assert.Equal(c.Labels.Names, loaded.Labels.Names);
        Assert.Contains("\"classes\":3", loaded.Metadata["config"]);
        var again = loaded.ClassProbabilities(loaded.Encode(test.Select(t => t.Text).ToList()));
        for (int i = 0; i < p.Length; i++) Close.Exact(p[i], again[i], $"text {i}");
    }

    [Fact]
    public void ATextsProbabilitiesAreTheSameAloneAndInABatch()
    {
        var model = new TextClassifier(new ClassifierConfig { Embed = 6, Hidden = 5, Layers = 2, Bidirectional = true, Fc = 4, Classes = 4 }, 40, new Rng(5));
        var vocab = new ClassifierVocabulary(["<pad>", "<unk>", .. Enumerable.Range(2, 38).Select(i => $"w{i}")]);
        var classifier = new Classifier(model, vocab, new LabelMap(["a", "b", "c", "d"]), null);
        var texts = ClassifierModelTests.RandomTexts(new Rng(9), 4, 11, 17, 8, 13);
        var alone = classifier.ClassProbabilities([texts[0]])[0];
        var inBatch = classifier.ClassProbabilities(texts)[0];
        Close.Exact(alone, inBatch, "probabilities");
        Assert.Equal(4, alone.Length);
        Assert.Throws<ArgumentException>(() => new Classifier(model, vocab, new LabelMap("a", "b"), null));
    }

    [Fact]
    public void AFileWhoseLabelsDoNotMatchItsClassesIsDamaged()
    {
        var training = Train(Topics(60, 1), epochs: 1);
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        training.Classifier.Save(path, new Dictionary<string, string> { ["labels"] = "ignored" });
        var meta = new Dictionary<string, string>(global::Recur.IO.ModelFile.LoadMetadata(path)) { ["labels"] = "[\"food\",\"sport\"]" };
        global::Recur.IO.ModelFile.Save(path, training.Classifier.Model, meta);
        Assert.Equal($"{path}: damaged classifier metadata: 'labels' should be a list of 3 names (the config's classes), not 2",
            Assert.Throws<InvalidDataException>(() => Classifier.Load(path)).Message);
    }

    [Fact]
    public void ClassMetricsAreSklearns()
    {
        // Actual 0 0 0 1 1 2 2 2, predicted 0 1 0 1 2 2 2 0; class 3 occurs in neither and is left out of the macro mean.
        var m = ClassMetrics.Compute([0, 1, 0, 1, 2, 2, 2, 0], [0, 0, 0, 1, 1, 2, 2, 2], 4);
        Assert.Equal([2, 1, 0, 0], m.Confusion[0]);
        Assert.Equal([0, 1, 1, 0], m.Confusion[1]);
        Assert.Equal([1, 0, 2, 0], m.Confusion[2]);
        Assert.Equal(5.0 / 8, m.Accuracy, 15);
        Assert.Equal((2.0 / 3, 2.0 / 3), (m.Precision(0), m.Recall(0)));
        Assert.Equal((1.0 / 2, 1.0 / 2), (m.Precision(1), m.Recall(1)));
        Assert.Equal((2.0 / 3, 2.0 / 3), (m.Precision(2), m.Recall(2)));
        Assert.Equal((0.0, 0.0, 0.0), (m.Precision(3), m.Recall(3), m.F1(3)));
        Assert.Equal((2.0 / 3 + 1.0 / 2 + 2.0 / 3) / 3, m.MacroF1, 15);
        Assert.Equal(3, m.Support(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassMetrics.Compute([4], [0], 4));
    }

    static (int Code, string Out, string Err) Recur(params string[] args)
    {
        var r = global::Recur.Tests.Cli.RecurProcess.Run(args);
        return (r.ExitCode, r.Out, r.Err);
    }

    [Fact]
    public void TheCliTrainsEvaluatesAndPredictsThreeClasses()
    {
        using var dir = new TempDir();
        string Csv(string name, List<LabeledText> items)
        {
            string path = dir.File(name);
            File.WriteAllLines(path, ["label,text", .. items.Select(i => $"{i.Label},{i.Text}")]);
            return path;
        }
        string train = Csv("train.csv", Topics(330, 1)), test = Csv("test.csv", Topics(90, 2)), run = dir.File("run");
        var t = Recur("classify", "train", train, "-o", run, "--epochs", "4", "--embed", "8", "--hidden", "8", "--fc", "8",
            "--lr", "0.02", "--batch-size", "16", "--seed", "3");
        Assert.True(t.Code == 0, t.Err);
        Assert.Contains("labels   'food' → 0, 'sport' → 1, 'tech' → 2 (3 classes)", t.Out);
        Assert.Contains("\"classes\":3}, ", t.Out);   // the model line shows the network built, not the options' default

        var ev = Recur("classify", "eval", run, test);
        Assert.True(ev.Code == 0, ev.Err);
        Assert.Contains("90 texts, 3 classes", ev.Out);
        Assert.Matches(@"macro F1   \d+\.\d\d %", ev.Out);
        Assert.Contains("rows: actual, columns: predicted", ev.Out);
        var json = JsonDocument.Parse(Recur("classify", "eval", run, test, "--json").Out).RootElement;
        Assert.True(json.GetProperty("accuracy").GetDouble() >= 0.9, json.ToString());
        var confusion = json.GetProperty("confusion").EnumerateArray().Select(r => r.EnumerateArray().Select(n => n.GetInt32()).ToArray()).ToArray();
        Assert.Equal([30, 30, 30], confusion.Select(r => r.Sum()));
        Assert.Equal(confusion.Select((r, i) => r[i]).Sum() / 90.0, json.GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(["food", "sport", "tech"], json.GetProperty("classes").EnumerateArray().Select(c => c.GetProperty("label").GetString()));

        var pr = Recur("classify", "predict", run, "the team won the match", "we ate bread and soup", "--json");
        Assert.True(pr.Code == 0, pr.Err);
        var predictions = JsonDocument.Parse(pr.Out).RootElement.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(["sport", "food"], predictions.Select(p => p.GetProperty("label").GetString()));
        var first = predictions[0].GetProperty("probabilities");
        Assert.Equal(1.0, first.EnumerateObject().Sum(p => p.Value.GetDouble()), 5);
        Assert.Equal(first.GetProperty("sport").GetDouble(), predictions[0].GetProperty("probability").GetDouble());
        Assert.Contains("linear 3 → softmax", Recur("info", run).Out);

        // Class folders: a folder the model has no class for is named, with the model's labels.
        string folder = dir.ClassFolders("folder", "a new song", "food", "music");
        var f = Recur("classify", "eval", run, folder);
        Assert.Equal((1, $"recur: error: {Path.Combine(folder, "music", "1.txt")}: unknown label 'music'; the model knows 'food', 'sport', 'tech' " +
            "(a class folder's name is its label: name the folders 'food', 'sport', 'tech')"), (f.Code, f.Err.Trim()));

        var th = Recur("classify", "eval", run, test, "--threshold", "0.7");
        Assert.Equal((1, "recur: error: --threshold applies to a model of two classes; this one has 3 and predicts the most likely: leave --threshold out"),
            (th.Code, th.Err.Trim()));
        var pos = Recur("classify", "train", train, "-o", dir.File("run2"), "--positive", "tech");
        Assert.Equal(1, pos.Code);
        Assert.StartsWith("recur: error: --positive chooses the positive class of two, but the data has 3 labels", pos.Err);
        Assert.False(Directory.Exists(dir.File("run2")));
    }
}
