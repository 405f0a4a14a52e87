// recur train CORPUS... -o RUN_DIR: trains a character- or word-level language model (see docs/cli.md).
using System.CommandLine;
using Recur.Cli.Output;
using Recur.LanguageModel;
using Recur.Text;

namespace Recur.Cli.Commands;

static class TrainCommand
{
    static readonly Argument<string[]> Corpus = new("CORPUS") { Description = "UTF-8 text files to train on, joined in the order given; a pattern such as books/*.txt is expanded in name order", Arity = ArgumentArity.ZeroOrMore };
    static readonly Option<string?> Output = new("--output", "-o") { Description = "Run directory for the model, training state and plots", HelpName = "RUN_DIR" };
    static readonly Option<string> Cell = new Option<string>("--cell")
    {
        Description = "Recurrent cell; loop is seed 004's hand-written recurrence (embedding added to h, linear + ReLU, batch norm)", DefaultValueFactory = _ => "lstm",
    }.AcceptOnlyFromAmong([.. ModelConfig.Cells]);
    static readonly Option<int> Layers = new("--layers") { Description = "Stacked recurrent layers (loop: 1)", DefaultValueFactory = _ => 2 };
    static readonly Option<int> Hidden = new("--hidden") { Description = "Hidden units per layer", DefaultValueFactory = _ => 512 };
    static readonly Option<int> Embed = new("--embed") { Description = "Embedding size; 0 feeds one-hot tokens (loop: the hidden size)", DefaultValueFactory = _ => 0 };
    static readonly Option<bool> Tie = new("--tie") { Description = "Tie the output layer's weight to the embedding (needs --embed equal to --hidden)" };
    static readonly Option<string> TokensOpt = new Option<string>("--tokens")
    {
        Description = "chars: one token per character; words: words, punctuation marks and <eos> at line ends", DefaultValueFactory = _ => ModelConfig.Chars,
    }.AcceptOnlyFromAmong(ModelConfig.Chars, ModelConfig.Words);
    static readonly Option<int> MaxVocab = new("--max-vocab") { Description = "Words: keep the most frequent tokens, this many with <unk> (0 = all)", DefaultValueFactory = _ => 0 };
    static readonly Option<string?> ValFile = new("--val-file") { Description = "Validate on this text instead of a split of the corpus", HelpName = "FILE" };
    static readonly Option<float> Dropout = new("--dropout") { Description = "Dropout between layers and before the output layer", DefaultValueFactory = _ => 0f };
    static readonly Option<int> Batch = new("--batch") { Description = "Sequences per batch (N)", DefaultValueFactory = _ => 64 };
    static readonly Option<int> Seq = new("--seq") { Description = "Steps per sequence (M, the truncated-BPTT length)", DefaultValueFactory = _ => 100 };
    static readonly Option<string> BatchingOpt = new Option<string>("--batching")
    {
        Description = "stateful: N contiguous streams, state carried across batches (seed 003); windows: shuffled stride-1 windows (seed 002)",
        DefaultValueFactory = _ => "stateful",
    }.AcceptOnlyFromAmong("stateful", "windows");
    static readonly Option<string> OptimizerOpt = new Option<string>("--optimizer") { Description = "Optimizer", DefaultValueFactory = _ => "adam" }.AcceptOnlyFromAmong([.. TrainConfig.Optimizers]);
    static readonly Option<double> Lr = new("--lr") { Description = "Learning rate", DefaultValueFactory = _ => 2e-3 };
    static readonly Option<double?> WeightDecay = new("--weight-decay") { Description = "The optimizer's weight decay (default: 0.01 for adamw, 0 for the others, as PyTorch)" };
    static readonly Option<double?> Momentum = new("--momentum") { Description = $"Momentum of sgd and rmsprop (default: {TrainConfig.DefaultSgdMomentum} for sgd, 0 for rmsprop; plain SGD is --momentum 0)" };
    static readonly Option<double> LrPlateau = new("--lr-plateau")
    {
        Description = "Divide the learning rate by this whenever a validation does not improve on the best (PyTorch's word_language_model: 4; 1 = never)",
        DefaultValueFactory = _ => 1.0,
    };
    static readonly Option<double> LrDecay = new("--lr-decay") { Description = "Multiply the learning rate by this after every epoch", DefaultValueFactory = _ => 1.0 };
    static readonly Option<double> Clip = new("--clip") { Description = "Clip gradients to this global norm (0 = off)", DefaultValueFactory = _ => 5.0 };
    static readonly Option<long?> Steps = new("--steps") { Description = "Stop at this step (counted from the start of the run)" };
    static readonly Option<double?> Epochs = new("--epochs") { Description = $"Stop after this many passes over the text (default {Trainer.DefaultEpochs} when no budget is given)" };
    static readonly Option<string?> Time = new("--time") { Description = "Stop after this much training time in all, e.g. 30m, 1h30m", HelpName = "DURATION" };
    static readonly Option<double> ValFrac = new("--val-frac") { Description = "Fraction of the text (a contiguous tail) held out for validation", DefaultValueFactory = _ => 0.1 };
    static readonly Option<double> TestFrac = new("--test-frac") { Description = "Fraction of the text (the very end) held out for a final test", DefaultValueFactory = _ => 0.0 };
    static readonly Option<int> EvalEvery = new("--eval-every") { Description = "Validate (and keep the best model) every this many steps", DefaultValueFactory = _ => 200 };
    static readonly Option<int> CheckpointEvery = new("--checkpoint-every") { Description = "Save the training state and a model snapshot every this many steps (and at the end)", DefaultValueFactory = _ => 200 };
    static readonly Option<int> Keep = new("--keep") { Description = "Model snapshots (checkpoint-STEP.safetensors) to keep", DefaultValueFactory = _ => 2 };
    static readonly Option<ulong> Seed = new("--seed") { Description = "Random seed (initialisation, dropout, shuffling)", DefaultValueFactory = _ => 1UL };
    static readonly Option<int> Threads = CommonOptions.Threads();
    static readonly Option<bool> Lowercase = new("--lowercase") { Description = "Lowercase the text (seed 002)" };
    static readonly Option<bool> Ascii = new("--ascii") { Description = "Transliterate the text to ASCII (seed 001's unidecode)" };
    static readonly Option<string?> InitFrom = new("--init-from") { Description = "Start from this trained model's weights (fine-tuning): its architecture, vocabulary and text options are kept", HelpName = "MODEL" };
    static readonly Option<string?> Resume = new("--resume") { Description = "Continue the run in this directory exactly where it stopped", HelpName = "RUN_DIR" };
    static readonly Option<bool> Json = CommonOptions.Json();

