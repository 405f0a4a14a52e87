// `recur forecast baseline CSV [--json]`: the linear-regression baseline alone (least squares on the
// scaled features of each window's last day), on the same split and windows `train` uses; it takes
// a fraction of a second, so the comparison needs no trained model.
using System.CommandLine;
using Recur.Cli.Output;
using Recur.Forecasting;

namespace Recur.Cli.Commands;

static class ForecastBaseline
{
    public static Command Create()
    {
        var csv = ForecastCommand.CsvArgument();
        var split = new ForecastCommand.SplitOptions("Window length: the baseline predicts the same days as a model with this window");
        var json = new Option<bool>("--json") { Description = "Print one JSON object with keys r2, mse, mae, mape, count on stdout", DefaultValueFactory = _ => false };

        var command = new Command("baseline", "Fit and score the linear-regression baseline (least squares on the last day's 37 scaled features) on train's split.");
        command.Add(csv);
        split.AddTo(command);
        command.Add(json);
        command.SetAction(parse =>
        {
            var config = split.Apply(parse, new ForecastConfig());
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
}
