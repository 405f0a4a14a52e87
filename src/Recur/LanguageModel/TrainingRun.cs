// One training run in a run directory: the model, optimizer, batches and progress, with the steps that
// advance it and the files that record it:
//   model.safetensors          the best model so far (lowest validation loss; the latest without validation)
//   state.safetensors          everything to resume exactly: current weights ("model.*"), optimizer state
//                              ("optim.*"), carried hidden state ("carry.*"),
//                              per-step training loss and accuracies ("history.*") and JSON progress
//   checkpoint-STEP.safetensors model snapshots at checkpoints (the last --keep of them)
//   .recur.lock, .recur.lock.owner  held while the run is open (DirectoryLock): one process writes here at a time
// Every file is written atomically, so a crash or kill never leaves a corrupt one.
using Recur.IO;
using Recur.Nn;
using Recur.Nn.Losses;
using Recur.Optim;
using Recur.Text;

namespace Recur.LanguageModel;

/// <summary>
/// A language-model training run bound to its directory. Create, FineTune and Resume lock the directory (see
/// <see cref="DirectoryLock"/>) so that no other run, in this process or another, writes there until this one is
/// disposed or the process ends.
/// </summary>
public sealed partial class TrainingRun : IDisposable
{
    /// <summary>The run's files: the best model so far, and the state to resume from (see the file header).</summary>
    public const string ModelFileName = ModelFile.InRunDirectory, StateFileName = "state.safetensors";

    /// <summary>The run directory, as given.</summary>
    public string Directory { get; }
    /// <summary>The model's architecture, with VocabSize and the text options filled in from the corpus.</summary>
    public ModelConfig ModelConfig { get; }
    /// <summary>The training settings, corpus paths made absolute (as saved in the state).</summary>
    public TrainConfig Config { get; private set; }
    /// <summary>The encoded text, split into training, validation and test parts.</summary>
    public Corpus Corpus { get; }
    /// <summary>The model being trained; its weights change with every <see cref="Step"/>.</summary>
    public TokenModel Model { get; }
    /// <summary>Step, epoch, best validation loss and history; saved with the state.</summary>
    public TrainingProgress Progress { get; }
    /// <summary>The batcher over <see cref="Corpus"/>'s training part.</summary>
    public Batches Batches { get; }
    /// <summary>Training loss of every step so far.</summary>
    public List<float> TrainLoss { get; } = [];
    /// <summary>Argmax accuracy of every step so far, over all its tokens.</summary>
    public List<float> TrainAccuracy { get; } = [];
    /// <summary>Argmax accuracy of every step so far, over the last token of each of its sequences (seed 004's metric).</summary>
    public List<float> TrainLastAccuracy { get; } = [];
    /// <summary>The last step's global gradient norm before clipping (0 with --clip 0, which does not compute it).</summary>
    public float LastGradientNorm { get; private set; }

    readonly ParameterSet parameters;
    readonly Optimizer optimizer;
    readonly RecurrentState carried;
    readonly Rng rng;
    readonly CrossEntropyLoss loss = new();
    int[] predicted = [];   // (T·N) each row's most likely token, from the loss
    readonly float divergenceLimit;
    DirectoryLock? directoryLock;   // from Create or Resume until Dispose
    bool disposed;

