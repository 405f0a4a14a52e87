// `recur classify train DATA -o RUN_DIR`: trains a text classifier and writes RUN_DIR/model.safetensors
// (after every epoch that is the best so far), history.csv, and loss/accuracy plots: in place, or when they
// replace an old run's (--force) into a staging folder (StagedRun) put in place when the run ends (or stops,
// or diverges, after a saved epoch); without --force,
// a directory already holding any of them is refused, as is one another process is training in (the run
// holds the directory's lock while it writes there), and so is one inside a data folder of class folders.
// A run that fails otherwise leaves the directory as it was, and removes it if it made it.
using System.CommandLine;
using System.Globalization;
using System.Text;
using Recur.Classification;
using Recur.Cli.Output;
using Recur.IO;

namespace Recur.Cli.Commands;

static class ClassifyTrain
{
    public static Command Create()
    {
        var data = new Argument<string>("DATA") { Description = "Training texts: a CSV file with a label and a text column, or a folder with one sub-folder of text files per class" };
        var output = new Option<string>("--output", "-o") { Description = "Run directory for model.safetensors, history.csv and plots (created if missing)", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite a run already in the run directory: its model, history.csv and plots (default: off)", DefaultValueFactory = _ => false };
        var layout = new ClassifyCommand.LayoutOptions();
        var positive = new Option<string?>("--positive") { Description = "The label of the positive class, of two (default: the larger of two numbers, else the later label in ordinal order ignoring case)" };

        var cell = new Option<string>("--cell") { Description = "Recurrent cell: lstm, gru or rnn", DefaultValueFactory = _ => "lstm" };
        cell.AcceptOnlyFromAmong("lstm", "gru", "rnn");
        var embed = new Option<int>("--embed") { Description = "Embedding size", DefaultValueFactory = _ => 32 };
        var hidden = new Option<int>("--hidden") { Description = "Recurrent hidden size", DefaultValueFactory = _ => 50 };
        var layers = new Option<int>("--layers") { Description = "Stacked recurrent layers", DefaultValueFactory = _ => 1 };
        var bidirectional = new Option<bool>("--bidirectional") { Description = "Read texts in both directions; fc1 reads both final states (default: off)", DefaultValueFactory = _ => false };
        var fc = new Option<int>("--fc") { Description = "Width of the hidden fully connected layer fc1", DefaultValueFactory = _ => 32 };
        var dropout = new Option<float>("--dropout") { Description = "Dropout on the recurrent features and between recurrent layers", DefaultValueFactory = _ => 0f };

        var epochs = new Option<int>("--epochs") { Description = "Passes over the training texts", DefaultValueFactory = _ => 10 };
        var batchSize = new Option<int>("--batch-size") { Description = "Texts per step", DefaultValueFactory = _ => 32 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => 0.003 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed (weights, validation split, batch order, dropout)", DefaultValueFactory = _ => 1UL };
        var valSplit = new Option<double>("--val-split") { Description = "Fraction of the training texts held out for validation; the best epoch on it is kept (0: none, keep the last)", DefaultValueFactory = _ => 0.0 };
        var maxLen = new Option<int?>("--max-len") { Description = "Keep only each text's first N tokens, in training and when the model is applied (default: whole texts)" };
        var bucket = new Option<bool>("--bucket") { Description = "Batch texts of similar length together (less padding, faster; batches still in random order) (default: off)", DefaultValueFactory = _ => false };
        var minFreq = new Option<int>("--min-freq") { Description = "Words seen fewer times in training become <unk>", DefaultValueFactory = _ => 1 };
        var maxVocab = new Option<int?>("--max-vocab") { Description = "Keep at most N words, most frequent first (default: all)" };
        var clip = new Option<double?>("--clip") { Description = "Clip the gradients' global norm to this value (default: no clipping)" };
        var padded = new Option<bool>("--padded", "--padded-lstm") { Description = "Run the recurrent layer on the engine's padded Recurrent layer instead of the packed fast path: the same model, slower; for comparison (default: off)", DefaultValueFactory = _ => false };
        var threads = ClassifyCommand.ThreadsOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the run's results on stdout (prose goes to stderr) (default: off)", DefaultValueFactory = _ => false };

        var command = new Command("train", "Train a classifier on labelled texts. Defaults are seed 002's model: Embedding 32 → LSTM 50 → Linear 32 → ReLU → Linear 1 → sigmoid, BCE, Adam 0.003, batch 32, 10 epochs; with more than two labels, Linear K → softmax, cross-entropy.");
        command.Add(data);
        command.Add(output);
        command.Add(force);
        layout.AddTo(command);
        command.Add(positive);
        foreach (var o in new Option[] { cell, embed, hidden, layers, bidirectional, fc, dropout, epochs, batchSize, lr, seed, valSplit, maxLen, bucket, minFreq, maxVocab, clip, padded, threads, json })
            command.Add(o);

        command.SetAction(parse =>
        {
            var reporter = new Reporter(parse.GetValue(json));
            var modelConfig = new ClassifierConfig
            {
                Cell = parse.GetValue(cell)!, Embed = parse.GetValue(embed), Hidden = parse.GetValue(hidden), Layers = parse.GetValue(layers),
                Bidirectional = parse.GetValue(bidirectional), Fc = parse.GetValue(fc), Dropout = parse.GetValue(dropout),
            };
            var trainConfig = new ClassifierTrainConfig
            {
                Epochs = parse.GetValue(epochs), BatchSize = parse.GetValue(batchSize), LearningRate = parse.GetValue(lr), Seed = parse.GetValue(seed),
                ValSplit = parse.GetValue(valSplit), MaxLen = parse.GetValue(maxLen), Bucket = parse.GetValue(bucket), MinFreq = parse.GetValue(minFreq),
                MaxVocab = parse.GetValue(maxVocab), Clip = parse.GetValue(clip), Padded = parse.GetValue(padded),
            };
            modelConfig.Validate();
            trainConfig.Validate();
            CommonOptions.UseThreads(parse.GetValue(threads));
            string runDir = parse.GetValue(output)!;
            string modelPath = Path.Combine(runDir, ClassifyCommand.ModelFileName);
            RequireApart(runDir, parse.GetValue(data)!);
            Cli.RequireRunDirectory(runDir, (parse.GetValue(data), "the data"));
            DirectoryLock.ThrowIfInUse(runDir);   // at once, not after reading the data
            Cli.RequireNoRunFiles(runDir, parse.GetValue(force), RunFiles);
            return Run(reporter, parse.GetValue(data)!, layout.Get(parse, parse.GetValue(data)!), parse.GetValue(positive), modelConfig, trainConfig, runDir, modelPath, parse.GetValue(force));
        });
        return command;
    }

    /// <summary>
    /// Refuses a run directory that would mix the run's files with its data (exit code 2): one inside a folder of
    /// class folders, or the folder itself, puts the model and plots among the texts (a class folder's files, or a
    /// class of their own, the next time it is read); a CSV may sit in the run directory, unless it is a file the
    /// run writes there (--force would overwrite it).
    /// </summary>
    static void RequireApart(string runDir, string data)
    {
        if (Directory.Exists(data))
        {
            string where = Paths.Same(runDir, data) ? "is the data folder" : Paths.Inside(runDir, data) ? $"is inside the data folder '{data}'" : "";
            Cli.RequireUsage(where == "", $"--output '{runDir}' {where}, whose sub-folders are read as classes, so the run would write among the texts it trains on; choose a directory outside it");
        }
        else Cli.RequireDataIsNoRunFile(data, runDir, RunFiles);
    }

    /// <summary>Every file a run writes in its directory: without --force, none may be there already.</summary>
    static readonly string[] RunFiles = [ClassifyCommand.ModelFileName, "history.csv", "loss.png", "loss.svg", "accuracy.png", "accuracy.svg"];

    static int Run(Reporter reporter, string dataPath, CsvLayout layout, string? positive, ClassifierConfig modelConfig, ClassifierTrainConfig trainConfig,
        string runDir, string modelPath, bool force)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var items = ClassifyCommand.LoadData(dataPath, layout);
        var training = ClassifierTraining.Prepare(items, modelConfig, trainConfig, positive, dataPath);
        var classifier = training.Classifier;
        string? created = null;
        DirectoryLock? held = null;   // the run directory's, from its creation to the last file written there
        StagedRun? staged = null;     // the run's files until they are put in place together, at the end or at a stop
        bool hadModel = File.Exists(modelPath), saved = false;
        // Ctrl-C is heard until the files are in place; after training, a first press lets the end finish.
        using var ctrlC = new CtrlC("recur: stopping after this batch");
        try
        {
            try
            {
                (held, created) = Cli.CreateLockedDirectory(runDir, "run directory", () => Cli.RequireNoRunFiles(runDir, force, RunFiles));
                staged = new StagedRun(runDir, RunFiles);
                reporter.Line($"data     {dataPath}: {items.Count:N0} texts read and tokenized in {clock.Elapsed.TotalSeconds:F1} s");
                reporter.Line($"labels   {classifier.Labels}");
                reporter.Line($"split    {training.TrainCount:N0} training, {training.ValCount:N0} validation; {training.TrainTokens:N0} training tokens " +
                    $"(mean {(double)training.TrainTokens / training.TrainCount:F1} per text)");
                reporter.Line($"vocab    {classifier.Vocab.Count:N0} ids (<pad> = 0, <unk> = 1, {classifier.Vocab.Count - 2:N0} words)");
                reporter.Line($"model    {classifier.Model.Config.ToJson()}, {classifier.Model.ParameterCount():N0} parameters");
                reporter.Line($"training {trainConfig.ToJson()}, {Workers.Count} thread{(Workers.Count == 1 ? "" : "s")}");

                foreach (var _ in Enumerable.Range(0, trainConfig.Epochs))
                {
                    ClassifierEpochReport report = null!;
                    reporter.WithProgress($"epoch {training.History.Count + 1}/{trainConfig.Epochs}", sink => report = training.RunEpoch(sink.Update, ctrlC.Token));
                    reporter.Line(Describe(report, trainConfig.Epochs));
                    if (report.Best)
                    {
                        classifier.Save(staged.PathOf(ClassifyCommand.ModelFileName), training.TrainingMetadata());
                        saved = true;
                    }
                    WriteHistory(staged.Folder, training.History);
                }
            }
            catch (OperationCanceledException) when (ctrlC.Pressed)
            {
                return Interrupted(reporter, training, staged!, modelPath, saved);
            }
            catch (TrainingDivergedException e)
            {
                // A run that saved an epoch keeps it, as a stop does (with its history and plots); one that saved
                // nothing leaves the directory as it was (a model already there, --force, stays).
                if (saved)
                {
                    TryPlot(reporter, staged!.Folder, training);
                    staged.Commit();
                }
                string kept = saved ? $"{PathText.Show(modelPath)} keeps the model of epoch {training.BestEpoch}"
                    : hadModel ? $"nothing was saved; {PathText.Show(modelPath)} is left as it was" : "no model was saved";
                throw new TrainingDivergedException($"{e.Message}; {kept}");
            }
            training.Finish();
            // The file holds the best epoch's weights; rewrite it so its history covers every epoch.
            classifier.Save(staged.PathOf(ClassifyCommand.ModelFileName), training.TrainingMetadata());
            TryPlot(reporter, staged.Folder, training);
            staged.Commit();
        }
        finally
        {
            // Any other failure, or a stop before an epoch was saved, leaves the directory as it was: the staged files
            // go, and so does a directory this run made (while it is still locked).
            staged?.Dispose();
            Cli.RemoveCreated(staged?.Committed == true ? null : created, runDir, held);
        }

        var last = training.History[^1];
        var best = training.History[training.BestEpoch - 1];
        reporter.Line(training.ValCount > 0
            ? $"kept epoch {best.Epoch} (validation accuracy {ClassifyCommand.Percent(best.ValAccuracy!.Value)}); saved {PathText.Show(modelPath)}"
            : $"saved {PathText.Show(modelPath)} (epoch {last.Epoch}); total {clock.Elapsed.TotalSeconds:F0} s");
        reporter.Result(new Dictionary<string, object?>
        {
            ["model"] = modelPath,
            ["best_epoch"] = training.BestEpoch,
            ["train_count"] = training.TrainCount,
            ["val_count"] = training.ValCount,
            ["vocab_size"] = classifier.Vocab.Count,
            ["labels"] = classifier.Labels.Names,
            ["epochs"] = training.History.Select(h => new Dictionary<string, object?>
            {
                ["epoch"] = h.Epoch, ["train_loss"] = h.TrainLoss, ["train_accuracy"] = h.TrainAccuracy, ["val_accuracy"] = h.ValAccuracy,
                ["seconds"] = h.Seconds, ["cpu_seconds"] = h.CpuSeconds, ["reviews_per_second"] = h.TextsPerSecond, ["tokens_per_second"] = h.TokensPerSecond,
            }).ToList(),
            ["seconds"] = clock.Elapsed.TotalSeconds,
        });
        return Cli.Ok;
    }

    /// <summary>
    /// Ctrl-C: the epoch under way is dropped. The model file holds the best finished epoch (its weights are not
    /// saved again: after a dropped epoch's first steps, the weights in memory are neither), history.csv every
    /// finished epoch; the plots are drawn and the files put in place. Before any model was saved, nothing is
    /// (the caller removes a directory this run made).
    /// </summary>
    static int Interrupted(Reporter reporter, ClassifierTraining training, StagedRun staged, string modelPath, bool saved)
    {
        int epoch = training.History.Count + 1;
        if (!saved)
        {
            Console.Error.WriteLine($"recur: interrupted in epoch {epoch}; nothing was saved");
            return Cli.Interrupted;
        }
        TryPlot(reporter, staged.Folder, training);
        staged.Commit();
        Console.Error.WriteLine($"recur: interrupted in epoch {epoch}; {modelPath} keeps the model of epoch {training.BestEpoch}");
        return Cli.Interrupted;
    }

    static string Describe(ClassifierEpochReport r, int epochs)
    {
        var sb = new StringBuilder($"epoch {r.Epoch}/{epochs}  train loss {r.TrainLoss:F4}  acc {r.TrainAccuracy:F4}");
        if (r.ValAccuracy is double v) sb.Append($"  val acc {v:F4}{(r.Best ? " *" : "  ")}");
        sb.Append($"  {r.Seconds:F1} s (cpu {r.CpuSeconds:F1} s)  {r.TextsPerSecond:N0} reviews/s  {r.TokensPerSecond:N0} tokens/s");
        sb.Append($"  (padding {100.0 * (r.PaddedTokens - r.Tokens) / r.PaddedTokens:F0} % of steps)");
        if (r.ValAccuracy != null) sb.Append($"  validation {r.ValSeconds:F1} s");
        return sb.ToString();
    }

    static void WriteHistory(string runDir, IReadOnlyList<ClassifierEpochReport> history)
    {
        var sb = new StringBuilder("epoch,train_loss,train_accuracy,val_accuracy,seconds,cpu_seconds,reviews_per_second,tokens_per_second\n");
        foreach (var h in history)
            sb.Append(string.Create(CultureInfo.InvariantCulture,
                $"{h.Epoch},{h.TrainLoss:R},{h.TrainAccuracy:R},{(h.ValAccuracy is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "")},{h.Seconds:F3},{h.CpuSeconds:F3},{h.TextsPerSecond:F1},{h.TokensPerSecond:F0}\n"));
        AtomicFile.WriteAllText(Path.Combine(runDir, "history.csv"), sb.ToString());
    }

    static void TryPlot(Reporter reporter, string runDir, ClassifierTraining training)
    {
        var history = training.History;
        double[] x = history.Select(h => (double)h.Epoch).ToArray();
        string loss = training.Classifier.Labels.Count == 2 ? "BCE loss" : "cross-entropy loss";
        Plots.Try(() =>
        {
            Plots.Lines(Path.Combine(runDir, "loss"), "Training loss", "epoch", loss,
                new Series("train", x, history.Select(h => h.TrainLoss).ToArray()));
            var val = history.Where(h => h.ValAccuracy != null).ToList();
            Plots.Lines(Path.Combine(runDir, "accuracy"), "Accuracy", "epoch", "accuracy",
                new Series("train", x, history.Select(h => h.TrainAccuracy).ToArray()),
                new Series("validation", val.Select(h => (double)h.Epoch).ToArray(), val.Select(h => h.ValAccuracy!.Value).ToArray()));
        }, reporter.Warn);
    }
}
