// `recur forecast train CSV -o RUN_DIR`: computes the features, fits the scaler on the training range,
// trains the model and writes RUN_DIR/model.safetensors, loss.csv, predictions.csv (test range),
// metrics.json, and the plots prediction.{png,svg} and loss.{png,svg}, put in place together at the end
// (StagedRun); without --force, a directory already holding any of them is refused, and the CSV may not be
// one of them. The test range is scored at the end, beside a linear-regression baseline fit on the same
// training days. With --ensemble K,
// K models (seeds --seed, --seed + 1, ...) are trained, up to --threads at a time, and the forecast is
// their mean.
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Recur.Cli.Output;
using Recur.Forecasting;

namespace Recur.Cli.Commands;

static class ForecastTrain
{
    public static Command Create()
    {
        var d = new ForecastConfig();
        var csv = ForecastCommand.CsvArgument();
        var output = new Option<string>("--output", "-o") { Description = "Run directory for model.safetensors, loss.csv, predictions.csv, metrics.json and plots (created if missing)", Required = true };
        var force = new Option<bool>("--force") { Description = "Overwrite a run already in the run directory: its model, CSV and JSON files and plots", DefaultValueFactory = _ => false };

        var split = new ForecastCommand.SplitOptions("Consecutive days per input sequence; the label is the close of the last one");
        var scaleTarget = new Option<bool>("--scale-target") { Description = "Standardise the close too (mean and std of the training range); the seed does not", DefaultValueFactory = _ => false };

        var cell = new Option<string>("--cell") { Description = "Recurrent cell: lstm, gru or rnn (tanh)", DefaultValueFactory = _ => "lstm" };
        cell.AcceptOnlyFromAmong("lstm", "gru", "rnn");
        var hidden = new Option<int>("--hidden") { Description = "Hidden size of each recurrent layer", DefaultValueFactory = _ => d.Hidden };
        var layers = new Option<int>("--layers") { Description = "Stacked recurrent layers", DefaultValueFactory = _ => d.Layers };
        var fcHidden = new Option<int>("--fc-hidden") { Description = "Width of fc1, between the recurrent layers and the output", DefaultValueFactory = _ => d.FcHidden };
        var dropout = new Option<float>("--dropout") { Description = "Dropout between recurrent layers (training only)", DefaultValueFactory = _ => d.Dropout };

        var epochs = new Option<int>("--epochs") { Description = "Passes over the training windows", DefaultValueFactory = _ => d.Epochs };
        var batchSize = new Option<int>("--batch-size") { Description = "Windows per Adam step (shuffled every epoch)", DefaultValueFactory = _ => d.BatchSize };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate", DefaultValueFactory = _ => d.LearningRate };
        var seed = new Option<ulong>("--seed") { Description = "Random seed (initial weights, batch order, dropout)", DefaultValueFactory = _ => d.Seed };
        var ensemble = new Option<int>("--ensemble") { Description = "Train this many models, seeds --seed, --seed + 1, ..., and forecast their mean (K times the training time)", DefaultValueFactory = _ => d.Ensemble };
        var logEvery = new Option<int>("--log-every") { Description = "Print the loss at epoch 1 and every N epochs after (0: never)", DefaultValueFactory = _ => 100 };
        var threads = ForecastCommand.ThreadsOption(trains: true);
        var json = new Option<bool>("--json") { Description = "Print one JSON object with the run's results on stdout (prose goes to stderr)", DefaultValueFactory = _ => false };

        var command = new Command("train", "Train a forecaster. Defaults are seed 002's: 37 features, windows of 5 days, 2-layer LSTM 16 → Linear 16 → ReLU → Linear 1, " +
            "MSE, Adam 0.01, batch 128, 1000 epochs; train up to 2022-12-31, test 2023-01-01 to 2023-06-30.");
        command.Add(csv);
        command.Add(output);
        command.Add(force);
        split.AddTo(command);
        foreach (var o in new Option[] { scaleTarget, cell, hidden, layers, fcHidden, dropout, epochs, batchSize, lr, seed, ensemble, logEvery, threads, json })
            command.Add(o);

        command.SetAction(parse =>
        {
            var config = split.Apply(parse, new ForecastConfig
            {
                ScaleTarget = parse.GetValue(scaleTarget),
                Cell = parse.GetValue(cell) switch { "gru" => CellKind.Gru, "rnn" => CellKind.Rnn, _ => CellKind.Lstm },
                Hidden = parse.GetValue(hidden),
                Layers = parse.GetValue(layers),
                FcHidden = parse.GetValue(fcHidden),
                Dropout = parse.GetValue(dropout),
                Epochs = parse.GetValue(epochs),
                BatchSize = parse.GetValue(batchSize),
                LearningRate = parse.GetValue(lr),
                Seed = parse.GetValue(seed),
                Ensemble = parse.GetValue(ensemble),
            });
            config.Validate();
            var reporter = new Reporter(parse.GetValue(json));
            // As nn.LSTM's dropout=, it sits between recurrent layers: one layer has nowhere to put it (PyTorch warns too).
            if (config.Dropout > 0 && config.Layers == 1)
                reporter.Warn($"--dropout {config.Dropout.ToString(CultureInfo.InvariantCulture)} has no effect with --layers 1: it acts between recurrent layers");
            int every = parse.GetValue(logEvery);
            Cli.Require(every >= 0, $"--log-every {every} must not be negative");
            CommonOptions.UseThreads(parse.GetValue(threads));
            string runDir = parse.GetValue(output)!;
            Cli.RequireRunDirectory(runDir, (parse.GetValue(csv), "the CSV"));
            Cli.RequireDataIsNoRunFile(parse.GetValue(csv)!, runDir, RunFiles);
            Recur.IO.DirectoryLock.ThrowIfInUse(runDir);   // at once, not after reading the data
            bool overwrite = parse.GetValue(force);
            Cli.RequireNoRunFiles(runDir, overwrite, RunFiles);
            return Run(reporter, parse.GetValue(csv)!, config, runDir, every, overwrite);
        });
        return command;
    }

