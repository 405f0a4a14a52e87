// `recur forecast`: seed 002's stock-price LSTM on any Yahoo-style daily OHLCV file. This file holds the
// parent command and what its subcommands share: dates, the MODEL argument (a run directory or a
// .safetensors file), reading a CSV into features, and the threads option.
using System.CommandLine;
using System.Globalization;
using System.Text;
using Recur.Cli.Output;
using Recur.Forecasting;
using Recur.IO;

namespace Recur.Cli.Commands;

static class ForecastCommand
{
    public const string ModelFileName = ModelFile.InRunDirectory;

    public static Command Create()
    {
        var command = new Command("forecast", "Predict an index's daily close from the past with an LSTM over engineered features (seed 002's stock-price model).");
        command.Add(ForecastTrain.Create());
        command.Add(ForecastEval.Create());
        command.Add(ForecastPredict.Create());
        command.Add(ForecastBaseline.Create());
        return command;
    }

    internal static Argument<string> CsvArgument() => new("CSV")
    {
        Description = "Daily bars, Yahoo-style: a header with Date,Open,High,Low,Close,Volume (Adj Close optional), dates ascending",
    };

    internal static Argument<string> ModelArgument() => new("MODEL")
    {
        Description = "A run directory from 'recur forecast train' or its model.safetensors",
    };

    internal static Option<string?> DateOption(string name, string description) => new(name) { Description = description };

