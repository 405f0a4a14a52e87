// `recur forecast predict MODEL CSV [-o FILE]`: a CSV of date, actual, predicted (an ensemble's mean, then
// each model's as model_1 ... model_K) for every day of a date range (default: the model's test range) that
// ends a full window; optionally a plot beside it.
using System.CommandLine;
using Recur.Cli.Output;
using Recur.Forecasting;

namespace Recur.Cli.Commands;

static class ForecastPredict
{
    public static Command Create()
    {
        var model = ForecastCommand.ModelArgument();
        var csv = ForecastCommand.CsvArgument();
        var output = new Option<string?>("--output", "-o") { Description = "Write the CSV to this file (its folder is created if missing) and a plot beside it (same name, .png and .svg) instead of to stdout" };
        var testStart = ForecastCommand.DateOption("--test-start", "First day to predict, yyyy-mm-dd (default: the model's test start; the first window-1 days only feed the first window)");
        var testEnd = ForecastCommand.DateOption("--test-end", "Last day to predict (default: the model's test end)");
        var threads = ForecastCommand.ThreadsOption(trains: false);

        var command = new Command("predict", "Predict the close of every day in the test range: a CSV of date, actual, predicted.");
        command.Add(model);
        command.Add(csv);
        foreach (var o in new Option[] { output, testStart, testEnd, threads }) command.Add(o);
        command.SetAction(parse =>
        {
            CommonOptions.UseThreads(parse.GetValue(threads));
            string path = ForecastCommand.ModelPath(parse.GetValue(model)!);
            string csvPath = parse.GetValue(csv)!;
            string? file = parse.GetValue(output);
            if (file != null) CheckOutput(file, csvPath, path);
            var forecaster = Forecaster.Load(path);
            var table = ForecastCommand.ReadFeatures(csvPath);
            var set = ForecastCommand.Windows(forecaster, table,
                ForecastCommand.ParseDate(parse.GetValue(testStart), "--test-start"), ForecastCommand.ParseDate(parse.GetValue(testEnd), "--test-end"));
            var each = forecaster.PredictMembers(set);
            var predicted = Forecaster.Mean(each);
            string text = ForecastCommand.PredictionCsv(set, [("predicted", predicted), .. ForecastCommand.MemberColumns(each)]);
            if (file == null)
            {
                Console.Out.Write(text);
                return Cli.Ok;
            }
            var reporter = new Reporter(json: false);
            string plot = PlotBase(file);
            int code = ForecastCommand.WithOutputDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!, "--output's directory", _ =>
            {
                ForecastCommand.WriteText(file, text);
                ForecastCommand.PlotPrediction(reporter, plot, $"{Path.GetFileNameWithoutExtension(csvPath)}: {ForecastCommand.Range(set)}", set, ("predicted", predicted));
                return Cli.Ok;
            });
            // Said once the files are written, outside: a stdout that fails then must not remove them with the folder.
            if (code == Cli.Ok) reporter.Line($"wrote {IO.PathText.Show(file)} ({ForecastCommand.Days(set.Count)}) and {IO.PathText.Show(plot)}.png/.svg");
            return code;
        });
        return command;
    }

    /// <summary>The plot's path without extension: FILE's name without its extension, beside it (relative if FILE is).</summary>
    static string PlotBase(string file) => Path.Combine(Path.GetDirectoryName(file) ?? "", Path.GetFileNameWithoutExtension(file));

    /// <summary>
    /// Refuses an output that would replace anything but an earlier predictions CSV: the input CSV, the
    /// model, any .safetensors file, a directory, or an existing file whose first line is not
    /// date,actual,...; the plot beside it (.png, .svg) may not land on the CSV or the inputs either.
    /// </summary>
    static void CheckOutput(string file, string csv, string modelPath)
    {
        Cli.Require(Path.GetDirectoryName(Path.GetFullPath(file)) != null,
            $"--output '{file}' names a Windows device (CON, NUL, AUX ...), not a file; give a file name such as predictions.csv");
        // Compared through symbolic links: the input CSV may be a link to the output.
        string target = Paths.Real(file), plot = Path.GetFullPath(PlotBase(file));
        Cli.Require(!Directory.Exists(target), $"--output '{file}' is a directory; give a file name such as predictions.csv");
        foreach (var (input, what) in new[] { (csv, "the input CSV"), (modelPath, "the model file") })
        {
            Cli.Require(!Paths.Same(target, input), $"--output '{file}' is {what}, which predict would replace; give another file name such as predictions.csv");
            foreach (var ext in new[] { ".png", ".svg" })
                Cli.Require(!Paths.Same(plot + ext, input), $"the plot '{plot}{ext}' that --output '{file}' puts beside it would replace {what}; give another file name");
        }
        Cli.Require(!target.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase),
            $"--output '{file}' names a model file (.safetensors); predictions are CSV text: give a file name such as predictions.csv");
        foreach (var ext in new[] { ".png", ".svg" })
            Cli.Require(!Paths.Same(target, plot + ext), $"--output '{file}' would be replaced by its own plot ({ext}); give a file name ending in .csv");
        // An earlier run's plots sit beside its predictions CSV; plots of that name without one are someone else's files.
        foreach (var ext in new[] { ".png", ".svg" })
            Cli.Require(File.Exists(target) || !File.Exists(plot + ext),
                $"--output '{file}' would replace '{plot}{ext}', which no earlier predictions wrote; give another file name or remove it first");
        Cli.Require(!File.Exists(target) || IsPredictions(target),
            $"--output '{file}' exists and is not a predictions CSV (its first line is not date,actual,...); give another file name or remove it first");
    }

    /// <summary>True for an empty file or one that starts as <see cref="ForecastCommand.PredictionCsv"/> writes it.</summary>
    static bool IsPredictions(string path)
    {
        const string Header = "date,actual";
        var start = new byte[Header.Length];
        try
        {
            using var stream = File.OpenRead(path);
            int n = stream.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
            return n == 0 || (n == start.Length && System.Text.Encoding.ASCII.GetString(start) == Header);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