    /// <summary>Every file a run writes in its directory: without --force, none may be there already.</summary>
    static readonly string[] RunFiles = [ForecastCommand.ModelFileName, "loss.csv", "predictions.csv", "metrics.json", "prediction.png", "prediction.svg", "loss.png", "loss.svg"];

    static int Run(Reporter reporter, string csv, ForecastConfig config, string runDir, int logEvery, bool force)
    {
        var table = ForecastCommand.ReadFeatures(csv);
        var forecaster = Forecaster.Create(config, table);
        var train = forecaster.TrainWindows(table);
        var test = forecaster.Windows(table);
        // Whatever can refuse the run is checked before the run directory is made and before any epoch:
        // the baseline fit at the end needs a window per coefficient, and a batch must fit in memory.
        LinearBaseline.RequireEnough(train);
        ForecastTrainer.Check(forecaster, train);
        // The files are written once training has succeeded (replacing an old run: into a staging folder, put in
        // place together; StagedRun): a run that fails or is interrupted before then leaves an existing directory (--force) as it
        // was, and removes one it made; once they are in place, a later failure (printing the summary) keeps them.
        // The directory is locked from before training to the last file, so that no other process trains there meanwhile.
        using var ctrlC = new CtrlC();   // listening before the directory exists: a press in between cannot leave it behind
        var (held, created) = Cli.CreateLockedDirectory(runDir, "run directory", () => Cli.RequireNoRunFiles(runDir, force, RunFiles));
        StagedRun? staged = null;
        try
        {
            staged = new StagedRun(runDir, RunFiles);
            return Train(reporter, csv, table, forecaster, train, test, runDir, staged, logEvery, ctrlC.Token);
        }
        catch (OperationCanceledException) when (ctrlC.Pressed && staged?.Committed != true)
        {
            Console.Error.WriteLine("recur: interrupted; nothing was saved");
            return Cli.Interrupted;
        }
        finally
        {
            staged?.Dispose();
            Cli.RemoveCreated(staged?.Committed == true ? null : created, runDir, held);
        }
    }

