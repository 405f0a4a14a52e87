// Word-level runs and --val-file: the vocabulary comes from the training text (by frequency, cut by
// --max-vocab, the rest <unk>), a separate validation file is encoded with it, resuming is exact for
// word models and for seed 004's recurrence, and a changed validation file is refused on resume.
using Recur.LanguageModel;
using Recur.Tests.Support;
using Recur.Text;

namespace Recur.Tests.LanguageModel;

public class WordRunTests
{
    static TrainConfig Config(string corpus, string? valFile = null) => new()
    {
        Corpus = [corpus], ValFile = valFile, ValFrac = valFile != null ? 0 : 0.1, Batch = 8, Seq = 12, Lr = 5e-3, LrDecay = 0.9,
        EvalEvery = 7, CheckpointEvery = 5, Keep = 1, Seed = 3,
    };

    static float[] Weights(TrainingRun run) => run.Model.NamedParameters().SelectMany(p => p.Parameter.Value.ToArray()).ToArray();

    [Fact]
    public void VocabularyComesFromTheTrainingTextAndValidationFromItsFile()
    {
        using var dir = new TempDir();
        string train = dir.Write("train.txt", HumanNumbers.Text(1, 300));
        string valid = dir.Write("valid.txt", HumanNumbers.Text(301, 330) + "zebra crossing\n");
        var model = new ModelConfig { Cell = "gru", Layers = 1, Hidden = 16, Embed = 8, Tokens = "words" };
        var run = TrainingRun.Create(dir.File("run"), model, Config(train, valid) with { MaxVocab = 12, Steps = 1 }, new TextOptions());
        var vocab = run.Corpus.Vocabulary;
        Assert.Equal(12, vocab.Count);
        Assert.Equal(new[] { "<unk>", ",", "hundred", "one", "two" }, vocab.Tokens.Take(5));   // "one" and "two" lead the hundreds
        Assert.Equal(12, run.ModelConfig.VocabSize);
        Assert.Equal(WordTokenizer.Tokenize(HumanNumbers.Text(1, 300)).Count, run.Corpus.Train.Length);
        Assert.Equal(TokenText.Encode(File.ReadAllText(valid), "words", vocab), run.Corpus.Validation);
        Assert.True(run.Corpus.UnknownTrain > 0 && run.Corpus.UnknownHeldOut >= 2);   // zebra, crossing and words past --max-vocab

        var e = Assert.Throws<ArgumentException>(() => TrainingRun.Create(dir.File("r2"), model with { Tokens = "chars" }, Config(train) with { MaxVocab = 12 }, new TextOptions()));
        Assert.Contains("--max-vocab applies to --tokens words", e.Message);
        Assert.Throws<ArgumentException>(() => TrainingRun.Create(dir.File("r3"), model, Config(train, valid) with { ValFrac = 0.1 }, new TextOptions()));
    }

    [Fact]
    public void CharacterRunsValidateOnAFileToo()
    {
        using var dir = new TempDir();
        string train = dir.Write("train.txt", TempDir.Corpus(3000));
        string valid = dir.Write("valid.txt", "the cat sat on the mat. ÿ");
        var run = TrainingRun.Create(dir.File("run"), new ModelConfig { Hidden = 16, Layers = 1 }, Config(train, valid) with { Steps = 3 }, new TextOptions());
        Assert.Equal(25, run.Corpus.Validation.Length);
        Assert.Contains("ÿ", run.Corpus.Vocabulary.Tokens);   // the vocabulary covers the validation file
        Assert.Empty(run.Corpus.Test);
        Trainer.Run(run);
        Assert.Single(run.Progress.ValHistory);
    }

    [Theory]
    [InlineData("loop", 0)]
    [InlineData("lstm", 40)]
    public void ResumedWordRunEqualsUninterruptedRun(string cell, int maxVocab)
    {
        using var dir = new TempDir();
        string train = dir.Write("train.txt", TempDir.Corpus(4000));
        string valid = dir.Write("valid.txt", TempDir.Corpus(600, seed: 9));
        var model = new ModelConfig { Cell = cell, Layers = 1, Hidden = 16, Embed = 16, Dropout = cell == "loop" ? 0 : 0.2f, Tokens = "words" };
        var config = Config(train, valid) with { MaxVocab = maxVocab };
        var whole = TrainingRun.Create(dir.File("whole"), model, config with { Steps = 40 }, new TextOptions());
        Trainer.Run(whole);

        using (var part = TrainingRun.Create(dir.File("part"), model, config with { Steps = 17 }, new TextOptions()))
            Trainer.Run(part);   // disposed: a run holds its directory until then
        using var resumed = TrainingRun.Resume(dir.File("part"), c => c with { Steps = 40 });
        Assert.Equal(17, resumed.Progress.Step);
        Trainer.Run(resumed);

        Close.Exact(Weights(whole), Weights(resumed), "weights after resume");
        Assert.Equal(whole.TrainLoss, resumed.TrainLoss);
        Assert.Equal(whole.TrainLastAccuracy, resumed.TrainLastAccuracy);
        // The interrupted run also validated where it stopped (step 17); every other evaluation is the same.
        var wholeVal = whole.Progress.ValHistory.ToDictionary(v => v[0]);
        Assert.Equal(6, resumed.Progress.ValHistory.Count(v => wholeVal.ContainsKey(v[0])));
        foreach (var v in resumed.Progress.ValHistory.Where(v => wholeVal.ContainsKey(v[0]))) Assert.Equal(wholeVal[v[0]], v);
        var buffers = whole.Model.StateDict().Zip(resumed.Model.StateDict());
        foreach (var (a, b) in buffers.Where(p => p.First.Data.Floats != null)) Close.Exact(a.Data.Floats, b.Data.Floats, a.Name);
    }

    [Fact]
    public void ResumeRefusesAChangedValidationFile()
    {
        using var dir = new TempDir();
        string train = dir.Write("train.txt", TempDir.Corpus(3000));
        string valid = dir.Write("valid.txt", TempDir.Corpus(500, seed: 9));
        var model = new ModelConfig { Cell = "gru", Layers = 1, Hidden = 16, Embed = 8, Tokens = "words" };
        using (var run = TrainingRun.Create(dir.File("run"), model, Config(train, valid) with { Steps = 3 }, new TextOptions())) Trainer.Run(run);
        File.AppendAllText(valid, "a new line\n");
        var e = Assert.Throws<InvalidDataException>(() => TrainingRun.Resume(dir.File("run"), c => c with { Steps = 6 }));
        Assert.Contains("no longer reads as it did", e.Message);
    }

    [Fact]
    public void TheSeedsRecurrenceLearnsToCount()
    {
        using var dir = new TempDir();
        string train = dir.Write("train.txt", HumanNumbers.Text(1, 1000));
        var model = new ModelConfig { Cell = "loop", Layers = 1, Hidden = 32, Embed = 32, Tokens = "words" };
        var run = TrainingRun.Create(dir.File("run"), model, Config(train) with { Batch = 16, Seq = 35, Steps = 60, Lr = 1e-2, LrDecay = 1, EvalEvery = 60 }, new TextOptions());
        Trainer.Run(run);
        double first = run.TrainLoss.Take(3).Average(), last = run.TrainLoss.TakeLast(5).Average();
        Assert.True(last < first - 1, $"loss went from {first:0.000} to {last:0.000}");
        Assert.True(run.TrainAccuracy.TakeLast(5).Average() > 0.4, $"accuracy {run.TrainAccuracy.TakeLast(5).Average():P0}");
    }
}