    TrainingRun(string dir, ModelConfig mc, TrainConfig tc, Corpus corpus, TrainingProgress progress)
    {
        Directory = dir;
        ModelConfig = mc;
        Config = tc;
        Corpus = corpus;
        Progress = progress;
        Model = TokenModel.Create(mc, new Rng(tc.Seed));
        parameters = new ParameterSet(Model);
        double wd = tc.EffectiveWeightDecay, momentum = tc.EffectiveMomentum;
        optimizer = tc.Optimizer switch
        {
            "adam" => new Adam(parameters, tc.Lr, weightDecay: wd),
            "adamw" => new AdamW(parameters, tc.Lr, weightDecay: wd),
            "sgd" => new Sgd(parameters, tc.Lr, momentum: momentum, weightDecay: wd),
            _ => new RmsProp(parameters, tc.Lr, weightDecay: wd, momentum: momentum),
        };
        optimizer.LearningRate = ScheduledLr();
        Batches = new Batches(corpus.Train, tc.Batching, tc.Batch, tc.Seq);
        carried = Model.NewState(tc.Batch);
        // Room for every step's loss up front, so steps never grow the list.
        TrainLoss.Capacity = (int)Math.Min(tc.Steps ?? (long)Batches.PerEpoch * (long)Math.Ceiling(tc.Epochs ?? Trainer.DefaultEpochs), 1 << 24);
        rng = new Rng(tc.Seed ^ 0x5EED_0F_B47C4E5UL);
        // A loss far above a uniform guess (ln V) means the run has blown up.
        divergenceLimit = 3f * MathF.Log(Math.Max(2, mc.VocabSize));
    }

    /// <summary>
    /// Starts a new run in <paramref name="dir"/> (created if needed; it must not hold a run already), locked until
    /// the run is disposed.
    /// </summary>
    public static TrainingRun Create(string dir, ModelConfig model, TrainConfig config, TextOptions text) =>
        Create(dir, model, config, text, start: null);

    /// <summary>
    /// Starts a new run in <paramref name="dir"/> from a trained model's weights (fine-tuning, char-rnn's
    /// -init_from): its architecture, vocabulary and text options are kept, the optimizer starts afresh at step 0.
    /// <paramref name="dropout"/> replaces the model's dropout when given.
    /// </summary>
    public static TrainingRun FineTune(string dir, LoadedModel start, TrainConfig config, float? dropout = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(config);
        if (config.MaxVocab != 0) throw new ArgumentException("--max-vocab cannot change a trained model's vocabulary; leave it out");
        var saved = start.Model.Config;
        var model = dropout is float d ? saved with { Dropout = d } : saved;
        return Create(dir, model, config with { InitFrom = Path.GetFullPath(start.Path) }, new TextOptions(saved.Lowercase, saved.Ascii), start);
    }

    /// <summary>The largest fraction of a fine-tuning text that may be characters the model cannot spell (they are left out).</summary>
    public const double MostLeftOut = 0.05;

    static TrainingRun Create(string dir, ModelConfig model, TrainConfig config, TextOptions text, LoadedModel? start)
    {
        ArgumentNullException.ThrowIfNull(dir);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(text);
        config.Validate();
        (model with { VocabSize = 1 }).Validate();
        if (model.Tokens != ModelConfig.Words && config.MaxVocab != 0) throw new ArgumentException("--max-vocab applies to --tokens words");
        if (model.Cell == LoopModel.CellName && config.Batch < 2)
            throw new ArgumentException($"--cell loop normalises each step over the batch, so it needs --batch 2 or more (got {config.Batch})");
        CheckDirectory(dir);
        var corpus = Corpus.Load(config, model.Tokens, text, start?.Vocabulary);
        int corpusLength = corpus.Length - (config.ValFile != null ? corpus.Validation.Length : 0);
        RefuseMostlyLeftOut(corpus.LeftOut, corpusLength, "the corpus");
        RefuseMostlyLeftOut(corpus.ValidationLeftOut, corpus.Validation.Length, "the validation file");
        if (config.ValFile != null && corpus.Validation.Length < 2)
            throw new InvalidDataException($"{config.ValFile}: {corpus.Validation.Length} token(s) the model can read; a validation file needs at least 2");
        model = model with { VocabSize = corpus.Vocabulary.Count, Lowercase = text.Lowercase, Ascii = text.Ascii };
        model.Validate();
        if ((long)config.Batch * config.Seq * Math.Max(model.VocabSize, model.Hidden * 4) > int.MaxValue)
            throw new ArgumentException($"--batch {config.Batch} × --seq {config.Seq} × a vocabulary of {model.VocabSize:N0} is more logits than one tensor holds (2^31 values); lower --batch or --seq{(model.Tokens == ModelConfig.Words ? " or use --max-vocab" : "")}");
        RefuseTooShort(corpus.Train.Length, corpusLength, model, config);
        var progress = new TrainingProgress
        {
            CorpusHash = corpus.Hash, TrainTokens = corpus.Train.Length, ValTokens = corpus.Validation.Length, TestTokens = corpus.Test.Length,
        };
        var run = new TrainingRun(dir, model, config with
        {
            Corpus = config.Corpus.Select(Path.GetFullPath).ToArray(), ValFile = config.ValFile != null ? Path.GetFullPath(config.ValFile) : null,
        }, corpus, progress);
        if (start != null) run.Model.LoadStateDict(start.Model.StateDict().ToDictionary(p => p.Name, p => p.Data));
        MakeDirectory(dir); // only once the corpus and config are known good: a refused run leaves nothing behind
        run.directoryLock = DirectoryLock.Acquire(dir);
        try { CheckFiles(dir); } // again under the lock: another process may have trained here since the first look
        catch { run.Dispose(); throw; }
        progress.EpochSeed = run.rng.NextUInt64();
        run.Batches.StartEpoch(progress.EpochSeed);
        return run;
    }