    static int Train(Reporter reporter, string csv, FeatureTable table, Forecaster forecaster, WindowSet train, WindowSet test, string runDir, StagedRun staged,
        int logEvery, CancellationToken cancel)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var config = forecaster.Config;
        string modelPath = Path.Combine(runDir, ForecastCommand.ModelFileName);   // as the summary names it, once in place
        reporter.Line($"data     {csv}: {table.Count:N0} days with all {table.FeatureCount} features, {table.Dates[0]:yyyy-MM-dd} to {table.Dates[^1]:yyyy-MM-dd}");
        reporter.Line($"split    train {train.Rows:N0} days ({train.Dates[0]:yyyy-MM-dd} to {train.Dates[^1]:yyyy-MM-dd}) → {train.Count:N0} windows of {config.Window}; " +
            $"test {ForecastCommand.Days(test.Rows)} → {test.Count:N0} window{(test.Count == 1 ? "" : "s")} ({ForecastCommand.Range(test)})");
        reporter.Line($"config   {config.ToJson()}");
        string models = config.Ensemble == 1 ? "" : $" × {config.Ensemble} models (seeds {config.Seed} to {config.Member(config.Ensemble - 1).Seed}), forecasting their mean";
        reporter.Line($"model    {forecaster.Model.ParameterCount():N0} parameters{models}; {Workers.Count} thread{(Workers.Count == 1 ? "" : "s")}");
        if (train.Count < config.BatchSize && config.Epochs > 0)
            reporter.Warn($"the {train.Count:N0} training windows are fewer than --batch-size {config.BatchSize}, so each epoch is one Adam step on all of them");

        double[] losses = [];
        var memberLosses = new double[config.Ensemble][];   // (K, epochs): each member's epoch losses
        for (int k = 0; k < memberLosses.Length; k++) memberLosses[k] = new double[config.Epochs];
        if (config.Epochs > 0)
            reporter.WithProgress("train", sink =>
            {
                long done = 0;   // epochs finished by all members (the trainer reports one at a time)
                losses = ForecastTrainer.Train(forecaster, train, r =>
                {
                    memberLosses[r.Member][r.Epoch - 1] = r.Loss;
                    string model = r.Members > 1 ? $"model {r.Member + 1}/{r.Members} " : "";
                    sink.Update((double)++done / ((long)r.Epochs * r.Members), $"{model}epoch {r.Epoch}/{r.Epochs} loss {r.Loss:F4}");
                    if (logEvery > 0 && (r.Epoch == 1 || (r.Epoch - 1) % logEvery == 0 || r.Epoch == r.Epochs))
                        sink.Line($"{(r.Members > 1 ? $"[model {r.Member + 1}/{r.Members}] " : "")}Epoch {r.Epoch} - loss: {r.Loss:F4}  ({r.Elapsed.TotalSeconds:F1} s)");
                }, cancel);
            });
        double trainSeconds = clock.Elapsed.TotalSeconds;

        var each = forecaster.PredictMembers(test);
        var predicted = Forecaster.Mean(each);
        var actual = Enumerable.Range(0, test.Count).Select(test.Label).ToArray();
        var metrics = RegressionMetrics.Compute(actual, predicted);
        var memberMetrics = each.Select(p => RegressionMetrics.Compute(actual, p)).ToArray();
        var baseline = LinearBaseline.Fit(train);
        var baselinePredicted = baseline.Predict(test);
        var baselineMetrics = RegressionMetrics.Compute(actual, baselinePredicted);

