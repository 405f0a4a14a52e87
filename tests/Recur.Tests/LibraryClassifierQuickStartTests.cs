// The README's classifier code from "Using the library", run as written (on a small made-up CSV, 3 epochs), with
// only the using the README shows.
using Recur.Classification;
using Recur.Tests.Support;

namespace Recur.Tests;

public class LibraryClassifierQuickStartTests
{
    [Fact]
    public void TheReadmesClassifierCodeRuns()
    {
        using var dir = new TempDir();
        var rng = new Rng(3);
        string[] good = ["wonderful", "great", "loved", "superb"], bad = ["boring", "awful", "hated", "dull"];
        var rows = Enumerable.Range(0, 60).Select(i => $"{i % 2},\"the film was {(i % 2 == 1 ? good : bad)[rng.NextInt(4)]} and {(i % 2 == 1 ? good : bad)[rng.NextInt(4)]}\"");
        string csv = dir.Write("train.csv", "label,text\n" + string.Join("\n", rows) + "\n");
        string path = dir.File("imdb.safetensors");

        var training = ClassifierTraining.Prepare(TextData.Load(csv), new ClassifierConfig(), new ClassifierTrainConfig { Epochs = 3, ValSplit = 0.1 });
        for (int epoch = 0; epoch < training.Config.Epochs; epoch++) Console.WriteLine(training.RunEpoch());
        training.Finish();                                            // the best epoch's weights, in evaluation mode
        Classifier classifier = training.Classifier;
        float p = classifier.Probability("a wonderful film");          // P(positive), positive being Labels.Positive
        string label = classifier.Labels.Of(p);                     // Labels.Positive from p = 0.5 up
        classifier.Save(path, training.TrainingMetadata());   // `recur classify predict` reads it

        Assert.Equal(3, training.History.Count);
        Assert.Equal(("0", "1"), (classifier.Labels.Negative, classifier.Labels.Positive));
        Assert.Equal(p >= 0.5 ? "1" : "0", label);
        Assert.Equal(p, Classifier.Load(path).Probability("a wonderful film"));
    }
}