    /// <summary>
    /// Releases the run directory's lock, so that another run may train there; the run's files stay. The run can
    /// still be read and exported (<see cref="SaveModel"/>), but no longer trained, validated or saved into its
    /// directory (ObjectDisposedException): to go on, <see cref="Resume"/> it.
    /// </summary>
    public void Dispose()
    {
        disposed = true;
        directoryLock?.Dispose();
        directoryLock = null;
    }

    /// <summary>A disposed run no longer holds its directory, so it must not write there: another run may.</summary>
    internal void ThrowIfDisposed()
    {
        if (disposed)
            throw new ObjectDisposedException(nameof(TrainingRun), $"the training run in {Directory} was disposed, so it no longer holds its directory; " +
                "to train it further, open it again with TrainingRun.Resume");
    }

    /// <summary>Characters the model lacks are left out of a fine-tuning text, unless they are more than MostLeftOut of it.</summary>
    static void RefuseMostlyLeftOut(IReadOnlyDictionary<string, int> leftOut, int kept, string what)
    {
        long n = leftOut.Values.Sum();
        if (n > MostLeftOut * (kept + n))
            throw new InvalidDataException($"{n:N0} of {what}'s {kept + n:N0} characters ({(double)n / (kept + n):P1}) are outside " +
                $"the model's vocabulary, e.g. {string.Join(", ", leftOut.OrderByDescending(kv => kv.Value).Take(5).Select(kv => Vocabulary.Describe(kv.Key)))}; " +
                "fine-tuning keeps the model's vocabulary, so train a new model on this text");
    }

    /// <summary>
    /// Refuses a training part too short for one batch (Batches.Needed), saying what would help: lowering
    /// --batch and --seq only down to the smallest batch (1 × 1; loop 2 × 1), then holding out less, then only
    /// a longer text.
    /// </summary>
    static void RefuseTooShort(int train, int corpus, ModelConfig model, TrainConfig config)
    {
        long needed = Batches.Needed(config.Batching, config.Batch, config.Seq);
        if (train >= needed) return;
        long least = Batches.Needed(config.Batching, model.Cell == LoopModel.CellName ? 2 : 1, 1);
        string unit = model.Tokens == ModelConfig.Words ? "word" : "character";
        string Count(long n) => $"{n:N0} {unit}{(n == 1 ? "" : "s")}";
        throw new ArgumentException(train >= least
            ? $"the training text ({Count(train)}) is too short for one batch of --batch {config.Batch} × --seq {config.Seq}, which needs {Count(needed)}; lower --batch or --seq"
            : corpus >= least
            ? $"the training part of the corpus is too short: --val-frac and --test-frac leave {Count(train)} of its {corpus:N0} for training, " +
              $"which needs at least {least:N0}; lower them, or give a longer corpus"
            : $"the corpus is too short: it has {Count(corpus)}, and training needs at least {least:N0} whatever --batch and --seq are; give a longer text");
    }

