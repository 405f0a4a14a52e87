// `recur forecast predict MODEL CSV [-o FILE]`: a CSV of date, actual, predicted for every day of a
// date range (default: the model's test range) that ends a full window; optionally a plot beside it.
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
        var threads = ForecastCommand.ThreadsOption();

        var command = new Command("predict", "Predict the close of every day in the test range: a CSV of date, actual, predicted.");
        command.Add(model);
        command.Add(csv);
        foreach (var o in new Option[] { output, testStart, testEnd, threads }) command.Add(o);
        command.SetAction(parse =>
        {
            ForecastCommand.ApplyThreads(parse.GetValue(threads));
            string path = ForecastCommand.ModelPath(parse.GetValue(model)!);
            var forecaster = Forecaster.Load(path);
            var table = ForecastCommand.ReadFeatures(parse.GetValue(csv)!);
            var set = ForecastCommand.Windows(forecaster, table,
                ForecastCommand.ParseDate(parse.GetValue(testStart), "--test-start"), ForecastCommand.ParseDate(parse.GetValue(testEnd), "--test-end"));
            var predicted = forecaster.Predict(set);
            string text = ForecastCommand.PredictionCsv(set, ("predicted", predicted));
            string? file = parse.GetValue(output);
            if (file == null)
            {
                Console.Out.Write(text);
                return Cli.Ok;
            }
            Cli.Require(!Directory.Exists(file), $"--output '{file}' is a directory; give a file name such as predictions.csv");
            Cli.OutputDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!, "--output's directory");
            ForecastCommand.WriteText(file, text);
            var reporter = new Reporter(json: false);
            string plot = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(file))!, Path.GetFileNameWithoutExtension(file));
            ForecastCommand.PlotPrediction(reporter, plot, $"{Path.GetFileNameWithoutExtension(parse.GetValue(csv))}: {ForecastCommand.Range(set)}", set, ("predicted", predicted));
            reporter.Line($"wrote {file} ({set.Count} days) and {plot}.png/.svg");
            return Cli.Ok;
        });
        return command;
    }
}