    /// <summary>Options that define the model or its data; a resumed run must not change them (budgets, --lr, --clip,
    /// --eval-every, --checkpoint-every, --keep and --threads may change).</summary>
    static readonly Option[] Fixed = [Cell, Layers, Hidden, Embed, Tie, Dropout, TokensOpt, MaxVocab, Batch, Seq, BatchingOpt, OptimizerOpt, WeightDecay, Momentum, LrDecay, LrPlateau, ValFrac, TestFrac, Seed, Lowercase, Ascii];

    public static Command Create()
    {
        var cmd = new Command("train", "Train a character- or word-level language model on UTF-8 text");
        cmd.Add(Corpus);
        foreach (var o in new Option[] { Output, Cell, Layers, Hidden, Embed, Tie, Dropout, TokensOpt, MaxVocab, Batch, Seq, BatchingOpt, OptimizerOpt, Lr, WeightDecay, Momentum, LrDecay, LrPlateau, Clip,
                     Steps, Epochs, Time, ValFrac, ValFile, TestFrac, EvalEvery, CheckpointEvery, Keep, Seed, Threads, Lowercase, Ascii, InitFrom, Resume, Json })
            cmd.Add(o);
        cmd.SetAction(Run);
        return cmd;
    }

    /// <summary>Word vocabularies from this size on get a note that an embedding would serve better than one-hot input.</summary>
    const int OneHotHintWords = 1000;