        var extra = new Dictionary<string, string>
        {
            ["source"] = Path.GetFileName(csv),
            ["train_days"] = $"{train.Dates[0]:yyyy-MM-dd}..{train.Dates[^1]:yyyy-MM-dd}",
            ["final_loss"] = losses.Length > 0 ? losses[^1].ToString("R", CultureInfo.InvariantCulture) : "",
            ["test_r2"] = metrics.R2?.ToString("R", CultureInfo.InvariantCulture) ?? "",
        };
        forecaster.Save(staged.PathOf(ForecastCommand.ModelFileName), extra);
        WriteLosses(staged.PathOf("loss.csv"), losses, config.Ensemble > 1 ? memberLosses : []);
        ForecastCommand.WriteText(staged.PathOf("predictions.csv"), ForecastCommand.PredictionCsv(test,
            [("predicted", predicted), ("linear_baseline", baselinePredicted), .. ForecastCommand.MemberColumns(each)]));
        var result = new Dictionary<string, object?>
        {
            ["model"] = modelPath,
            ["test"] = ForecastCommand.MetricsJson(metrics),
            ["linear_baseline"] = ForecastCommand.MetricsJson(baselineMetrics),
            ["final_loss"] = losses.Length > 0 ? losses[^1] : null,
            ["train_windows"] = train.Count,
            ["test_windows"] = test.Count,
            ["train_seconds"] = trainSeconds,
            ["config"] = JsonDocument.Parse(config.ToJson()).RootElement,
        };
        if (config.Ensemble > 1)
            result["members"] = ForecastCommand.MembersJson(memberMetrics, config);
        ForecastCommand.WriteText(staged.PathOf("metrics.json"), JsonSerializer.Serialize(result, new JsonSerializerOptions(Reporter.JsonOptions) { WriteIndented = true }) + "\n");
        string cellName = config.Cell.ToString().ToUpperInvariant() + (config.Ensemble > 1 ? $" ×{config.Ensemble}" : "");
        static string R2(RegressionMetrics m) => m.R2 is double r ? $"{r:F3}" : "undefined";
        ForecastCommand.PlotPrediction(reporter, staged.PathOf("prediction"), $"{Path.GetFileNameWithoutExtension(csv)}: test range, {cellName} R² {R2(metrics)}",
            test, ($"{cellName} (R² {R2(metrics)})", predicted), ($"linear (R² {R2(baselineMetrics)})", baselinePredicted));
        if (losses.Length > 0)
            Plots.Try(() => Plots.Lines(staged.PathOf("loss"), "Training loss", "epoch", "log10 of the training MSE",
                new Series("train", Enumerable.Range(1, losses.Length).Select(e => (double)e).ToArray(), losses.Select(Math.Log10).ToArray())), reporter.Warn);
        staged.Commit();

        if (config.Ensemble > 1)
        {
            string median = metrics.R2 == null ? "" : $" (median {Median(memberMetrics.Select(m => m.R2!.Value).ToArray()):F4})";
            reporter.Line($"models   R² {ForecastCommand.MembersR2(memberMetrics)}{median}; the test line is their mean forecast");
        }
        reporter.Line($"test     {metrics}");
        reporter.Line($"linear   {baselineMetrics} (least squares on the last day's scaled features)");
        reporter.Line($"saved    {IO.PathText.Show(modelPath)}; training took {trainSeconds:F1} s");
        reporter.Result(result);
        return Cli.Ok;
    }

    /// <summary>epoch,loss rows; an ensemble adds each model's loss (model_1 ... model_K) after the mean.</summary>
    static void WriteLosses(string path, double[] losses, double[][] members)
    {
        var sb = new StringBuilder("epoch,loss");
        for (int k = 0; k < members.Length; k++) sb.Append(CultureInfo.InvariantCulture, $",model_{k + 1}");
        sb.Append('\n');
        for (int i = 0; i < losses.Length; i++)
        {
            sb.Append(string.Create(CultureInfo.InvariantCulture, $"{i + 1},{losses[i]:R}"));
            foreach (var m in members) sb.Append(string.Create(CultureInfo.InvariantCulture, $",{m[i]:R}"));
            sb.Append('\n');
        }
        ForecastCommand.WriteText(path, sb.ToString());
    }

    static double Median(double[] values)
    {
        var v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
