// Saving and resuming a run: state.safetensors holds every tensor the next step depends on and the
// progress JSON; Resume rebuilds the same objects and loads them, so the continued run computes
// exactly what an uninterrupted one would (same seed, any thread count).
using Recur.IO;
using Recur.Text;

namespace Recur.LanguageModel;

public sealed partial class TrainingRun
{
    /// <summary>Writes state.safetensors (atomically) and, every checkpoint, a model snapshot.</summary>
    public void SaveState()
    {
        ThrowIfDisposed();
        Progress.Rng = rng.State;
        Progress.RnnDropoutRng = Model.RecurrentDropoutRng?.State ?? [];
        Progress.OutputDropoutRng = Model.OutputDropoutRng?.State ?? [];
        var tensors = new List<(string, TensorData)>();
        tensors.AddRange(Model.StateDict().Select(p => ("model." + p.Name, p.Data)));
        tensors.AddRange(optimizer.State().Select(p => ("optim." + p.Name, p.Data)));
        tensors.Add(("carry.h", TensorData.From(carried.H)));
        if (carried.C != null) tensors.Add(("carry.c", TensorData.From(carried.C)));
        tensors.Add(("history.train_loss", new TensorData(TrainLoss.ToArray(), TrainLoss.Count)));
        tensors.Add(("history.train_accuracy", new TensorData(TrainAccuracy.ToArray(), TrainAccuracy.Count)));
        tensors.Add(("history.train_last_accuracy", new TensorData(TrainLastAccuracy.ToArray(), TrainLastAccuracy.Count)));
        var metadata = new Dictionary<string, string>
        {
            ["recur.config"] = ModelConfig.ToJson(),
            ["recur.vocab"] = Corpus.Vocabulary.ToJson(),
            ["recur.train_config"] = Config.ToJson(),
            ["recur.progress"] = Progress.ToJson(),
        };
        Safetensors.Write(PathOf(StateFileName), tensors, metadata);
    }

