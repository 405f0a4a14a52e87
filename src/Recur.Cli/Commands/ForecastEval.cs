// `recur forecast eval MODEL CSV [--json]`: R², MSE, MAE and MAPE of a trained forecaster over a date
// range of any daily CSV (default: the test range saved with the model). The features are scaled with
// the model's own scaler, so a model can be scored on another index's file.
using System.CommandLine;
using Recur.Cli.Output;
using Recur.Forecasting;

namespace Recur.Cli.Commands;

static class ForecastEval
{
    public static Command Create()
    {
        var model = ForecastCommand.ModelArgument();
        var csv = ForecastCommand.CsvArgument();
        var testStart = ForecastCommand.DateOption("--test-start", "First day to score, yyyy-mm-dd (default: the model's test start)");
        var testEnd = ForecastCommand.DateOption("--test-end", "Last day to score (default: the model's test end)");
        var json = new Option<bool>("--json") { Description = "Print one JSON object with keys r2, mse, mae, mape (a fraction), count on stdout", DefaultValueFactory = _ => false };
        var threads = ForecastCommand.ThreadsOption(trains: false);

        var command = new Command("eval", "Score a forecaster's predicted closes: R², MSE, MAE and MAPE over the test range.");
        command.Add(model);
        command.Add(csv);
        foreach (var o in new Option[] { testStart, testEnd, json, threads }) command.Add(o);
        command.SetAction(parse =>
        {
            CommonOptions.UseThreads(parse.GetValue(threads));
            var reporter = new Reporter(parse.GetValue(json));
            string path = ForecastCommand.ModelPath(parse.GetValue(model)!);
            var forecaster = Forecaster.Load(path);
            var table = ForecastCommand.ReadFeatures(parse.GetValue(csv)!);
            var set = ForecastCommand.Windows(forecaster, table,
                ForecastCommand.ParseDate(parse.GetValue(testStart), "--test-start"), ForecastCommand.ParseDate(parse.GetValue(testEnd), "--test-end"));
            var actual = Enumerable.Range(0, set.Count).Select(set.Label).ToArray();
            var each = forecaster.PredictMembers(set);
            var predicted = Forecaster.Mean(each);
            var metrics = RegressionMetrics.Compute(actual, predicted);
            string models = forecaster.Members.Count > 1 ? $"; the mean of {forecaster.Members.Count} models" : "";
            reporter.Line($"{Path.GetFileName(parse.GetValue(csv))}, {ForecastCommand.Range(set)} ({ForecastCommand.Days(set.Count)} predicted from windows of {set.Window}{models}):");
            reporter.Line($"R²   {metrics.R2Text}");
            reporter.Line($"MSE  {metrics.Mse:F2}");
            reporter.Line($"MAE  {metrics.Mae:F2}");
            reporter.Line($"MAPE {metrics.Mape * 100:F3} %");
            var result = ForecastCommand.MetricsJson(metrics);
            if (forecaster.Members.Count > 1)
            {
                var members = each.Select(p => RegressionMetrics.Compute(actual, p)).ToArray();
                reporter.Line($"each model's R² {ForecastCommand.MembersR2(members)}");
                result["members"] = ForecastCommand.MembersJson(members, forecaster.Config);
            }
            reporter.Result(result);
            return Cli.Ok;
        });
        return command;
    }
}