    internal static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The date split and window length that train and baseline share (defaults: the seed's).</summary>
    internal sealed class SplitOptions(string windowDescription)
    {
        static readonly ForecastConfig Defaults = new();
        readonly Option<string?> trainStart = DateOption("--train-start", "First training day, yyyy-mm-dd (default: the first day with every feature)");
        readonly Option<string> trainEnd = new("--train-end") { Description = "Last training day (inclusive)", DefaultValueFactory = _ => Date(Defaults.TrainEnd) };
        readonly Option<string> testStart = new("--test-start") { Description = "First test day (inclusive)", DefaultValueFactory = _ => Date(Defaults.TestStart) };
        readonly Option<string> testEnd = new("--test-end") { Description = "Last test day (inclusive)", DefaultValueFactory = _ => Date(Defaults.TestEnd) };
        readonly Option<int> window = new("--window") { Description = windowDescription, DefaultValueFactory = _ => Defaults.Window };

        public void AddTo(Command command)
        {
            foreach (var o in new Option[] { trainStart, trainEnd, testStart, testEnd, window }) command.Add(o);
        }

        /// <summary><paramref name="config"/> with the split and window the command line gives.</summary>
        public ForecastConfig Apply(ParseResult parse, ForecastConfig config) => config with
        {
            TrainStart = ParseDate(parse.GetValue(trainStart), "--train-start"),
            TrainEnd = ParseDate(parse.GetValue(trainEnd), "--train-end")!.Value,
            TestStart = ParseDate(parse.GetValue(testStart), "--test-start")!.Value,
            TestEnd = ParseDate(parse.GetValue(testEnd), "--test-end")!.Value,
            Window = parse.GetValue(window),
        };
    }

    /// <summary>
    /// One thread by default: the seed's model is so small (batches of 128 × 16 units) that forking costs
    /// more than it saves; on a busy 2-core machine 2 threads made an epoch 6 times slower. An ensemble's
    /// models train up to this many at once (<paramref name="trains"/>: only `train` says so; eval and predict train
    /// nothing). Results are the same bits for any count.
    /// </summary>
    internal static Option<int> ThreadsOption(bool trains) => new("--threads")
    {
        Description = (trains ? "Threads for the kernels, and an --ensemble's models trained at once" : "Threads for the kernels") +
            " (the default model is too small to gain from more; results are identical for any count)",
        DefaultValueFactory = _ => 1,
    };

    /// <summary>A yyyy-mm-dd option value, or null when the option was not given.</summary>
    internal static DateOnly? ParseDate(string? text, string option)
    {
        if (text == null) return null;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return d;
        throw new CliError($"{option} '{text}' is not a date; write it as yyyy-mm-dd, e.g. 2023-01-01", usage: true);
    }

    /// <summary>The CSV's bars and features; errors name the file and line.</summary>
    internal static FeatureTable ReadFeatures(string csv)
    {
        Cli.ExistingFile(csv, "CSV");
        return StockFeatures.Compute(DailyBars.ReadCsv(csv));
    }

    /// <summary>A model file, or a run directory holding model.safetensors.</summary>
    internal static string ModelPath(string path) => ModelFile.Resolve(path, "recur forecast train");

    /// <summary>The windows MODEL is scored on: the given dates, else the test range saved with the model.</summary>
    internal static WindowSet Windows(Forecaster forecaster, FeatureTable table, DateOnly? from, DateOnly? to)
    {
        var f = from ?? forecaster.Config.TestStart;
        var t = to ?? forecaster.Config.TestEnd;
        // Name the dates as they came: one may be the model's own, which the user never typed.
        Cli.Require(f <= t, (from, to) switch
        {
            (null, _) => $"--test-end {t:yyyy-MM-dd} is before the model's test start {f:yyyy-MM-dd}; give an earlier --test-start too",
            (_, null) => $"--test-start {f:yyyy-MM-dd} is after the model's test end {t:yyyy-MM-dd}; give a later --test-end too",
            _ => $"--test-start {f:yyyy-MM-dd} is after --test-end {t:yyyy-MM-dd}",
        });
        return forecaster.Windows(table, f, t);
    }

    /// <summary>date,actual,predicted[,...] rows for every window (the date is its last day).</summary>
    internal static string PredictionCsv(WindowSet set, params (string Name, double[] Values)[] columns)
    {
        var sb = new StringBuilder("date,actual");
        foreach (var (name, _) in columns) sb.Append(',').Append(name);
        sb.Append('\n');
        for (int i = 0; i < set.Count; i++)
        {
            sb.Append(set.LabelDate(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(',').Append(Num(set.Label(i)));
            foreach (var (_, values) in columns) sb.Append(',').Append(Num(values[i]));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    /// <summary>An ensemble's models' predictions as columns model_1 ... model_K; none for one model.</summary>
    internal static (string Name, double[] Values)[] MemberColumns(double[][] each) =>
        each.Length > 1 ? [.. each.Select((values, k) => ($"model_{k + 1}", values))] : [];

    static string Num(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The metrics as the JSON keys the issue promises (r2, mse, mae, mape) plus the count.</summary>
    internal static Dictionary<string, object?> MetricsJson(RegressionMetrics m) => new()
    {
        ["r2"] = m.R2, ["mse"] = m.Mse, ["mae"] = m.Mae, ["mape"] = m.Mape, ["count"] = m.Count,
    };

    /// <summary>An ensemble's models' metrics, each with its seed (the "members" key of train's and eval's JSON).</summary>
    internal static List<Dictionary<string, object?>> MembersJson(IEnumerable<RegressionMetrics> each, ForecastConfig config) =>
        [.. each.Select((m, k) => new Dictionary<string, object?>(MetricsJson(m)) { ["seed"] = config.Member(k).Seed })];

    /// <summary>"1 day", "248 days".</summary>
    internal static string Days(int n) => $"{n:N0} day{(n == 1 ? "" : "s")}";

    /// <summary>An ensemble's models' R², each to 4 places; all are undefined or none (that depends on the actual closes alone).</summary>
    internal static string MembersR2(IReadOnlyList<RegressionMetrics> each) =>
        each[0].R2 == null ? RegressionMetrics.R2Undefined : string.Join(", ", each.Select(m => m.R2Text));

    internal static string Range(WindowSet set) => $"{set.LabelDate(0):yyyy-MM-dd} to {set.LabelDate(set.Count - 1):yyyy-MM-dd}";

    /// <summary>Actual and predicted closes against calendar days since the first predicted day.</summary>
    internal static void PlotPrediction(Reporter reporter, string basePath, string title, WindowSet set, params (string Name, double[] Values)[] predictions)
    {
        var first = set.LabelDate(0);
        double[] x = Enumerable.Range(0, set.Count).Select(i => (double)(set.LabelDate(i).DayNumber - first.DayNumber)).ToArray();
        var series = new List<Series> { new("actual", x, Enumerable.Range(0, set.Count).Select(set.Label).ToArray()) };
        foreach (var (name, values) in predictions) series.Add(new Series(name, x, values));
        Plots.Try(() => Plots.Lines(basePath, title, $"days since {first:yyyy-MM-dd}", "close", [.. series]), reporter.Warn);
    }

    internal static void WriteText(string path, string text) => AtomicFile.WriteAllText(path, text);

    /// <summary>
    /// Runs <paramref name="body"/> after creating <paramref name="dir"/> if missing. When the body fails, or
    /// stops at Ctrl-C (through its token, and then this returns <see cref="Cli.Interrupted"/>), a directory
    /// this made is removed with what the body wrote in it; an existing one is left to the body's atomic writes.
    /// </summary>
    internal static int WithOutputDirectory(string dir, string what, Func<CancellationToken, int> body)
    {
        using var ctrlC = new CtrlC();   // listening before the directory exists: a press in between cannot leave it behind
        string? created = Cli.CreateOutputDirectory(dir, what);
        try { return body(ctrlC.Token); }
        catch (OperationCanceledException) when (ctrlC.Pressed)
        {
            Cli.RemoveCreated(created, dir);
            Console.Error.WriteLine("recur: interrupted; nothing was saved");
            return Cli.Interrupted;
        }
        catch
        {
            Cli.RemoveCreated(created, dir);
            throw;
        }
    }
}
