// `recur forecast baseline CSV [--json]`: the linear-regression baseline alone (least squares on the
// scaled features of each window's last day), on the same split and windows `train` uses; it takes
// a fraction of a second, so the comparison needs no trained model.
using System.CommandLine;
using System.Globalization;
using Recur.Cli.Output;
using Recur.Forecasting;

namespace Recur.Cli.Commands;

static class ForecastBaseline
{
    public static Command Create()
    {
        var d = new ForecastConfig();
        var csv = ForecastCommand.CsvArgument();
        var trainStart = ForecastCommand.DateOption("--train-start", "First training day, yyyy-mm-dd (default: the first day with every feature)");
        var trainEnd = new Option<string>("--train-end") { Description = "Last training day (inclusive)", DefaultValueFactory = _ => Date(d.TrainEnd) };
        var testStart = new Option<string>("--test-start") { Description = "First test day (inclusive)", DefaultValueFactory = _ => Date(d.TestStart) };
        var testEnd = new Option<string>("--test-end") { Description = "Last test day (inclusive)", DefaultValueFactory = _ => Date(d.TestEnd) };
        var window = new Option<int>("--window") { Description = "Window length: the baseline predicts the same days as a model with this window", DefaultValueFactory = _ => d.Window };
        var json = new Option<bool>("--json") { Description = "Print one JSON object with keys r2, mse, mae, mape, count on stdout", DefaultValueFactory = _ => false };

        var command = new Command("baseline", "Fit and score the linear-regression baseline (least squares on the last day's 37 scaled features) on train's split.");
        command.Add(csv);
        foreach (var o in new Option[] { trainStart, trainEnd, testStart, testEnd, window, json }) command.Add(o);
        command.SetAction(parse =>
        {
            var config = new ForecastConfig
            {
                TrainStart = ForecastCommand.ParseDate(parse.GetValue(trainStart), "--train-start"),
                TrainEnd = ForecastCommand.ParseDate(parse.GetValue(trainEnd), "--train-end")!.Value,
                TestStart = ForecastCommand.ParseDate(parse.GetValue(testStart), "--test-start")!.Value,
                TestEnd = ForecastCommand.ParseDate(parse.GetValue(testEnd), "--test-end")!.Value,
                Window = parse.GetValue(window),
            };
            config.Validate();
            var reporter = new Reporter(parse.GetValue(json));
            var table = ForecastCommand.ReadFeatures(parse.GetValue(csv)!);
            var forecaster = Forecaster.Create(config with { Epochs = 0 }, table);
            var train = forecaster.TrainWindows(table);
            var test = forecaster.Windows(table);
            var baseline = LinearBaseline.Fit(train);
            var predicted = baseline.Predict(test);
            var metrics = RegressionMetrics.Compute(Enumerable.Range(0, test.Count).Select(test.Label).ToArray(), predicted);
            reporter.Line($"linear baseline, trained on {train.Count:N0} days ({train.LabelDate(0):yyyy-MM-dd} to {train.LabelDate(train.Count - 1):yyyy-MM-dd}), " +
                $"tested on {ForecastCommand.Range(test)}: {metrics}");
            reporter.Result(ForecastCommand.MetricsJson(metrics));
            return Cli.Ok;
        });
        return command;
    }

    static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
