// Fine-tuning (recur train --init-from MODEL): a new run starts from a trained model's weights with its
// architecture, vocabulary and text options, at step 0 with a fresh optimizer; characters the vocabulary
// lacks are left out (a text made of more than 5 % of them is refused before anything is written), and the
// run remembers the model it came from.
using Recur.LanguageModel;
using Recur.Tests.Support;
using Recur.Text;

namespace Recur.Tests.LanguageModel;

public class FineTuneTests
{
    static TrainConfig Config(string corpus) => new() { Corpus = [corpus], Batch = 4, Seq = 12, EvalEvery = 5, CheckpointEvery = 5, Keep = 0, Seed = 2 };

    static float[] Weights(TokenModel model) => model.NamedParameters().SelectMany(p => p.Parameter.Value.ToArray()).ToArray();

    /// <summary>A small model trained for 10 steps on <paramref name="text"/>, loaded back from its run directory.</summary>
    static LoadedModel Trained(TempDir dir, string text, ModelConfig model)
    {
        string corpus = dir.Write("base.txt", text);
        using (var run = TrainingRun.Create(dir.File("base"), model, Config(corpus) with { Steps = 10 }, new TextOptions(Lowercase: true))) Trainer.Run(run);
        return LanguageModelFile.Load(dir.File("base"));
    }

    [Fact]
    public void StartsFromTheModelsWeightsWithItsVocabularyAndResumesAsAnyRun()
    {
        using var dir = new TempDir();
        var start = Trained(dir, TempDir.Corpus(3000), new ModelConfig { Cell = "gru", Layers = 2, Hidden = 16, Embed = 8 });
        string other = dir.Write("other.txt", string.Concat(Enumerable.Repeat("The Old Man Found The River. A Bird Sang To The Cat.\n", 12)));   // lowercased as the model was
        var run = TrainingRun.FineTune(dir.File("tuned"), start, Config(other) with { Steps = 4 }, dropout: 0.25f);

        Assert.Equal(start.Vocabulary.Tokens, run.Corpus.Vocabulary.Tokens);
        Assert.Equal(start.Model.Config with { Dropout = 0.25f }, run.ModelConfig);
        Assert.Equal(Weights(start.Model), Weights(run.Model));
        Assert.Equal(0, run.Progress.Step);
        Assert.Equal(Path.GetFullPath(start.Path), run.Config.InitFrom);

        Trainer.Run(run);
        run.Dispose();   // a run holds its directory until disposed
        Assert.NotEqual(Weights(start.Model), Weights(run.Model));
        using var resumed = TrainingRun.Resume(dir.File("tuned"), c => c with { Steps = 6 });
        Assert.Equal(run.Config.InitFrom, resumed.Config.InitFrom);
        Assert.Equal(Weights(run.Model), Weights(resumed.Model));
    }

    [Fact]
    public void CharactersTheVocabularyLacksAreLeftOutUnlessTheyAreMoreThanOneInTwenty()
    {
        using var dir = new TempDir();
        var start = Trained(dir, TempDir.Corpus(2000), new ModelConfig { Layers = 1, Hidden = 8 });
        string few = dir.Write("few.txt", TempDir.Corpus(1000, seed: 9) + "4 mats, 2 hats\n");
        var run = TrainingRun.FineTune(dir.File("tuned"), start, Config(few) with { Steps = 1 });
        Assert.Equal(new Dictionary<string, int> { ["4"] = 1, [","] = 1, ["2"] = 1 }, run.Corpus.LeftOut);
        Assert.Equal(start.Vocabulary.EncodeCharacters(File.ReadAllText(few).ToLowerInvariant()).Length, run.Corpus.Length);
        Trainer.Run(run);
        run.Dispose();   // a run holds its directory until disposed
        using (var again = TrainingRun.Resume(dir.File("tuned"), c => c)) Assert.Equal(run.Corpus.LeftOut, again.Corpus.LeftOut);   // the same text again

        string digits = dir.Write("digits.txt", "the cat sat on 42 mats.\n");
        var e = Assert.Throws<InvalidDataException>(() => TrainingRun.FineTune(dir.File("t2"), start, Config(digits)));
        Assert.Contains("2 of the corpus's 24 characters (8.3 %) are outside the model's vocabulary", e.Message);
        string few2 = dir.Write("few2.txt", TempDir.Corpus(1000, seed: 5));
        var v = Assert.Throws<InvalidDataException>(() => TrainingRun.FineTune(dir.File("t3"), start, Config(few2) with { ValFile = digits, ValFrac = 0 }));
        Assert.Contains("2 of the validation file's 24 characters", v.Message);
        Assert.False(Directory.Exists(dir.File("t2")));
        Assert.Throws<ArgumentException>(() => TrainingRun.FineTune(dir.File("t2"), start, Config(digits) with { MaxVocab = 10 }));
    }

    [Fact]
    public void AWordModelReadsUnknownWordsAsUnk()
    {
        using var dir = new TempDir();
        var start = Trained(dir, HumanNumbers.Text(1, 200), new ModelConfig { Cell = "lstm", Layers = 1, Hidden = 16, Embed = 8, Tokens = "words" });
        string other = dir.Write("other.txt", HumanNumbers.Text(900, 1100));   // "thousand" is new
        var run = TrainingRun.FineTune(dir.File("tuned"), start, Config(other) with { Steps = 2 });
        Assert.Equal(start.Vocabulary.Tokens, run.Corpus.Vocabulary.Tokens);
        Assert.True(run.Corpus.UnknownTrain > 0);
        Trainer.Run(run);
    }
}