    /// <summary>
    /// Writes checkpoint-STEP.safetensors and removes snapshots beyond the newest <c>Keep</c>; with <c>Keep</c> 0 (given
    /// anew on a resume) it writes none and removes the run's older ones, which would otherwise pass for the final weights.
    /// </summary>
    public void SaveSnapshot()
    {
        ThrowIfDisposed();
        if (Config.Keep > 0) SaveModel(SnapshotPath(Progress.Step));
        // On Windows a snapshot another program has open (a `recur sample` of it, a script's memory map) cannot be
        // deleted; it is left for the next checkpoint to try again, rather than ending the run.
        foreach (var path in Snapshots(Directory).Reverse().Skip(Config.Keep))
            try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>The model snapshot of step <paramref name="step"/>: RUN_DIR/checkpoint-STEP.safetensors (written only at checkpoints and at the end).</summary>
    public string SnapshotPath(long step) => PathOf($"checkpoint-{step}.safetensors");

    /// <summary>The snapshots (checkpoint-STEP.safetensors) in <paramref name="dir"/>, oldest first.</summary>
    static IEnumerable<string> Snapshots(string dir) =>
        System.IO.Directory.GetFiles(dir, "checkpoint-*.safetensors").Where(p => SnapshotStep(p) >= 0).OrderBy(SnapshotStep);

    /// <summary>The step of a checkpoint-STEP.safetensors path, or -1 for another name.</summary>
    static long SnapshotStep(string path) => long.TryParse(Path.GetFileNameWithoutExtension(path)["checkpoint-".Length..], out long s) ? s : -1;

    /// <summary>
    /// Reopens the run in <paramref name="dir"/>. <paramref name="update"/> receives the saved config and may change
    /// the budgets (Steps, Epochs, TimeSeconds), Lr, Clip, EvalEvery, CheckpointEvery, Keep, and the paths of Corpus
    /// and ValFile (for files that moved: the corpus must read back to the same tokens); a change to any other
    /// setting is refused (ArgumentException naming it), since the saved state holds what it decided. The directory
    /// is locked until the run is disposed; one that another run holds is refused (DirectoryInUseException).
    /// </summary>
    public static TrainingRun Resume(string dir, Func<TrainConfig, TrainConfig> update)
    {
        ArgumentNullException.ThrowIfNull(update);
        DirectoryLock.ThrowIfInUse(dir);   // first: a run that has only just started has no state to find yet
        string path = Path.Combine(dir, StateFileName);
        if (!File.Exists(path))
            throw new InvalidDataException($"{dir}: {(System.IO.Directory.Exists(dir) ? $"no {StateFileName} here" : "no such directory")}, so there is no run to resume " +
                $"(start one with: recur train CORPUS -o {PathText.Arg(dir)})");
        // Resuming saves into the run: a directory that cannot be written is refused now, not after training up to the first save.
        try { IO.AtomicFile.EnsureWritableDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{dir}: cannot write to the run directory ({e.Message}); resuming saves there: make it writable, or resume a copy of the run in a place that is");
        }
        var held = DirectoryLock.Acquire(dir);
        try
        {
            var run = Reopen(dir, path, update);
            run.directoryLock = held;
            return run;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    /// <summary>Resume's work once the directory is locked: only the lock's holder may remove temporary files there.</summary>
    static TrainingRun Reopen(string dir, string path, Func<TrainConfig, TrainConfig> update)
    {
        RemoveLeftoverTemporaryFiles(dir);
        Safetensors.Contents contents;
        try { contents = ModelFile.Load(path); }
        catch (InvalidDataException e) { throw Damaged(dir, e.Message, e) ?? e; }
        string Meta(string key) => contents.Metadata.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"{PathText.Show(path)}: metadata '{key}' is missing; this is not a Recur training state");
        string modelJson = Meta("recur.config"), trainJson = Meta("recur.train_config");
        string progressJson = Meta("recur.progress"), vocabJson = Meta("recur.vocab");
        ModelConfig model;
        TrainConfig saved;
        TrainingProgress progress;
        Vocabulary vocab;
        try
        {
            model = ErrorText.ReadMetadata(path, "recur.config", modelJson, ModelConfig.FromJson);
            saved = ErrorText.ReadMetadata(path, "recur.train_config", trainJson, TrainConfig.FromJson);
            progress = ErrorText.ReadMetadata(path, "recur.progress", progressJson, TrainingProgress.FromJson);
            vocab = ErrorText.ReadMetadata(path, "recur.vocab", vocabJson, Vocabulary.FromJson);
        }
        catch (InvalidDataException e)
        {
            // "training config is not valid JSON (...)" alone did not say which file, nor that the weights survive.
            throw Damaged(dir, e.Message, e) ?? e;
        }
        var config = update(saved);
        RefuseKeptChanges(saved, config);
        try { config.Validate(); }
        catch (ArgumentException e) when (SameFailure(saved, e))
        {
            // An edited or damaged state can hold a value no command line gives (--lr-decay -0.5), and a fixed option
            // cannot be given again to correct it: say that the value is the saved run's. A value this command line
            // gave (--lr, --clip, a budget) keeps the option's own words.
            string what = $"{PathText.Show(path)}: the saved training settings are out of range ({e.Message}), so the state was edited or is damaged";
            throw Damaged(dir, what, e) ?? new InvalidDataException($"{what}; the run cannot resume: start a new one", e);
        }
        CheckModelFile(dir, model, vocab, progress);

        foreach (var f in config.Corpus)
            if (!File.Exists(f)) throw new InvalidDataException($"{f}: the run's corpus is not there any more; if it moved, give its new path: recur train NEW_PATH --resume {PathText.Arg(dir)}");
        if (config.ValFile != null && !File.Exists(config.ValFile))
            throw new InvalidDataException($"{config.ValFile}: the run's validation file is not there any more; if it moved, give its new path with --val-file");
        var corpus = Corpus.Load(config, model.Tokens, new TextOptions(model.Lowercase, model.Ascii), vocab);
        if (corpus.Hash != progress.CorpusHash)
            throw new InvalidDataException($"{dir}: the corpus ({string.Join(", ", config.Corpus)}){(config.ValFile != null ? $" or the validation file ({config.ValFile})" : "")} " +
                "no longer reads as it did when the run started; resume with the original text or start a new run");
        // A state saved before "none" was recorded holds the streams' last tokens' accuracy where no window was read.
        if (!Evaluator.FillsAWindow(corpus.Validation.Length, config.Batch, config.Seq))
            foreach (var row in progress.ValHistory.Where(row => row.Length >= 4)) row[3] = double.NaN;
        var run = new TrainingRun(dir, model, config, corpus, progress);
        run.Load(contents.Tensors, path);
        return run;
    }

    /// <summary>
    /// Refuses an update to a setting the run keeps from its start: the state's carried hidden state, optimizer
    /// and learning-rate schedule, split and generator states were made under it, so a change would fail as a damaged
    /// file or, worse, train on as another run than the one saved (`recur train --resume` refuses these options too).
    /// </summary>
    static void RefuseKeptChanges(TrainConfig saved, TrainConfig updated)
    {
        static string Show(object? v) => v switch
        {
            null => "null",
            string s => $"'{s}'",
            double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            _ => v.ToString()!,
        };
        void Keep<T>(string name, T before, T after)
        {
            if (!EqualityComparer<T>.Default.Equals(before, after))
                throw new ArgumentException($"TrainingRun.Resume: the update changes TrainConfig.{name} from {Show(before)} to {Show(after)}, which a run keeps " +
                    "from its start; a resume may change only Steps, Epochs, TimeSeconds, Lr, Clip, EvalEvery, CheckpointEvery, Keep and where " +
                    $"Corpus and ValFile are: leave {name} as saved, or start a new run (TrainingRun.Create, or FineTune from this run's model)");
        }
        Keep("ValFile", saved.ValFile != null ? "a file" : null, updated.ValFile != null ? "a file" : null);
        Keep("MaxVocab", saved.MaxVocab, updated.MaxVocab);
        Keep("Batching", saved.Batching, updated.Batching);
        Keep("Batch", saved.Batch, updated.Batch);
        Keep("Seq", saved.Seq, updated.Seq);
        Keep("Optimizer", saved.Optimizer, updated.Optimizer);
        Keep("WeightDecay", saved.EffectiveWeightDecay, updated.EffectiveWeightDecay);
        Keep("Momentum", saved.EffectiveMomentum, updated.EffectiveMomentum);
        Keep("LrDecay", saved.LrDecay, updated.LrDecay);
        Keep("LrPlateau", saved.LrPlateau, updated.LrPlateau);
        Keep("ValFrac", saved.ValFrac, updated.ValFrac);
        Keep("TestFrac", saved.TestFrac, updated.TestFrac);
        Keep("Seed", saved.Seed, updated.Seed);
        Keep("InitFrom", saved.InitFrom, updated.InitFrom);
    }

    /// <summary>Whether the saved config, before this resume's updates, fails as <paramref name="e"/> says.</summary>
    static bool SameFailure(TrainConfig saved, ArgumentException e)
    {
        try { saved.Validate(); return false; }
        catch (ArgumentException s) { return s.Message == e.Message; }
    }

    /// <summary>
    /// A state that cannot be resumed: the weights of the best model or a snapshot survive it, so the error says how
    /// to go on from them; null where there are none.
    /// </summary>
    static InvalidDataException? Damaged(string dir, string what, Exception inner)
    {
        string? weights = File.Exists(Path.Combine(dir, ModelFileName)) ? Path.Combine(dir, ModelFileName) : Snapshots(dir).LastOrDefault();
        return weights == null ? null : new InvalidDataException($"{what}; the run cannot resume, but its weights can start a new one: recur train CORPUS -o NEW_DIR --init-from {PathText.Arg(weights)}", inner);
    }

    /// <summary>
    /// The run's model.safetensors must come from the same run as its state (a state copied in from another
    /// run would train that run and overwrite this one's model). A missing one is written again at the
    /// next validation: the best loss so far is forgotten, so that validation counts as the best.
    /// </summary>
    static void CheckModelFile(string dir, ModelConfig model, Vocabulary vocab, TrainingProgress progress)
    {
        string path = Path.Combine(dir, ModelFileName);
        if (!File.Exists(path))
        {
            progress.BestValLoss = double.PositiveInfinity;
            return;
        }
        var meta = ModelFile.Load(path).Metadata;
        // A damaged one is named as such (it once said "model config cannot be read", naming no file).
        bool same = meta.TryGetValue("recur.config", out var c) && meta.TryGetValue("recur.vocab", out var v)
            && ErrorText.ReadMetadata(path, "recur.config", c, ModelConfig.FromJson) == model
            && ErrorText.ReadMetadata(path, "recur.vocab", v, Vocabulary.FromJson).Tokens.SequenceEqual(vocab.Tokens);
        if (!same)
            throw new InvalidDataException($"{dir}: {StateFileName} and {ModelFileName} come from different runs (their models or vocabularies differ); put back the run's own state, or start a new run");
    }

    /// <summary>
    /// Deletes the temporary files (".NAME.*.tmp*") that a process killed in the middle of an atomic write
    /// leaves beside its target: the targets themselves are whole, the leftovers are litter.
    /// </summary>
    static void RemoveLeftoverTemporaryFiles(string dir)
    {
        foreach (var f in System.IO.Directory.GetFiles(dir, ".*"))
            if (Path.GetFileName(f).Contains(".tmp"))
                try { File.Delete(f); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    void Load(IReadOnlyDictionary<string, TensorData> tensors, string path)
    {
        Dictionary<string, TensorData> Part(string prefix) =>
            tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
        try
        {
            Model.LoadStateDict(Part("model."));
            optimizer.LoadState(Part("optim."));
            // States saved before 2026-11-24 also hold "sched.last_epoch" (--lr-decay below 1): Progress.Epoch, the
            // same count, already set the learning rate (ScheduledLr).
            LoadCarry(tensors);
            rng.State = Progress.Rng;
            if (Model.RecurrentDropoutRng is { } recurrentRng) recurrentRng.State = Progress.RnnDropoutRng;
            if (Model.OutputDropoutRng is { } outputRng) outputRng.State = Progress.OutputDropoutRng;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new InvalidDataException($"{PathText.Show(path)}: {e.Message}", e);
        }
        if (tensors.TryGetValue("history.train_loss", out var history) && history.Floats != null) TrainLoss.AddRange(history.Floats);
        LoadHistory(tensors, "history.train_accuracy", TrainAccuracy);
        LoadHistory(tensors, "history.train_last_accuracy", TrainLastAccuracy);
        if (Progress.BatchInEpoch >= Batches.PerEpoch) throw new InvalidDataException($"{PathText.Show(path)}: batch position {Progress.BatchInEpoch} is past the epoch's {Batches.PerEpoch} batches");
        Batches.StartEpoch(Progress.EpochSeed);
    }

    /// <summary>A per-step history (a state file written before accuracies were kept has none: the list then covers the last steps only).</summary>
    static void LoadHistory(IReadOnlyDictionary<string, TensorData> tensors, string name, List<float> into)
    {
        if (tensors.TryGetValue(name, out var saved) && saved.Floats != null) into.AddRange(saved.Floats);
    }

    void LoadCarry(IReadOnlyDictionary<string, TensorData> tensors)
    {
        if (!tensors.TryGetValue("carry.h", out var h) || h.Floats == null || h.Length != carried.H.Length)
            throw new FormatException("carried hidden state 'carry.h' is missing or has the wrong size");
        carried.H.CopyFrom(h.Floats);
        if (carried.C != null)
        {
            if (!tensors.TryGetValue("carry.c", out var c) || c.Floats == null || c.Length != carried.C.Length)
                throw new FormatException("carried cell state 'carry.c' is missing or has the wrong size");
            carried.C.CopyFrom(c.Floats);
        }
    }
}