    static int Run(ParseResult p)
    {
        var reporter = new Reporter(p.GetValue(Json));
        CommonOptions.UseThreads(p.GetValue(Threads));
        // `| head` closing stdout during the opening lines must not end the run before it trains: CtrlC then stops it.
        StandardOutput.Divert = true;
        string? resume = p.GetValue(Resume);
        // The folder a new run makes for its directory (with any missing parent), if it does: removed again when
        // the command fails before the run saved what it needs to go on (Kept), as classify and forecast train do.
        string? created = resume == null && p.GetValue(Output) is string o ? Cli.TopMissing(o) : null;
        TrainingRun? run = null;
        int code = Cli.Failed;   // until Train returns: an exception is a failure too
        try
        {
            // The run locks its directory until disposed, after the last plot: no other process trains there meanwhile.
            run = resume != null ? Reopen(p, resume, reporter) : Start(p, reporter);
            code = Train(run, reporter);
            return code;
        }
        finally
        {
            // Removed while the run still holds its directory, then released (Cli.RemoveCreated).
            if (run != null && created != null && code != Cli.Ok && !Kept(run)) Cli.RemoveCreated(created, run.Directory, run);
            else run?.Dispose();
        }
    }

    /// <summary>
    /// Whether a new run that failed keeps the directory it made: once it has saved its state, from which it resumes,
    /// or a model. An error that broke off the first checkpoint (a full disk while the state was written) leaves a
    /// validated model and its plots but no state: nothing can resume it, and the same command is refused there, but
    /// the model is what the run trained, the user's to keep (to sample, or to move away and train there again).
    /// </summary>
    static bool Kept(TrainingRun run) =>
        File.Exists(run.PathOf(TrainingRun.StateFileName)) || File.Exists(run.PathOf(TrainingRun.ModelFileName));