    /// <summary>
    /// Refuses a directory a new run cannot use: one another run is training in, a file, a run to resume instead,
    /// a model or snapshots it would overwrite. (Create checks this; a caller that writes files of its own there
    /// can check first.)
    /// </summary>
    public static void CheckDirectory(string dir)
    {
        DirectoryLock.ThrowIfInUse(dir);
        CheckFiles(dir);
    }

    static void CheckFiles(string dir)
    {
        if (File.Exists(dir)) throw new InvalidDataException($"{dir}: is a file; the run directory must be a directory");
        if (File.Exists(Path.Combine(dir, StateFileName)))
            throw new InvalidDataException($"{dir} already holds a training run; continue it with --resume {PathText.Arg(dir)}, or choose another directory");
        // A model without a state (copied in, or another command's model) would be overwritten at the first validation.
        if (File.Exists(Path.Combine(dir, ModelFileName)))
            throw new InvalidDataException($"{dir} already holds a {ModelFileName} that is not a resumable run; choose another directory (or move the model away)");
        // Snapshots of another run would be overwritten at the same step, or removed as beyond --keep.
        string? snapshot = System.IO.Directory.Exists(dir) ? Snapshots(dir).FirstOrDefault() : null;
        if (snapshot != null)
            throw new InvalidDataException($"{dir} already holds {Path.GetFileName(snapshot)} from an earlier run, which this run would overwrite or remove; choose another directory (or move it away)");
    }

    static void MakeDirectory(string dir)
    {
        try { IO.AtomicFile.EnsureWritableDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{dir}: cannot write to the run directory ({e.Message}); make it writable or choose another");
        }
    }

    /// <summary>The path of a file in the run directory.</summary>
    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>The optimizer's current learning rate (after any --lr-decay and --lr-plateau so far).</summary>
    public double LearningRate => optimizer.LearningRate;

    /// <summary>
    /// --lr times --lr-decay once per completed epoch (PyTorch's ExponentialLR, in the same order of products), then
    /// divided by --lr-plateau once per cut. Always computed afresh from the counts, so a resumed run sets the very
    /// double an uninterrupted one does.
    /// </summary>
    double ScheduledLr()
    {
        double lr = Config.Lr;
        if (Config.LrDecay != 1)
            for (int e = 0; e < Progress.Epoch; e++) lr *= Config.LrDecay;
        for (int i = 0; i < Progress.LrCuts; i++) lr /= Config.LrPlateau;
        return lr;
    }

    TrainingDivergedException Diverged(string what) => new($"training diverged at step {Progress.Step + 1}: {what}; " +
        (File.Exists(PathOf(StateFileName)) ? "the last good model and state are kept — lower --lr or --clip and resume or restart"
            // A validation saved the model, but a directory with a model and no state can be neither resumed nor reused.
            : File.Exists(PathOf(ModelFileName)) ? "no training state was saved yet, so the run cannot resume — lower --lr or --clip and start again in another run directory"
            : "nothing was saved yet — lower --lr or --clip and start again"));

    /// <summary>One optimizer step on the next batch; returns its training loss.</summary>
    /// <exception cref="TrainingDivergedException">The loss or gradient is not finite or has exploded; nothing was updated.</exception>
    public float Step()
    {
        ThrowIfDisposed();
        int n = Config.Batch, t = Config.Seq;
        Batches.Fill(Progress.BatchInEpoch);
        optimizer.ZeroGrad();
        var logits = Model.Forward(Batches.Input, t, n, Config.Batching == Batching.Stateful ? carried : null);
        // The gradient overwrites the logits (T·N, V) in place: for a word model that buffer is the largest
        // there is (64×100 × 20,000 words = 512 MB), and nothing reads the logits after the loss.
        if (predicted.Length != n * t) predicted = new int[n * t];
        float value = loss.Forward(logits, Batches.Target, logits, predicted);
        int hits = Predictions.Correct(predicted, Batches.Target), lastHits = Predictions.Correct(predicted, Batches.Target, (t - 1) * n);
        if (!float.IsFinite(value) || value > divergenceLimit)
            throw Diverged($"loss {value:G4}");
        Model.Backward(logits);
        if (Config.Batching == Batching.Stateful) carried.CopyFrom(Model.FinalState);
        float norm = Config.Clip > 0 ? GradClip.ClipByGlobalNorm(parameters, Config.Clip) : 0f;
        if (!float.IsFinite(norm)) throw Diverged("the gradient norm is not finite");
        LastGradientNorm = norm;
        optimizer.Step();

        Progress.Step++;
        Progress.TokensSeen += (long)n * t;
        TrainLoss.Add(value);
        TrainAccuracy.Add((float)hits / (n * t));
        TrainLastAccuracy.Add((float)lastHits / n);
        if (++Progress.BatchInEpoch == Batches.PerEpoch) NextEpoch();
        return value;
    }

