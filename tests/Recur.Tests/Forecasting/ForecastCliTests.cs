// `recur forecast` end to end, running the built recur.dll (it is copied beside the tests): a short
// train writes the run directory, eval --json gives r2/mse/mae/mape, predict gives date,actual,predicted
// from a run directory or the .safetensors file, --help lists every option's default, and bad input
// is one "recur: error:" line naming the line of the file and exit code 1.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Recur.Tests.IO;
using Recur.Tests.Support;

namespace Recur.Tests.Forecasting;

public class ForecastCliTests
{
    static (int Code, string Out, string Err) Recur(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "recur.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["CI"] = "true";
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void TrainEvalPredictOnTheWalk()
    {
        using var dir = new TempDir();
        string csv = ForecastTestData.Write(dir.Path, "walk.csv", ForecastTestData.WalkLines(600));
        string run = dir.File("run");
        var train = Recur("forecast", "train", csv, "-o", run, "--epochs", "3", "--batch-size", "32", "--hidden", "8", "--scale-target",
            "--train-end", "2001-12-31", "--test-start", "2002-01-01", "--test-end", "2002-04-30", "--log-every", "1", "--json");
        Assert.True(train.Code == 0, train.Err);
        var result = JsonDocument.Parse(train.Out).RootElement;
        Assert.Contains("Epoch 1 - loss:", train.Err);
        Assert.Contains("Epoch 3 - loss:", train.Err);
        foreach (var file in new[] { "model.safetensors", "loss.csv", "predictions.csv", "metrics.json", "prediction.png", "prediction.svg", "loss.png", "loss.svg" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} missing");
        Assert.Equal(4, File.ReadAllLines(Path.Combine(run, "loss.csv")).Length);
        double trainR2 = result.GetProperty("test").GetProperty("r2").GetDouble();

        var eval = Recur("forecast", "eval", run, csv, "--json");
        Assert.True(eval.Code == 0, eval.Err);
        var metrics = JsonDocument.Parse(eval.Out).RootElement;
        foreach (var key in new[] { "r2", "mse", "mae", "mape" }) Assert.True(metrics.TryGetProperty(key, out _), key);
        Assert.Equal(trainR2, metrics.GetProperty("r2").GetDouble());

        var predict = Recur("forecast", "predict", Path.Combine(run, "model.safetensors"), csv);
        Assert.True(predict.Code == 0, predict.Err);
        var lines = predict.Out.TrimEnd('\n').Split('\n');
        Assert.Equal("date,actual,predicted", lines[0]);
        Assert.Equal(metrics.GetProperty("count").GetInt32(), lines.Length - 1);
        Assert.StartsWith("2002-01-", lines[1]);

        string febCsv = Path.Combine(dir.Path, "out", "feb.csv");
        var toFile = Recur("forecast", "predict", run, csv, "-o", febCsv, "--test-start", "2002-02-01", "--test-end", "2002-02-28");
        Assert.True(toFile.Code == 0, toFile.Err);
        var feb = File.ReadAllLines(febCsv);
        Assert.Equal("date,actual,predicted", feb[0]);
        Assert.All(feb.Skip(1), l => Assert.StartsWith("2002-02-", l));
        Assert.True(File.Exists(Path.Combine(dir.Path, "out", "feb.png")) && File.Exists(Path.Combine(dir.Path, "out", "feb.svg")));

        var again = Recur("forecast", "train", csv, "-o", run, "--epochs", "1");
        Assert.Equal(1, again.Code);
        Assert.Contains("already exists; choose another --output or pass --force", again.Err);
    }

    [Fact]
    public void AnEnsembleReportsEachModelAndForecastsTheirMean()
    {
        using var dir = new TempDir();
        string csv = ForecastTestData.Write(dir.Path, "walk.csv", ForecastTestData.WalkLines(600));
        string run = dir.File("run");
        var train = Recur("forecast", "train", csv, "-o", run, "--epochs", "2", "--batch-size", "32", "--hidden", "8", "--scale-target", "--ensemble", "3",
            "--seed", "7", "--train-end", "2001-12-31", "--test-start", "2002-01-01", "--test-end", "2002-04-30", "--log-every", "1", "--json");
        Assert.True(train.Code == 0, train.Err);
        Assert.Contains("× 3 models (seeds 7 to 9), forecasting their mean", train.Err);
        Assert.Contains("[model 3/3] Epoch 2 - loss:", train.Err);
        var result = JsonDocument.Parse(train.Out).RootElement;
        var members = result.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal([7UL, 8UL, 9UL], members.Select(m => m.GetProperty("seed").GetUInt64()));
        double r2 = result.GetProperty("test").GetProperty("r2").GetDouble();
        Assert.DoesNotContain(members, m => m.GetProperty("r2").GetDouble() == r2);
        Assert.Equal("epoch,loss,model_1,model_2,model_3", File.ReadLines(Path.Combine(run, "loss.csv")).First());

        // The second model alone, trained as its own run, scores as the ensemble reported it.
        var alone = Recur("forecast", "train", csv, "-o", dir.File("alone"), "--epochs", "2", "--batch-size", "32", "--hidden", "8", "--scale-target",
            "--seed", "8", "--train-end", "2001-12-31", "--test-start", "2002-01-01", "--test-end", "2002-04-30", "--json");
        Assert.True(alone.Code == 0, alone.Err);
        Assert.Equal(members[1].GetProperty("r2").GetDouble(), JsonDocument.Parse(alone.Out).RootElement.GetProperty("test").GetProperty("r2").GetDouble());
        Assert.Equal("date,actual,predicted,linear_baseline,model_1,model_2,model_3", File.ReadLines(Path.Combine(run, "predictions.csv")).First());

        // predict writes the mean and then each model's close; model 2's column is the lone run's forecast.
        var predict = Recur("forecast", "predict", run, csv);
        Assert.True(predict.Code == 0, predict.Err);
        var rows = predict.Out.TrimEnd('\n').Split('\n');
        Assert.Equal("date,actual,predicted,model_1,model_2,model_3", rows[0]);
        var aloneRows = File.ReadAllLines(Path.Combine(dir.File("alone"), "predictions.csv"));
        Assert.Equal(aloneRows.Length, rows.Length);
        for (int i = 1; i < rows.Length; i++)
        {
            double[] v = [.. rows[i].Split(',').Skip(1).Select(x => double.Parse(x, CultureInfo.InvariantCulture))];
            Assert.Equal((v[2] + v[3] + v[4]) / 3, v[1], 1e-9 * Math.Abs(v[1]));
            Assert.Equal(aloneRows[i].Split(',')[2], rows[i].Split(',')[4]);
        }

        var eval = Recur("forecast", "eval", run, csv, "--json");
        Assert.True(eval.Code == 0, eval.Err);
        Assert.Contains("the mean of 3 models", eval.Err);
        var evaluated = JsonDocument.Parse(eval.Out).RootElement;
        Assert.Equal(r2, evaluated.GetProperty("r2").GetDouble());
        Assert.Equal(members.Select(m => m.GetProperty("r2").GetDouble()), evaluated.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("r2").GetDouble()));

        // recur info describes a forecaster too.
        var info = Recur("info", run);
        Assert.True(info.Code == 0, info.Err);
        Assert.Contains("forecaster (recur forecast): lstm 2×8 → linear 16 → ReLU → linear 1", info.Out + info.Err);
        Assert.Contains("3 models (seeds 7 to 9)", info.Out + info.Err);
        Assert.Contains("; 2 epochs, batch 32", info.Out + info.Err);
        var infoJson = JsonDocument.Parse(Recur("info", run, "--json").Out).RootElement;
        Assert.Equal("forecaster", infoJson.GetProperty("kind").GetString());
        Assert.Equal(3, infoJson.GetProperty("config").GetProperty("ensemble").GetInt32());
        Assert.Equal(r2, infoJson.GetProperty("test_r2").GetDouble());
    }

    [Fact]
    public void HelpListsEveryOptionWithItsDefault()
    {
        var (code, help, _) = Recur("forecast", "train", "--help");
        Assert.Equal(0, code);
        foreach (var expected in new[] { "--window <window>", "[default: 5]", "--hidden", "[default: 16]", "--layers", "[default: 2]", "--cell", "[default: lstm]",
                     "--lr", "[default: 0.01]", "--batch-size", "[default: 128]", "--epochs", "[default: 1000]", "--seed", "[default: 42]",
                     "--train-end", "[default: 2022-12-31]", "--test-start", "[default: 2023-01-01]", "--test-end", "[default: 2023-06-30]",
                     "--dropout", "--fc-hidden", "--scale-target", "--train-start" })
            Assert.Contains(expected, help);
        Assert.Contains("an --ensemble's models trained at once", help);
        foreach (var sub in new[] { "eval", "predict", "baseline" })
            Assert.Equal(0, Recur("forecast", sub, "--help").Code);
        // eval and predict train nothing: their --threads is the kernels' alone (it once spoke of training an --ensemble).
        foreach (var sub in new[] { "eval", "predict" })
        {
            string threads = Recur("forecast", sub, "--help").Out.Split('\n').Single(l => l.TrimStart().StartsWith("--threads"));
            Assert.DoesNotContain("ensemble", threads);
            Assert.DoesNotContain("train", threads);
            Assert.Contains("Threads for the kernels", threads);
            Assert.Contains("[default: 1]", threads);
        }
    }

    [Fact]
    public void BadCsvIsOneErrorLineNamingTheLine()
    {
        using var dir = new TempDir();
        var lines = ForecastTestData.WalkLines(300);
        (lines[100], lines[101]) = (lines[101], lines[100]);
        string csv = ForecastTestData.Write(dir.Path, "bad.csv", lines);
        var (code, stdout, err) = Recur("forecast", "train", csv, "-o", dir.File("run"));
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        var errLines = err.TrimEnd('\n').Split('\n');
        Assert.Single(errLines);
        Assert.StartsWith($"recur: error: {csv}: line 102: date", errLines[0]);
        Assert.False(Directory.Exists(dir.File("run")));

        var unwritable = Recur("forecast", "train", ForecastTestData.Write(dir.Path, "walk.csv", ForecastTestData.WalkLines(600)),
            "-o", Path.Combine(csv, "run"), "--train-end", "2001-12-31", "--test-start", "2002-01-01", "--test-end", "2002-04-30");
        Assert.Equal(1, unwritable.Code);
        Assert.StartsWith($"recur: error: --output '{Path.Combine(csv, "run")}' is inside '{csv}', which is a file; give a directory for the run", unwritable.Err);

        string zip = dir.File("prices.zip");
        File.WriteAllBytes(zip, [0x50, 0x4B, 0x03, 0x04, 0x00, 0x00]);
        Assert.Contains("prices.zip: looks binary", Recur("forecast", "train", zip, "-o", dir.File("run")).Err);

        // A missing MODEL is worded as the language-model commands word it (it read "model '...' does not exist").
        var missing = Recur("forecast", "eval", dir.File("nothing"), csv);
        Assert.Equal(1, missing.Code);
        Assert.Equal($"recur: error: {dir.File("nothing")}: no such model file or run directory", missing.Err.Trim());
        Directory.CreateDirectory(dir.File("empty"));
        var empty = Recur("classify", "predict", dir.File("empty"), "a text");
        Assert.Equal($"recur: error: {dir.File("empty")}: no model.safetensors in this directory; give a run directory made by " +
            "'recur classify train' or a .safetensors file", empty.Err.Trim());
    }

    [Fact]
    public void DivergenceIsOneErrorLineAndNoModel()
    {
        using var dir = new TempDir();
        string csv = ForecastTestData.Write(dir.Path, "walk.csv", ForecastTestData.WalkLines(600));
        var (code, _, err) = Recur("forecast", "train", csv, "-o", dir.File("run"), "--epochs", "3", "--lr", "1e30",
            "--train-end", "2001-12-31", "--test-start", "2002-01-01", "--test-end", "2002-04-30");
        Assert.Equal(1, code);
        Assert.Contains("recur: error: training diverged in epoch 1", err);
        Assert.DoesNotContain("internal error", err);
        Assert.False(File.Exists(Path.Combine(dir.File("run"), "model.safetensors")));
    }

    // nn.LSTM's dropout= acts between layers, so one layer trains as without it: said, not silently accepted.
    [Fact]
    public void DropoutWithOneLayerIsWarnedAbout()
    {
        using var dir = new TempDir();
        string csv = ForecastTestData.Write(dir.Path, "walk.csv", ForecastTestData.WalkLines(600));
        var train = Recur("forecast", "train", csv, "-o", dir.File("run"), "--epochs", "1", "--batch-size", "32", "--hidden", "4",
            "--layers", "1", "--dropout", "0.3", "--train-end", "2001-12-31", "--test-start", "2002-01-02", "--test-end", "2002-03-29");
        Assert.True(train.Code == 0, train.Err);
        Assert.Contains("recur: warning: --dropout 0.3 has no effect with --layers 1: it acts between recurrent layers", train.Err);
    }

    // A test range of one window (5 weekdays at --window 5) has no R²: every command says "undefined" and
    // why, --json gives null (not 0, not "NaN"), and "1 day" is singular.
    [Fact]
    public void OneTestDayHasNoRSquared()
    {
        using var dir = new TempDir();
        string csv = ForecastTestData.Write(dir.Path, "walk.csv", ForecastTestData.WalkLines(600));
        string run = dir.File("run");
        string[] week = ["--test-start", "2002-01-07", "--test-end", "2002-01-11"];
        const string Undefined = "R² undefined (needs at least 2 test days with different closes)";
        var train = Recur(["forecast", "train", csv, "-o", run, "--epochs", "1", "--batch-size", "32", "--hidden", "4", "--ensemble", "2",
            "--train-end", "2001-12-31", .. week, "--json"]);
        Assert.True(train.Code == 0, train.Err);
        Assert.Contains("test 5 days → 1 window (2002-01-11 to 2002-01-11)", train.Err);
        Assert.Contains($"models   {Undefined}; the test line is their mean forecast", train.Err);
        Assert.Matches($@"\ntest     {System.Text.RegularExpressions.Regex.Escape(Undefined)}, MSE [\d.]+, MAE [\d.]+, MAPE [\d.]+ % over 1 day\n", train.Err.ReplaceLineEndings("\n"));
        Assert.Contains($"linear   {Undefined}, MSE", train.Err);
        var result = JsonDocument.Parse(train.Out).RootElement;
        Assert.Equal(JsonValueKind.Null, result.GetProperty("test").GetProperty("r2").ValueKind);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("linear_baseline").GetProperty("r2").ValueKind);
        Assert.All(result.GetProperty("members").EnumerateArray(), m => Assert.Equal(JsonValueKind.Null, m.GetProperty("r2").ValueKind));
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))).RootElement.GetProperty("test").GetProperty("r2").ValueKind);

        var eval = Recur("forecast", "eval", run, csv);
        Assert.True(eval.Code == 0, eval.Err);
        Assert.Contains("walk.csv, 2002-01-11 to 2002-01-11 (1 day predicted from windows of 5; the mean of 2 models):", eval.Out);
        Assert.Contains($"\nR²   undefined (needs at least 2 test days with different closes)\n", eval.Out.ReplaceLineEndings("\n"));
        Assert.Contains($"each model's {Undefined}", eval.Out);
        Assert.DoesNotContain("0.0000", eval.Out);
        var evalJson = Recur("forecast", "eval", run, csv, "--json");
        Assert.True(evalJson.Code == 0, evalJson.Err);
        var metrics = JsonDocument.Parse(evalJson.Out).RootElement;
        Assert.Equal(JsonValueKind.Null, metrics.GetProperty("r2").ValueKind);
        Assert.Equal(1, metrics.GetProperty("count").GetInt32());
        Assert.True(metrics.GetProperty("mse").GetDouble() > 0);

        var baseline = Recur(["forecast", "baseline", csv, "--train-end", "2001-12-31", .. week]);
        Assert.True(baseline.Code == 0, baseline.Err);
        Assert.Contains($"tested on 2002-01-11 to 2002-01-11: {Undefined}, MSE", baseline.Out);
        Assert.Contains(" over 1 day", baseline.Out);
        var baselineJson = Recur(["forecast", "baseline", csv, "--train-end", "2001-12-31", .. week, "--json"]);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(baselineJson.Out).RootElement.GetProperty("r2").ValueKind);

        var info = Recur("info", run);
        Assert.Contains($"test range: 2002-01-07 to 2002-01-11; {Undefined} when trained", info.Out);
        Assert.Contains("; 1 epoch, batch 32", info.Out);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(Recur("info", run, "--json").Out).RootElement.GetProperty("test_r2").ValueKind);

        // Two windows with different closes have an R² again.
        var two = Recur("forecast", "eval", run, csv, "--test-start", "2002-01-07", "--test-end", "2002-01-14", "--json");
        Assert.True(two.Code == 0, two.Err);
        Assert.Equal(JsonValueKind.Number, JsonDocument.Parse(two.Out).RootElement.GetProperty("r2").ValueKind);
        Assert.Contains("(2 days predicted", two.Err);
    }

    [Fact]
    public void BaselineCommandScoresTheSeedsSplit()
    {
        var (code, stdout, err) = Recur("forecast", "baseline", SharedData.File("nasdaq_19900101_20230630.csv"), "--json");
        Assert.True(code == 0, err);
        Assert.Equal(0.9716, JsonDocument.Parse(stdout).RootElement.GetProperty("r2").GetDouble(), 4);
    }
}