    static int Train(TrainingRun run, Reporter reporter)
    {
        var cfg = run.Config;
        var m = run.ModelConfig;
        reporter.Line($"model: {InfoCommand.Architecture(m)}, vocabulary {m.VocabSize}, {run.Model.ParameterCount():N0} parameters");
        string unit = m.Tokens == ModelConfig.Words ? "word tokens" : "characters";
        reporter.Line($"data: {run.Corpus.Train.Length:N0} training, {run.Corpus.Validation.Length:N0} validation{(cfg.ValFile != null ? $" (from {cfg.ValFile})" : "")}, {run.Corpus.Test.Length:N0} test {unit}; {cfg.Batching.ToString().ToLowerInvariant()} batches of {cfg.Batch}×{cfg.Seq}, {run.Batches.PerEpoch:N0} per epoch");
        foreach (var (leftOut, what) in new[] { (run.Corpus.LeftOut, "corpus"), (run.Corpus.ValidationLeftOut, "validation file") })
            if (leftOut.Count > 0)
                reporter.Line($"characters: {leftOut.Values.Sum():N0} outside the model's vocabulary are left out of the {what}: " +
                    string.Join(", ", leftOut.OrderByDescending(kv => kv.Value).Take(8).Select(kv => $"{Vocabulary.Describe(kv.Key)} ×{kv.Value:N0}")));
        foreach (var (file, next) in run.Corpus.Unterminated)
            reporter.Warn($"{IO.PathText.Show(file)} does not end with a line break, so its last line runs into the first line of {IO.PathText.Show(next)} (the files are joined as they are); end it with one to keep them apart");
        foreach (var (file, count) in run.Corpus.CarriageReturns)
            reporter.Warn(TokenText.CarriageReturnNote(m.Tokens, file, count)!);
        foreach (var note in new[] { TrainNotes.ShortValidation(run, unit), TrainNotes.ValidationCost(run, unit) })
            if (note != null) reporter.Line(note);
        if (m.Tokens == ModelConfig.Words)
            reporter.Line($"words: {run.Corpus.UnknownTrain:N0} training and {run.Corpus.UnknownHeldOut:N0} held-out tokens are outside the vocabulary and read as <unk>");
        if (m.Tokens == ModelConfig.Words && m.Embed == 0 && m.VocabSize >= OneHotHintWords && run.Progress.Step == 0 && cfg.InitFrom == null)
        {
            // One-hot input reads a column of rnn.weight_ih_l0 (G·H, V) per token, V floats apart: at 20,000 words
            // that made the first layer 3.5× slower than at 65 characters (bench profile --vocab). Not said when
            // fine-tuning: --init-from keeps the model's architecture, so --embed cannot be given.
            long weights = run.Model.NamedParameters().First(q => q.Name == "rnn.weight_ih_l0").Parameter.Length;
            reporter.Line($"note: one-hot input of {m.VocabSize:N0} words gives rnn.weight_ih_l0 {weights:N0} weights, read one column per token; " +
                $"an embedding (--embed {Math.Min(256, m.Hidden)}; PyTorch's word_language_model uses 200) is smaller and faster");
        }
        string decay = cfg.EffectiveWeightDecay > 0 ? $" weight decay {cfg.EffectiveWeightDecay:G4}," : "";
        string momentum = cfg.Optimizer is "sgd" or "rmsprop" ? $" momentum {cfg.EffectiveMomentum:G4}," : "";
        // A resumed run may be at a lower rate than --lr (--lr-decay, --lr-plateau): say where it stands.
        string lr = run.LearningRate != cfg.Lr ? $"{cfg.Lr:G4} (now {run.LearningRate:G4})" : $"{cfg.Lr:G4}";
        string schedule = (cfg.LrDecay < 1 ? $" ×{cfg.LrDecay:G4} per epoch," : "") + (cfg.LrPlateau > 1 ? $" ÷{cfg.LrPlateau:G4} when validation does not improve," : "");
        reporter.Line($"training: {cfg.Optimizer} lr {lr},{schedule}{momentum}{decay} clip {cfg.Clip:G4}, {Workers.Count} thread{(Workers.Count == 1 ? "" : "s")}; run directory {run.Directory}");
        if (SpentBudget(run) is var (done, option))
            reporter.Line($"the run {done}: nothing to train; give a larger {option} to continue");

        TrainOutcome outcome = null!;
        using (var ctrlC = new CtrlC("recur: stopping after this step and saving"))
            reporter.WithProgress("train", sink => outcome = Trainer.Run(run, new TrainMonitor(sink, run.Progress.LrCuts), ctrlC.Token));
        // A run that diverged before saving anything leaves no plots: they would stop it starting again in this directory.
        if (outcome.Stop != TrainStop.Diverged || File.Exists(run.PathOf(TrainingRun.ModelFileName)) || File.Exists(run.PathOf(TrainingRun.StateFileName)))
            TrainMonitor.Plot(run, reporter.Warn);
        return Finish(run, outcome, reporter);
    }

    /// <summary>The files a new run writes under fixed names, which its inputs must not be; its snapshots too (<see cref="IsSnapshot"/>).</summary>
    static readonly string[] RunFiles = [TrainingRun.ModelFileName, TrainingRun.StateFileName, .. TrainMonitor.PlotFiles];

    /// <summary>A name a run's model snapshot has (checkpoint-STEP.safetensors), which a new run overwrites or removes beyond --keep.</summary>
    static bool IsSnapshot(string path) =>
        Path.GetFileName(path) is var name && name.StartsWith("checkpoint-", StringComparison.Ordinal) && name.EndsWith(".safetensors", StringComparison.Ordinal)
        && long.TryParse(name["checkpoint-".Length..^".safetensors".Length], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _);