    void NextEpoch()
    {
        Progress.Epoch++;
        Progress.BatchInEpoch = 0;
        Progress.EpochSeed = rng.NextUInt64();
        Batches.StartEpoch(Progress.EpochSeed);
        carried.Zero();
        optimizer.LearningRate = ScheduledLr();
    }

    /// <summary>Passes over the training text so far, fractional.</summary>
    public double EpochProgress => Progress.Epoch + (double)Progress.BatchInEpoch / Batches.PerEpoch;

    /// <summary>
    /// Loss on the validation split (null without one); records it and saves the model when it is the best. At a step
    /// that is a multiple of EvalEvery, a loss no lower than the best of the validations at such steps divides the
    /// learning rate by LrPlateau (when above 1). The extra validation of a run that stops between those steps takes no
    /// part in that, so a run stopped and resumed trains as an uninterrupted one does.
    /// </summary>
    public (EvalResult Result, bool Best)? Validate()
    {
        ThrowIfDisposed();
        if (Corpus.Validation.Length < 2) return null;
        var result = Evaluator.Evaluate(Model, Corpus.Validation, Config.Batch, Config.Seq);
        // Streams shorter than --seq hold no window: its last-token accuracy is none (NaN), as `recur eval` says.
        Progress.ValHistory.Add([Progress.Step, result.Loss, result.TokenAccuracy, result.FullWindows > 0 ? result.LastTokenAccuracy : double.NaN]);
        bool best = result.Loss < Progress.BestValLoss;
        if (best)
        {
            Progress.BestValLoss = result.Loss;
            Progress.BestStep = Progress.Step;
            SaveModel(PathOf(ModelFileName));
        }
        if (Progress.Step % Config.EvalEvery == 0)
        {
            if (result.Loss < Progress.ScheduledBestLoss) Progress.ScheduledBestLoss = result.Loss;
            else if (Config.LrPlateau > 1)
            {
                Progress.LrCuts++;
                optimizer.LearningRate = ScheduledLr();
            }
        }
        return (result, best);
    }

    /// <summary>The test split's loss, if there is one.</summary>
    public EvalResult? Test() => Corpus.Test.Length < 2 ? null : Evaluator.Evaluate(Model, Corpus.Test, Config.Batch, Config.Seq);

    /// <summary>Writes the current weights as a model file with the run's metadata.</summary>
    public void SaveModel(string path) => ModelFile.Save(path, Model, ModelMetadata());

    /// <summary>Everything a model file says about itself: config, vocabulary and a summary of the run.</summary>
    public Dictionary<string, string> ModelMetadata() => new()
    {
        ["recur.config"] = ModelConfig.ToJson(),
        ["recur.vocab"] = Corpus.Vocabulary.ToJson(),
        ["recur.run"] = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["step"] = Progress.Step,
            ["epoch"] = Math.Round(EpochProgress, 4),
            ["val_loss"] = double.IsFinite(Progress.BestValLoss) ? Progress.BestValLoss : -1,
            ["best_step"] = Progress.BestStep,
            ["tokens_seen"] = Progress.TokensSeen,
            ["corpus"] = Config.Corpus,
            ["train"] = System.Text.Json.JsonDocument.Parse(Config.ToJson()).RootElement,
        }),
    };
}

