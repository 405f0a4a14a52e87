// Training runs: the loss falls on a small corpus; a run stopped at step k and resumed ends with
// exactly the weights of an uninterrupted run; divergence stops training and keeps the last good model.
using Recur.IO;
using Recur.LanguageModel;
using Recur.Tests.Support;
using Recur.Text;

namespace Recur.Tests.LanguageModel;

public class TrainingRunTests
{
    static readonly ModelConfig Small = new() { Cell = "lstm", Layers = 2, Hidden = 24, Embed = 0, Dropout = 0.2f };

    static TrainConfig Config(string corpus, Batching batching = Batching.Stateful) => new()
    {
        Corpus = [corpus], Batching = batching, Batch = 8, Seq = 16, Lr = 5e-3, LrDecay = 0.9,
        EvalEvery = 7, CheckpointEvery = 5, Keep = 2, ValFrac = 0.1, Seed = 3,
    };

    static float[] Weights(TrainingRun run) => run.Model.NamedParameters().SelectMany(p => p.Parameter.Value.ToArray()).ToArray();

    [Fact]
    public void LossFallsOnASmallCorpus()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(8000));
        var run = TrainingRun.Create(dir.File("run"), Small, Config(corpus) with { Steps = 120 }, new TextOptions());
        Trainer.Run(run);
        Assert.Equal(120, run.Progress.Step);
        double first = run.TrainLoss.Take(5).Average(), last = run.TrainLoss.TakeLast(10).Average();
        Assert.True(last < first - 0.5, $"loss went from {first:0.000} to {last:0.000}");
        Assert.True(run.Progress.BestValLoss < 2.6, $"validation loss {run.Progress.BestValLoss}"); // ln V = 3.3 for a uniform guess
        Assert.True(File.Exists(dir.File("run/model.safetensors")) && File.Exists(dir.File("run/state.safetensors")));
        Assert.Equal(2, Directory.GetFiles(dir.File("run"), "checkpoint-*.safetensors").Length);
    }

    [Fact]
    public void TheLastStepIsSavedAsACheckpointToo()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(3000));
        // 12 steps with checkpoints every 5: snapshots at 5 and 10 and, at the end, 12; --keep 2 leaves 10 and 12.
        var run = TrainingRun.Create(dir.File("run"), Small, Config(corpus) with { Steps = 12 }, new TextOptions());
        Trainer.Run(run);
        var kept = Directory.GetFiles(dir.File("run"), "checkpoint-*.safetensors").Select(f => Path.GetFileName(f)!).Order().ToArray();
        Assert.Equal(["checkpoint-10.safetensors", "checkpoint-12.safetensors"], kept);
        var last = LanguageModelFile.Load(dir.File("run/checkpoint-12.safetensors"));
        Assert.Equal(Weights(run), last.Model.NamedParameters().SelectMany(p => p.Parameter.Value.ToArray()).ToArray());

        // Resumed with --keep 0, no snapshot is kept: the older ones went too (checkpoint-12 once stayed, passing for the final weights).
        run.Dispose();
        using (var resumed = TrainingRun.Resume(dir.File("run"), c => c with { Steps = 14, Keep = 0 })) Trainer.Run(resumed);
        Assert.Empty(Directory.GetFiles(dir.File("run"), "checkpoint-*.safetensors"));
    }

    // --time 0.001s once took a step or none as the machine was idle or busy; none left no state to resume.
    [Fact]
    public void ANewRunTakesItsFirstStepWhateverItsTime()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(3000));
        using (var run = TrainingRun.Create(dir.File("run"), Small, Config(corpus) with { TimeSeconds = 1e-9 }, new TextOptions()))
        {
            var outcome = Trainer.Run(run);
            Assert.Equal((TrainStop.Budget, 1L), (outcome.Stop, outcome.Steps));
        }
        using var resumed = TrainingRun.Resume(dir.File("run"), c => c);
        var again = Trainer.Run(resumed);
        Assert.Equal((TrainStop.Budget, 1L), (again.Stop, again.Steps));
        Assert.StartsWith("nothing to train", again.Message);
    }

    [Theory]
    [InlineData(Batching.Stateful, "lstm", 0, "adam", 1.0)]
    [InlineData(Batching.Windows, "gru", 16, "adam", 1.0)]
    [InlineData(Batching.Stateful, "lstm", 0, "sgd", 2.0)]
    public void ResumedRunEqualsUninterruptedRun(Batching batching, string cell, int embed, string optimizer, double plateau)
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(3000));
        var model = Small with { Cell = cell, Embed = embed };
        // SGD at a rate that overshoots: validations fail to improve, and --lr-plateau divides the rate.
        var config = Config(corpus, batching) with { Optimizer = optimizer, Lr = optimizer == "sgd" ? 2 : 5e-3, LrPlateau = plateau };
        // 60 steps cross several epochs (lr decay, reshuffles, state resets) and checkpoints.
        var whole = TrainingRun.Create(dir.File("whole"), model, config with { Steps = 60 }, new TextOptions());
        Trainer.Run(whole);

        // Stopped at 23, between validations (every 7 steps): its extra validation must not count for --lr-plateau.
        using (var part = TrainingRun.Create(dir.File("part"), model, config with { Steps = 23 }, new TextOptions()))
            Trainer.Run(part);   // disposed: a run holds its directory until then
        using var resumed = TrainingRun.Resume(dir.File("part"), c => c with { Steps = 60 });
        Assert.Equal(23, resumed.Progress.Step);
        Trainer.Run(resumed);

        Assert.Equal(60, resumed.Progress.Step);
        Support.Close.Exact(Weights(whole), Weights(resumed), "weights after resume");
        Assert.Equal(whole.TrainLoss, resumed.TrainLoss);
        Assert.Equal(whole.Progress.BestValLoss, resumed.Progress.BestValLoss);
        Assert.Equal(whole.LearningRate, resumed.LearningRate);
        if (plateau > 1) Assert.True(whole.Progress.LrCuts > 0, "no validation failed to improve: the test does not reach --lr-plateau");
    }

    /// <summary>
    /// --lr-plateau divides the rate at every scheduled validation no better than the best before it (PyTorch's
    /// word_language_model's rule, per validation), on top of --lr-decay's factor per epoch.
    /// </summary>
    [Fact]
    public void APlateauDividesTheLearningRateWhenValidationDoesNotImprove()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(3000));
        var config = Config(corpus) with { Optimizer = "sgd", Momentum = 0, Lr = 4, LrPlateau = 4, EvalEvery = 3, Steps = 45 };
        using var run = TrainingRun.Create(dir.File("run"), Small, config, new TextOptions());
        var rates = new List<(double Loss, double LrAfter)>();
        Trainer.Run(run, new RateMonitor(rates));

        Assert.Equal(15, rates.Count);
        double best = double.PositiveInfinity, lr = 4;
        int cuts = 0, epoch = 0;
        for (int i = 0; i < rates.Count; i++)
        {
            if (rates[i].Loss < best) best = rates[i].Loss;
            else cuts++;
            // Validations every 3 steps; an epoch of this corpus is PerEpoch steps.
            int epochs = 3 * (i + 1) / run.Batches.PerEpoch;
            while (epoch < epochs) { lr *= 0.9; epoch++; }
            double expected = lr;
            for (int c = 0; c < cuts; c++) expected /= 4;
            Assert.Equal(expected, rates[i].LrAfter);
        }
        Assert.InRange(cuts, 1, 14);
        Assert.Equal(cuts, run.Progress.LrCuts);
    }

    /// <summary>States saved before --lr-plateau hold the --lr-decay schedule's "sched.last_epoch"; they resume, at the rate the epochs give.</summary>
    [Fact]
    public void AStateWithTheOldScheduleTensorResumes()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(3000));
        var whole = TrainingRun.Create(dir.File("whole"), Small, Config(corpus) with { Steps = 40 }, new TextOptions());
        Trainer.Run(whole);
        using (var part = TrainingRun.Create(dir.File("part"), Small, Config(corpus) with { Steps = 30 }, new TextOptions())) Trainer.Run(part);
        string state = dir.File("part/state.safetensors");
        var saved = ModelFile.Load(state);
        var progress = TrainingProgress.FromJson(saved.Metadata["recur.progress"]);
        Assert.True(progress.Epoch >= 1, $"30 steps made {progress.Epoch} epochs; the test needs the rate decayed");
        var metadata = saved.Metadata.ToDictionary();
        // As older versions wrote it: no plateau fields in the progress, the epoch count as the schedule's.
        var json = System.Text.Json.Nodes.JsonNode.Parse(metadata["recur.progress"])!.AsObject();
        json.Remove("lr_cuts");
        json.Remove("scheduled_best_loss");
        metadata["recur.progress"] = json.ToJsonString();
        Safetensors.Write(state, [.. saved.Tensors.Select(kv => (kv.Key, kv.Value)), ("sched.last_epoch", new TensorData([(long)progress.Epoch]))], metadata);

        using var resumed = TrainingRun.Resume(dir.File("part"), c => c with { Steps = 40 });
        Assert.Equal(5e-3 * Math.Pow(0.9, progress.Epoch), resumed.LearningRate, 15);
        Trainer.Run(resumed);
        Support.Close.Exact(Weights(whole), Weights(resumed), "weights after resuming an old state");
    }

    sealed class RateMonitor(List<(double, double)> rates) : ITrainingMonitor
    {
        public void Evaluated(TrainingRun run, EvalResult validation, bool best) => rates.Add((validation.Loss, run.LearningRate));
    }

    [Fact]
    public void ResumeRefusesAChangedCorpus()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(3000));
        using (var run = TrainingRun.Create(dir.File("run"), Small, Config(corpus) with { Steps = 5 }, new TextOptions())) Trainer.Run(run);
        File.AppendAllText(corpus, "the cat sat.");
        var e = Assert.Throws<InvalidDataException>(() => TrainingRun.Resume(dir.File("run"), c => c with { Steps = 10 }));
        Assert.Contains("no longer reads as it did", e.Message);
    }

    static readonly string[] KeptSettingNames =
        ["Batch", "Seq", "Batching", "Optimizer", "WeightDecay", "Momentum", "LrDecay", "LrPlateau", "ValFrac", "TestFrac", "Seed", "MaxVocab", "InitFrom", "ValFile"];

    public static TheoryData<string> KeptSettings() => [.. KeptSettingNames];

    /// <summary>What TrainingRun.Resume's update may change (Corpus and ValFile: only their paths).</summary>
    static readonly string[] ResumableSettings = ["Corpus", "ValFile", "Lr", "Clip", "Steps", "Epochs", "TimeSeconds", "EvalEvery", "CheckpointEvery", "Keep"];

    /// <summary>A setting added to TrainConfig must be placed: one a resume may change, or one it refuses to (KeptSettings).</summary>
    [Fact]
    public void EveryTrainSettingIsResumableOrKept()
    {
        var placed = ResumableSettings.Concat(KeptSettingNames).ToHashSet();
        var settings = typeof(TrainConfig).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).ToArray();
        Assert.Empty(settings.Except(placed));
    }

    /// <summary>
    /// Resume's update may change budgets, Lr, Clip, reporting and the corpus's paths; a setting the run keeps from its start
    /// is refused by its name, before anything trains: some once failed as a damaged state ("carried hidden state 'carry.h'
    /// is missing"), others (Seq, Seed, ValFrac) trained on silently as another run than the one saved.
    /// </summary>
    [Theory]
    [MemberData(nameof(KeptSettings))]
    public void ResumeRefusesAChangeToASettingTheRunKeeps(string setting)
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(3000));
        using (var run = TrainingRun.Create(dir.File("run"), Small, Config(corpus) with { Steps = 5 }, new TextOptions())) Trainer.Run(run);
        Func<TrainConfig, TrainConfig> change = setting switch
        {
            "Batch" => c => c with { Batch = 4 },
            "Seq" => c => c with { Seq = 8 },
            "Batching" => c => c with { Batching = Batching.Windows },
            "Optimizer" => c => c with { Optimizer = "sgd" },
            "WeightDecay" => c => c with { WeightDecay = 0.1 },
            "Momentum" => c => c with { Momentum = 0.5 },
            "LrDecay" => c => c with { LrDecay = 0.5 },
            "LrPlateau" => c => c with { LrPlateau = 4 },
            "ValFrac" => c => c with { ValFrac = 0.2 },
            "TestFrac" => c => c with { TestFrac = 0.1 },
            "Seed" => c => c with { Seed = 9 },
            "MaxVocab" => c => c with { MaxVocab = 10 },
            "InitFrom" => c => c with { InitFrom = corpus },
            _ => c => c with { ValFile = corpus },
        };
        var e = Assert.Throws<ArgumentException>(() => TrainingRun.Resume(dir.File("run"), c => change(c) with { Steps = 10 }));
        Assert.Contains($"TrainConfig.{setting}", e.Message);
        Assert.Contains("start a new run", e.Message);
        // Refused before training, and the directory is free again.
        using var resumed = TrainingRun.Resume(dir.File("run"), c => c with { Steps = 6, Lr = 1e-3, Clip = 1, EvalEvery = 3, CheckpointEvery = 3, Keep = 1 });
        Assert.Equal(5, resumed.Progress.Step);
    }

    [Fact]
    public void ARunHoldsItsDirectoryUntilDisposed()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(3000));
        string path = dir.File("run");
        var run = TrainingRun.Create(path, Small, Config(corpus) with { Steps = 2 }, new TextOptions());
        Trainer.Run(run);
        var e = Assert.Throws<DirectoryInUseException>(() => TrainingRun.Resume(path, c => c with { Steps = 3 }));
        Assert.Contains("in use by another training run in this process", e.Message);
        // Refused as in use, not as "already holds a training run" (which would say to resume it).
        e = Assert.Throws<DirectoryInUseException>(() => TrainingRun.Create(path, Small, Config(corpus), new TextOptions()));
        Assert.Contains("in use", e.Message);

        run.Dispose();
        Assert.DoesNotContain(Directory.GetFiles(path), DirectoryLock.IsLockFile);
        using var resumed = TrainingRun.Resume(path, c => c with { Steps = 3 });
        Trainer.Run(resumed);
        Assert.Equal(3, resumed.Progress.Step);
    }

    [Fact]
    public void AResumeWithItsBudgetSpentSaysSoAndWritesNothing()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(3000));
        string path = dir.File("run");
        using (var run = TrainingRun.Create(path, Small, Config(corpus) with { Steps = 3 }, new TextOptions())) Trainer.Run(run);
        var written = Directory.GetFiles(path).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        Thread.Sleep(20);   // a rewrite would show as a later time

        using var resumed = TrainingRun.Resume(path, c => c);
        var outcome = Trainer.Run(resumed);
        Assert.Equal((TrainStop.Budget, 3L), (outcome.Stop, outcome.Steps));
        Assert.Contains("nothing to train: the run at step 3 has used up its budget", outcome.Message);
        Assert.Equal(written, Directory.GetFiles(path).Where(f => !DirectoryLock.IsLockFile(f)).ToDictionary(f => f, File.GetLastWriteTimeUtc));
    }

    [Fact]
    public void ADisposedRunNeitherTrainsNorWritesToItsDirectory()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(3000));
        string path = dir.File("run");
        var run = TrainingRun.Create(path, Small, Config(corpus) with { Steps = 4 }, new TextOptions());
        run.Dispose();
        // It trained and wrote its files without the lock, where another run may now be training.
        var e = Assert.Throws<ObjectDisposedException>(() => Trainer.Run(run));
        Assert.Contains("TrainingRun.Resume", e.Message);
        Assert.Throws<ObjectDisposedException>(() => run.Step());
        Assert.Throws<ObjectDisposedException>(() => run.Validate());
        Assert.Throws<ObjectDisposedException>(() => run.SaveState());
        Assert.Throws<ObjectDisposedException>(() => run.SaveSnapshot());
        Assert.Equal(0, run.Progress.Step);
        Assert.Empty(Directory.GetFiles(path));
        run.SaveModel(dir.File("export.safetensors"));   // exporting elsewhere is still fine
        Assert.Equal(run.Corpus.Vocabulary.Tokens, LanguageModelFile.Load(dir.File("export.safetensors")).Vocabulary.Tokens);
    }

    [Fact]
    public void DivergenceStopsAndKeepsTheLastGoodModel()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(3000));
        // An absurd learning rate without clipping blows the loss up within a few steps.
        var config = Config(corpus) with { Steps = 200, Lr = 50, Clip = 0, EvalEvery = 1, CheckpointEvery = 1, LrDecay = 1 };
        var run = TrainingRun.Create(dir.File("run"), Small with { Dropout = 0 }, config, new TextOptions());
        var outcome = Trainer.Run(run);
        Assert.Equal(TrainStop.Diverged, outcome.Stop);
        Assert.Contains("diverged at step", outcome.Message);
        Assert.True(outcome.Steps < 200);
        var saved = LanguageModelFile.Load(dir.File("run"));
        Assert.All(saved.Model.NamedParameters().SelectMany(p => p.Parameter.Value.ToArray()), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void EvaluatorEqualsOneForwardPass()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(3000));
        var run = TrainingRun.Create(dir.File("run"), Small with { Dropout = 0 }, Config(corpus) with { Steps = 3 }, new TextOptions());
        Trainer.Run(run);
        var tokens = run.Corpus.Validation.AsSpan(0, 41).ToArray();
        var r = Evaluator.Evaluate(run.Model, tokens, batch: 1, steps: 7); // state carried over 6 chunks
        run.Model.Eval();
        var logits = run.Model.Forward(tokens.AsSpan(0, 40), 40, 1, null);
        double direct = new Recur.Nn.Losses.CrossEntropyLoss().Forward(logits, tokens.AsSpan(1, 40));
        Assert.Equal(40, r.Tokens);
        Assert.Equal(direct, r.Loss, 5);
    }

    [Fact]
    public void EvaluatorRefusesABatchOrStepsBelowOne()
    {
        var model = TokenModel.Create(Small with { VocabSize = 5 }, new Rng(1));
        int[] tokens = [0, 1, 2, 3, 4, 0, 1];
        // Steps 0 divided by zero deep inside (and would have looped forever past that); batch 0 was read as 1.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Evaluator.Evaluate(model, tokens, batch: 2, steps: 0));
        Assert.Equal("steps", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => Evaluator.Evaluate(model, tokens, batch: 0, steps: 3));
        Assert.Equal("batch", e.ParamName);
    }

    [Fact]
    public void ValidationShorterThanAWindowRecordsNoLastTokenAccuracy()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(3000));
        // 150 validation characters in 8 streams of 18: none fills a 50-step window, so no last token of one is scored.
        var config = Config(corpus) with { Steps = 2, EvalEvery = 1, Seq = 50, ValFrac = 0.05 };
        var run = TrainingRun.Create(dir.File("run"), Small with { Layers = 1, Hidden = 16 }, config, new TextOptions());
        Trainer.Run(run);
        run.Dispose();   // a run holds its directory until disposed
        Assert.Equal(150, run.Progress.ValTokens);
        Assert.Equal([1.0, 2.0], run.Progress.ValHistory.Select(v => v[0]));
        Assert.All(run.Progress.ValHistory, v => Assert.True(double.IsFinite(v[2]) && double.IsNaN(v[3]), string.Join(", ", v)));

        // "None" survives the state file, and a state saved before it was recorded (a made-up number, or a row of
        // step and loss only) still resumes, with the number read as none.
        var resumed = TrainingRun.Resume(dir.File("run"), c => c);
        Assert.All(resumed.Progress.ValHistory, v => Assert.True(double.IsNaN(v[3])));
        resumed.Progress.ValHistory[0] = resumed.Progress.ValHistory[0][..2];
        resumed.Progress.ValHistory[1][3] = 0.125;
        resumed.SaveState();
        resumed.Dispose();
        using var old = TrainingRun.Resume(dir.File("run"), c => c with { Steps = 3 });
        Assert.Equal(2, old.Progress.ValHistory[0].Length);
        Assert.True(double.IsNaN(old.Progress.ValHistory[1][3]));
        Trainer.Run(old);
        Assert.Equal(3, old.Progress.ValHistory.Count);
        Assert.True(double.IsNaN(old.Progress.ValHistory[2][3]));
    }

    [Fact]
    public void ModelFileUsesSeed002Names()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(3000));
        var run = TrainingRun.Create(dir.File("run"), Small with { Embed = 8, Layers = 1 }, Config(corpus) with { Steps = 2 }, new TextOptions());
        Trainer.Run(run);
        var contents = ModelFile.Load(dir.File("run/model.safetensors"));
        Assert.Equal(new[] { "embedding.weight", "fc.bias", "fc.weight", "rnn.bias_hh_l0", "rnn.bias_ih_l0", "rnn.weight_hh_l0", "rnn.weight_ih_l0" },
            contents.Tensors.Keys.Order());
        Assert.Equal(run.Corpus.Vocabulary.Tokens, Vocabulary.FromJson(contents.Metadata["recur.vocab"]).Tokens);
        Assert.Equal(8, ModelConfig.FromJson(contents.Metadata["recur.config"]).Embed);
    }

    // A saved config or progress that cannot be read says so and names the field; it said "not valid JSON" even for
    // well-formed JSON holding a value of the wrong type.
    [Fact]
    public void AnUnreadableSavedConfigNamesTheField()
    {
        var model = Assert.Throws<InvalidDataException>(() => ModelConfig.FromJson("{\"hidden\": \"many\"}"));
        Assert.StartsWith("model config cannot be read (", model.Message);
        Assert.Equal("model config cannot be read (field 'hidden' should be a whole number within range)", model.Message);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(model.InnerException);
        var train = Assert.Throws<InvalidDataException>(() => TrainConfig.FromJson("{\"lr\": NaN}"));
        Assert.StartsWith("training config cannot be read (", train.Message);
        Assert.DoesNotContain('\n', train.Message);
        var progress = Assert.Throws<InvalidDataException>(() => TrainingProgress.FromJson("{\"step\": [1]}"));
        Assert.StartsWith("training progress cannot be read (", progress.Message);
        Assert.Equal("training progress cannot be read (field 'step' should be a whole number within range)", progress.Message);
    }

    // A model config with a field this version does not know (a newer Recur's model, or a damaged file) is refused,
    // as the classifier's and forecaster's are: ignoring it could build a different network than the file's.
    // Training configs keep ignoring unknown fields (a setting does not change what network the weights are).
    [Fact]
    public void AModelConfigWithAnUnknownFieldIsRefused()
    {
        string json = new ModelConfig { Hidden = 8, VocabSize = 10 }.ToJson();
        Assert.Equal(8, ModelConfig.FromJson(json).Hidden);
        var e = Assert.Throws<InvalidDataException>(() => ModelConfig.FromJson(json.Insert(1, "\"layer_norm\": true, ")));
        Assert.StartsWith("model config cannot be read (", e.Message);
        Assert.Equal("model config cannot be read (unknown field 'layer_norm': written by a newer version of Recur, or damaged)", e.Message);
        Assert.Equal(0.5, TrainConfig.FromJson("{\"lr\": 0.5, \"from_a_newer_version\": 0}").Lr);
    }

    // The batching is saved in the CLI's words; a state file written before that (names as in C#) still reads.
    [Fact]
    public void BatchingIsSavedInTheCommandLinesWords()
    {
        var config = new TrainConfig { Batching = Batching.Windows };
        Assert.Contains("\"batching\":\"windows\"", config.ToJson());
        Assert.Equal(Batching.Windows, TrainConfig.FromJson(config.ToJson()).Batching);
        Assert.Equal(Batching.Windows, TrainConfig.FromJson(config.ToJson().Replace("\"windows\"", "\"Windows\"")).Batching);
        Assert.Equal(Batching.Stateful, TrainConfig.FromJson("{\"batching\":\"Stateful\"}").Batching);
    }

    [Fact]
    public void WeightDecayReachesTheOptimizer()
    {
        // AdamW decays before its update, which at step 1 does not depend on the decay:
        // w1(decay) = w0·(1 - lr·wd) - u and w1(0) = w0 - u, so the two differ by lr·wd·w0.
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(3000));
        var config = Config(corpus) with { Optimizer = "adamw", Steps = 1, Lr = 0.01 };
        Assert.Equal(0.5, TrainConfig.FromJson((config with { WeightDecay = 0.5 }).ToJson()).WeightDecay);
        Assert.Equal(0.01, config.EffectiveWeightDecay);   // PyTorch's AdamW default
        var none = TrainingRun.Create(dir.File("none"), Small, config with { WeightDecay = 0 }, new TextOptions());
        var decayed = TrainingRun.Create(dir.File("decayed"), Small, config with { WeightDecay = 0.5 }, new TextOptions());
        float[] w0 = Weights(none);
        none.Step();
        decayed.Step();
        float[] a = Weights(none), b = Weights(decayed);
        for (int i = 0; i < w0.Length; i++)
            Assert.True(Math.Abs((a[i] - b[i]) - 0.01 * 0.5 * w0[i]) <= 1e-6, $"weight {i}: {a[i]} - {b[i]} is not lr·wd·{w0[i]}");
    }

    [Fact]
    public void MomentumReachesTheOptimizer()
    {
        // SGD's first step is the same with any momentum (the buffer starts as the gradient g1), so both runs reach the
        // same w1 and the same g2; the second differs by μ·g1: w2(μ) - w2(0) = -lr·μ·g1 = μ·(w1 - w0).
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(3000));
        var config = Config(corpus) with { Optimizer = "sgd", Steps = 2, Lr = 0.5 };
        Assert.Equal(0.9, config.EffectiveMomentum);   // Recur's SGD default
        Assert.Equal(0, (config with { Optimizer = "rmsprop" }).EffectiveMomentum);
        Assert.Equal(0.5, TrainConfig.FromJson((config with { Momentum = 0.5 }).ToJson()).Momentum);
        var plain = TrainingRun.Create(dir.File("plain"), Small, config with { Momentum = 0 }, new TextOptions());
        var heavy = TrainingRun.Create(dir.File("heavy"), Small, config with { Momentum = 0.5 }, new TextOptions());
        float[] w0 = Weights(plain);
        plain.Step();
        heavy.Step();
        float[] w1 = Weights(plain);
        Assert.Equal(w1, Weights(heavy));
        plain.Step();
        heavy.Step();
        float[] a = Weights(plain), b = Weights(heavy);
        for (int i = 0; i < w0.Length; i++)
            Assert.True(Math.Abs((b[i] - a[i]) - 0.5 * (w1[i] - w0[i])) <= 1e-6, $"weight {i}: {b[i]} - {a[i]} is not μ·({w1[i]} - {w0[i]})");
    }

    [Fact]
    public void MomentumIsForSgdAndRmsProp()
    {
        var config = new TrainConfig { Corpus = ["c.txt"], Momentum = 0.5 };
        var e = Assert.Throws<ArgumentException>(config.Validate);
        Assert.Equal("--momentum applies to --optimizer sgd or rmsprop (adam keeps its own moments); leave it out", e.Message);
        (config with { Optimizer = "rmsprop" }).Validate();
        Assert.Contains("--momentum must be in [0, 1)", Assert.Throws<ArgumentException>((config with { Optimizer = "sgd", Momentum = 1 }).Validate).Message);
        Assert.Contains("--lr-plateau must be 1 (off) or more", Assert.Throws<ArgumentException>((config with { Optimizer = "sgd", LrPlateau = 0.5 }).Validate).Message);
    }
}