    /// <summary>Options that define the architecture, vocabulary or text rules: a fine-tuned model keeps its own.</summary>
    static readonly Option[] Architecture = [Cell, Layers, Hidden, Embed, Tie, TokensOpt, MaxVocab, Lowercase, Ascii];

    static TrainingRun Start(ParseResult p, Reporter reporter)
    {
        string? dir = p.GetValue(Output);
        Cli.RequireUsage(dir != null, "give a run directory with -o RUN_DIR (or --resume RUN_DIR to continue a run)");
        var files = Cli.CorpusFiles(p.GetValue(Corpus) ?? []);
        Cli.RequireUsage(files.Length > 0, "give at least one CORPUS text file to train on");
        string? valFile = p.GetValue(ValFile), init = p.GetValue(InitFrom);
        Cli.RequireRunDirectory(dir!, [.. files.Select(f => ((string?)f, "the corpus")), (valFile, "the validation file"), (init, "the --init-from model")]);
        (string? Path, string What)[] inputs = [.. files.Select(f => ((string?)f, "the corpus")), (valFile, "the validation file"), (init, "--init-from")];
        foreach (var (input, what) in inputs)
            if (input != null) Cli.RequireDataIsNoRunFile(input, dir!, IsSnapshot(input) ? [.. RunFiles, Path.GetFileName(input)] : RunFiles, what);
        // A new run writes its plots over whatever has their names; the library checks its own files.
        TrainingRun.CheckDirectory(dir);
        Cli.RequireNoFiles(dir, TrainMonitor.PlotFiles, "choose another -o RUN_DIR (or move it away)");
        LoadedModel? start = null;
        if (init != null)
        {
            foreach (var option in Architecture)
                Cli.RequireUsage(!CommonOptions.Given(p, option), $"{option.Name} is fixed by the --init-from model, which keeps its architecture, vocabulary and text options; leave it out");
            start = LanguageModelFile.Load(init);
            reporter.Line($"fine-tuning: starting from the weights of {IO.PathText.Show(start.Path)}");
        }
        var model = new ModelConfig
        {
            Cell = p.GetValue(Cell)!, Layers = p.GetValue(Layers), Hidden = p.GetValue(Hidden), Embed = p.GetValue(Embed), Dropout = p.GetValue(Dropout),
            Tie = p.GetValue(Tie), Tokens = p.GetValue(TokensOpt)!,
        };
        // The seed's recurrence is one layer with an embedding of the hidden size: those are its defaults.
        if (model.Cell == LoopModel.CellName)
            model = model with
            {
                Layers = CommonOptions.Given(p, Layers) ? model.Layers : 1,
                Embed = CommonOptions.Given(p, Embed) ? model.Embed : model.Hidden,
            };
        if (valFile != null)
        {
            Cli.ExistingFile(valFile, "validation file");
            Cli.RequireUsage(!CommonOptions.Given(p, ValFrac), "--val-file replaces the validation split; leave --val-frac out");
        }
        Cli.RequireUsage(model.Tokens == ModelConfig.Words || !CommonOptions.Given(p, MaxVocab), "--max-vocab applies to --tokens words");
        Cli.RequireUsage(p.GetValue(OptimizerOpt) is "sgd" or "rmsprop" || !CommonOptions.Given(p, Momentum),
            $"--momentum applies to --optimizer sgd or rmsprop ({p.GetValue(OptimizerOpt)} keeps its own moments); leave it out");
        var train = new TrainConfig
        {
            Corpus = files, ValFile = valFile, MaxVocab = p.GetValue(MaxVocab), Batching = p.GetValue(BatchingOpt) == "windows" ? Batching.Windows : Batching.Stateful,
            Batch = p.GetValue(Batch), Seq = p.GetValue(Seq), Optimizer = p.GetValue(OptimizerOpt)!, Lr = p.GetValue(Lr), WeightDecay = p.GetValue(WeightDecay), LrDecay = p.GetValue(LrDecay),
            Momentum = p.GetValue(Momentum), LrPlateau = p.GetValue(LrPlateau),
            Clip = p.GetValue(Clip), ValFrac = valFile != null ? 0 : p.GetValue(ValFrac), TestFrac = p.GetValue(TestFrac), Seed = p.GetValue(Seed),
            EvalEvery = p.GetValue(EvalEvery), CheckpointEvery = p.GetValue(CheckpointEvery), Keep = p.GetValue(Keep),
        };
        train = Budgets(p, train);
        // Check sizes before reading a large corpus, so a typo fails at once.
        (model with { VocabSize = 1 }).Validate();
        train.Validate();
        if (start != null) return TrainingRun.FineTune(dir!, start, train, CommonOptions.Given(p, Dropout) ? p.GetValue(Dropout) : null);
        return TrainingRun.Create(dir!, model, train, new TextOptions(p.GetValue(Lowercase), p.GetValue(Ascii)));
    }

    static TrainingRun Reopen(ParseResult p, string dir, Reporter reporter)
    {
        if (p.GetValue(Output) is string o)
            Cli.RequireUsage(Paths.Same(o, dir), $"--resume continues in its own directory; drop -o {IO.PathText.Arg(o)} or make it {IO.PathText.Arg(dir)}");
        Cli.RequireUsage(p.GetValue(InitFrom) == null, "--init-from starts a new run from a model; drop it to resume (the run keeps the weights it has trained)");
        // runs/a/state.safetensors for runs/a is an easy slip; the library's "no state.safetensors here" would advise -o FILE.
        // Only a file inside a run points to its directory: the corpus's directory holds no run.
        if (File.Exists(dir))
        {
            string parent = Path.GetDirectoryName(dir) is { Length: > 0 } d ? d : ".";
            throw new CliError($"--resume {IO.PathText.Arg(dir)} is a file, not a run directory: " + (File.Exists(Path.Combine(parent, TrainingRun.StateFileName))
                ? $"give the run directory that holds it ({IO.PathText.Arg(parent)})" : "give the run directory that 'recur train -o DIR' made"));
        }
        // A corpus named again must be there: "the run's corpus is not there any more" would blame the saved path.
        var files = Cli.CorpusFiles(p.GetValue(Corpus) ?? []);
        var run = TrainingRun.Resume(dir, saved =>
        {
            var updated = Budgets(p, saved) with { Corpus = files.Length > 0 ? files.Select(Path.GetFullPath).ToArray() : saved.Corpus };
            // A moved validation file may be named again; one cannot be added to or dropped from a run.
            if (p.GetValue(ValFile) is string valFile)
            {
                Cli.Require(saved.ValFile != null, $"--val-file {IO.PathText.Arg(valFile)} contradicts the saved run, which validates on a split of its corpus; drop it to resume");
                updated = updated with { ValFile = Path.GetFullPath(Cli.ExistingFile(valFile, "validation file")) };
            }
            if (CommonOptions.Given(p, Lr)) updated = updated with { Lr = p.GetValue(Lr) };
            if (CommonOptions.Given(p, Clip)) updated = updated with { Clip = p.GetValue(Clip) };
            return updated;
        });
        foreach (var option in Fixed)
            if (CommonOptions.Given(p, option))
            {
                string given = p.GetResult(option)!.Tokens.Count > 0 ? string.Join(' ', p.GetResult(option)!.Tokens.Select(t => t.Value)) : "true";
                string? saved = SavedValue(run, option);
                if (saved == null || saved == Normalize(option, given)) continue;
                run.Dispose();   // unlocks the directory
                throw new CliError($"{option.Name} {given} contradicts the saved run ({option.Name} {saved}); drop it to resume, or start a new run in another directory");
            }
        reporter.Line($"resuming {dir} at step {run.Progress.Step:N0} (epoch {run.EpochProgress:0.00})");
        return run;
    }

    /// <summary>
    /// The budget a resumed run has already used up, as the user would name it, or null. Saved budgets stay in force
    /// beside new ones, so a spent --time (or --epochs) stops a resume that gives only a larger --steps.
    /// </summary>
    static (string Done, string Option)? SpentBudget(TrainingRun run)
    {
        var c = run.Config;
        var p = run.Progress;
        if (c.Steps is long s && p.Step >= s) return ($"is already at step {p.Step:N0} (--steps {s:N0})", "--steps");
        if (c.TimeSeconds is double t && p.ElapsedSeconds >= t)
            return ($"has already trained for {CommonOptions.FormatDuration(p.ElapsedSeconds)} (--time {CommonOptions.FormatDuration(t)})", "--time");
        if (Trainer.Spent(run, p.ElapsedSeconds))
            return ($"is already at epoch {run.EpochProgress:0.00} (--epochs {c.Epochs ?? Trainer.DefaultEpochs:G4}{(c.Epochs == null ? ", the default" : "")})", "--epochs");
        return null;
    }

    static TrainConfig Budgets(ParseResult p, TrainConfig c)
    {
        if (CommonOptions.Given(p, Steps)) c = c with { Steps = p.GetValue(Steps) };
        if (CommonOptions.Given(p, Epochs)) c = c with { Epochs = p.GetValue(Epochs) };
        if (p.GetValue(Time) is string t) c = c with { TimeSeconds = CommonOptions.ParseDuration(t) };
        if (CommonOptions.Given(p, EvalEvery)) c = c with { EvalEvery = p.GetValue(EvalEvery) };
        if (CommonOptions.Given(p, CheckpointEvery)) c = c with { CheckpointEvery = p.GetValue(CheckpointEvery) };
        if (CommonOptions.Given(p, Keep)) c = c with { Keep = p.GetValue(Keep) };
        return c;
    }

    /// <summary>The saved value of a fixed option, as text comparable with what the user typed.</summary>
    static string? SavedValue(TrainingRun run, Option option)
    {
        var m = run.ModelConfig;
        var c = run.Config;
        return option.Name switch
        {
            "--cell" => m.Cell, "--tokens" => m.Tokens, "--max-vocab" => c.MaxVocab.ToString(), "--layers" => m.Layers.ToString(), "--hidden" => m.Hidden.ToString(), "--embed" => m.Embed.ToString(), "--tie" => m.Tie ? "true" : "false",
            "--dropout" => Normalize(option, m.Dropout.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            "--batch" => c.Batch.ToString(), "--seq" => c.Seq.ToString(), "--batching" => c.Batching.ToString().ToLowerInvariant(),
            "--optimizer" => c.Optimizer, "--weight-decay" => Normalize(option, c.EffectiveWeightDecay.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            "--momentum" => Normalize(option, c.EffectiveMomentum.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            "--lr-decay" => Normalize(option, c.LrDecay.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            "--lr-plateau" => Normalize(option, c.LrPlateau.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            "--val-frac" => Normalize(option, c.ValFrac.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            "--test-frac" => Normalize(option, c.TestFrac.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
            "--seed" => c.Seed.ToString(), "--lowercase" => m.Lowercase ? "true" : "false", "--ascii" => m.Ascii ? "true" : "false",
            _ => null,
        };
    }

    /// <summary>Numbers compare by value ("0.50" = "0.5"); flags by true/false.</summary>
    static string Normalize(Option option, string text) =>
        double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double d)
            ? d.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : text.ToLowerInvariant();

    static int Finish(TrainingRun run, TrainOutcome outcome, Reporter reporter)
    {
        var pr = run.Progress;
        string unit = TokenText.Unit(run.ModelConfig.Tokens);
        // The accuracies of the best validation (older entries hold only step and loss).
        var bestEntry = pr.ValHistory.LastOrDefault(v => v[0] == pr.BestStep && v.Length >= 4);
        double? valAcc = bestEntry?[2], valLastAcc = bestEntry?[3];
        string best = double.IsFinite(pr.BestValLoss)
            ? $"best validation loss {pr.BestValLoss:0.0000} nats/{unit} ({pr.BestValLoss / Math.Log(2):0.000} bits/{unit}, perplexity {CommonOptions.FormatPerplexity(Math.Exp(pr.BestValLoss))}) at step {pr.BestStep:N0}" +
              (valAcc is double a && valLastAcc is double l ? $", accuracy {a:P1} ({TrainMonitor.LastToken(l, run.Config.Seq)})" : "")
            : pr.ValTokens > 0 ? $"not validated yet (every {run.Config.EvalEvery:N0} steps)" : "no validation split";
        double other = outcome.SessionSeconds - outcome.StepSeconds;
        reporter.Line($"trained to step {outcome.Steps:N0} (epoch {run.EpochProgress:0.00}) in {CommonOptions.FormatDuration(outcome.ElapsedSeconds)} in all; " +
            $"this session {outcome.TokensPerSecond:N0} tokens/s in training steps, {CommonOptions.FormatDuration(other)} validating and saving; {best}");
        var test = outcome.Stop == TrainStop.Budget ? run.Test() : null;
        if (test != null) reporter.Line($"test loss {test.Loss:0.0000} nats/{unit} ({test.Bits:0.000} bits/{unit}, perplexity {CommonOptions.FormatPerplexity(test.Perplexity)}) on {test.Tokens:N0} tokens");
        // The final weights (the model file holds the best-validated ones); a diverged run's newest snapshot is older.
        string? last = run.SnapshotPath(outcome.Steps);
        if (!File.Exists(last)) last = null;
        reporter.Result(new Dictionary<string, object?>
        {
            ["steps"] = outcome.Steps,
            ["tokens_per_s"] = Math.Round(outcome.TokensPerSecond, 1),
            ["best_val_loss"] = double.IsFinite(pr.BestValLoss) ? pr.BestValLoss : null,
            ["best_val_perplexity"] = double.IsFinite(pr.BestValLoss) ? Math.Exp(pr.BestValLoss) : null,
            ["val_token_accuracy"] = valAcc,
            ["val_last_token_accuracy"] = double.IsNaN(valLastAcc ?? 0) ? null : valLastAcc,   // NaN: no window, none
            ["elapsed_s"] = Math.Round(outcome.ElapsedSeconds, 3),
            ["step_s"] = Math.Round(outcome.StepSeconds, 3),
            ["epochs"] = Math.Round(run.EpochProgress, 4),
            ["lr"] = run.LearningRate,
            ["test_loss"] = test?.Loss,
            ["stopped"] = outcome.Stop.ToString().ToLowerInvariant(),
            ["model"] = File.Exists(run.PathOf(TrainingRun.ModelFileName)) ? run.PathOf(TrainingRun.ModelFileName) : null,
            ["last_checkpoint"] = last,
        });
        switch (outcome.Stop)
        {
            case TrainStop.Cancelled:
                // Stopped before a new run's first step: there is no state to resume.
                Console.Error.WriteLine(File.Exists(run.PathOf(TrainingRun.StateFileName))
                    ? $"recur: interrupted at step {outcome.Steps:N0}; state saved — continue with: recur train --resume {IO.PathText.Arg(run.Directory)}"
                    : "recur: interrupted before the first step; nothing was saved, so run the same command to start again");
                return Cli.Interrupted;
            case TrainStop.Diverged:
                Console.Error.WriteLine($"recur: error: {outcome.Message}");
                return Cli.Failed;
            default:
                reporter.Line($"model: {IO.PathText.Show(run.PathOf(TrainingRun.ModelFileName))}" + (last != null ? $"; final weights: {IO.PathText.Show(last)}" : ""));
                return Cli.Ok;
        }
    }
}
