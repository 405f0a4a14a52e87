// Bad input to `recur forecast` end to end: predict -o refuses to replace its input CSV, its model, any
// .safetensors file, a directory or a file that is not an earlier predictions CSV; a train that is
// refused, diverges or is interrupted leaves no directory behind and an existing one (--force) as it
// was; a directory holding any file a run writes is refused unless --force; a training range too short
// for the baseline is refused before the first epoch.
using Recur.Tests.Cli;
using Recur.Tests.Support;

namespace Recur.Tests.Forecasting;

public class BadInputCliTests
{
    static readonly string[] WalkSplit = ["--train-end", "2001-12-31", "--test-start", "2002-01-01", "--test-end", "2002-04-30"];

    /// <summary>A quick train on the walk (1 epoch, 4 units) unless <paramref name="extra"/> gives --epochs or --hidden.</summary>
    static string[] Train(string csv, string run, params string[] extra) =>
        ["forecast", "train", csv, "-o", run, "--batch-size", "32", .. WalkSplit, .. extra,
         .. extra.Contains("--epochs") ? [] : new[] { "--epochs", "1" }, .. extra.Contains("--hidden") ? [] : new[] { "--hidden", "4" }];

    [Fact]
    public void PredictRefusesToReplaceItsInputsAModelOrOtherFiles()
    {
        using var dir = new TempDir();
        string csv = ForecastTestData.Write(dir.Path, "walk.csv", ForecastTestData.WalkLines(600));
        string run = dir.File("run"), model = Path.Combine(run, "model.safetensors");
        Assert.Equal(0, RecurProcess.Run(Train(csv, run)).ExitCode);
        string other = dir.File("other.safetensors"), notes = dir.Write("notes.csv", "my,own\n1,2\n");
        File.Copy(model, other);
        var before = new[] { csv, model, other, notes }.ToDictionary(f => f, File.ReadAllBytes);

        RecurProcess.Run("forecast", "predict", run, csv, "-o", csv).AssertCleanError($"--output '{csv}' is the input CSV");
        RecurProcess.Run("forecast", "predict", run, csv, "-o", model).AssertCleanError($"--output '{model}' is the model file");
        RecurProcess.Run("forecast", "predict", model, csv, "-o", model).AssertCleanError("is the model file");
        RecurProcess.Run("forecast", "predict", run, csv, "-o", other).AssertCleanError("names a model file (.safetensors)");
        RecurProcess.Run("forecast", "predict", run, csv, "-o", run).AssertCleanError("is a directory");
        RecurProcess.Run("forecast", "predict", run, csv, "-o", notes).AssertCleanError("exists and is not a predictions CSV");
        RecurProcess.Run("forecast", "predict", run, csv, "-o", dir.File("p.png")).AssertCleanError("would be replaced by its own plot");
        // The input CSV read through a link is still the input.
        string link = dir.File("link.csv");
        File.CreateSymbolicLink(link, csv);
        RecurProcess.Run("forecast", "predict", run, link, "-o", csv).AssertCleanError("is the input CSV");
        // Plots of the output's name with no predictions CSV beside them are someone else's files.
        string holiday = dir.Write("holiday.png", "my picture");
        RecurProcess.Run("forecast", "predict", run, csv, "-o", dir.File("holiday.csv")).AssertCleanError("which no earlier predictions wrote");
        Assert.Equal("my picture", File.ReadAllText(holiday));
        foreach (var (file, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(file)), $"{file} changed");
        Assert.False(File.Exists(dir.File("p.png")));

        // An earlier predictions CSV may be replaced; paths are reported as given.
        string predictions = Path.Combine(run, "predictions.csv");
        var again = RecurProcess.RunIn(run, "forecast", "predict", run, csv, "-o", "predictions.csv");
        Assert.True(again.ExitCode == 0, again.Err);
        Assert.Matches(@"^wrote predictions\.csv \(\d+ days\) and predictions\.png/\.svg$", again.Out.Trim());
        Assert.Equal("date,actual,predicted", File.ReadLines(predictions).First());
    }

    [Fact]
    public void FailedTrainLeavesNoDirectoryAndForceKeepsTheOldRun()
    {
        using var dir = new TempDir();
        string csv = ForecastTestData.Write(dir.Path, "walk.csv", ForecastTestData.WalkLines(600));
        string fresh = Path.Combine(dir.Path, "new", "run");
        RecurProcess.Run(Train(csv, fresh, "--lr", "1e30")).AssertCleanError("training diverged in epoch 1");
        Assert.False(Directory.Exists(dir.File("new")));

        var late = RecurProcess.Run(Train(csv, fresh, "--train-start", "2001-12-03"));
        late.AssertCleanError("too few for the linear baseline");
        Assert.Contains("choose an earlier --train-start or a later --train-end", late.Err);
        Assert.DoesNotContain("Epoch 1", late.Out + late.Err);   // refused before training, not after
        Assert.False(Directory.Exists(dir.File("new")));

        RecurProcess.Run(Train(csv, fresh, "--hidden", "100000000")).AssertCleanError("--hidden 100000000 is too large");
        RecurProcess.Run(Train(csv, fresh, "--window", "100000")).AssertCleanError("lower --window or choose other dates");
        Assert.False(Directory.Exists(dir.File("new")));

        string run = dir.File("run");
        Assert.Equal(0, RecurProcess.Run(Train(csv, run)).ExitCode);
        var before = Directory.GetFiles(run).ToDictionary(f => f, File.ReadAllBytes);
        RecurProcess.Run(Train(csv, run, "--force", "--lr", "1e30")).AssertCleanError("training diverged");
        Assert.Equal(before.Keys.Order(), Directory.GetFiles(run).Order());
        foreach (var (file, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(file)), $"{file} changed");
    }

    // predict -o into a folder it makes keeps its files when only the line saying so fails (Linux's /dev/full);
    // it once removed the folder with them.
    [Fact]
    public void PredictKeepsItsFilesWhenPrintingFails()
    {
        if (!File.Exists("/dev/full")) return;
        using var dir = new TempDir();
        string csv = ForecastTestData.Write(dir.Path, "walk.csv", ForecastTestData.WalkLines(600));
        string run = dir.File("run"), output = dir.File("new/p.csv");
        Assert.Equal(0, RecurProcess.Run(Train(csv, run)).ExitCode);
        var r = RecurProcess.RunWithFullStdout("forecast", "predict", run, csv, "-o", output);
        r.AssertCleanError("cannot write to standard output");
        Assert.StartsWith("date,actual,predicted", File.ReadAllText(output));
        Assert.True(File.Exists(dir.File("new/p.png")));
    }

    // A --force run that fails after its first file was written (here predictions.csv cannot be: a folder has its
    // name) leaves the old run exactly as it was; it once left a new model and loss.csv beside the old predictions.
    [Fact]
    public void AForcedRunThatFailsLeavesTheOldRunAsItWas()
    {
        using var dir = new TempDir();
        string csv = ForecastTestData.Write(dir.Path, "walk.csv", ForecastTestData.WalkLines(600));
        string run = dir.File("run");
        Assert.Equal(0, RecurProcess.Run(Train(csv, run)).ExitCode);
        File.Delete(Path.Combine(run, "predictions.csv"));
        Directory.CreateDirectory(Path.Combine(run, "predictions.csv"));
        File.WriteAllText(Path.Combine(run, "predictions.csv", "mine.txt"), "mine");
        var before = Classification.ClassifyCliTests.Tree(run);
        var r = RecurProcess.Run(Train(csv, run, "--force", "--seed", "5"));
        r.AssertCleanError("predictions.csv");
        Assert.Equal(1, r.ExitCode);
        Classification.ClassifyCliTests.AssertSameTree(before, run);
    }

    // The disk filling while predictions.csv is written (here a file size limit: the model and loss.csv fit under
    // it, the 3,000 days of predictions do not) leaves an old run (--force) exactly as it was and no staging folder.
    [Fact]
    public void AForcedRunWhoseWriteFailsLeavesTheOldRunAsItWas()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDir();
        string csv = ForecastTestData.Write(dir.Path, "walk.csv", ForecastTestData.WalkLines(3600));
        string run = dir.File("run");
        string[] longTest = ["forecast", "train", csv, "-o", run, "--train-end", "2001-12-31", "--test-start", "2002-01-01", "--test-end", "2013-12-31",
            "--epochs", "1", "--hidden", "4"];
        Assert.Equal(0, RecurProcess.Run(longTest).ExitCode);
        Assert.True(new FileInfo(Path.Combine(run, "predictions.csv")).Length > 120 * 1024);
        Assert.True(new FileInfo(Path.Combine(run, "model.safetensors")).Length < 100 * 1024);
        var before = Classification.ClassifyCliTests.Tree(run);
        var r = RecurProcess.RunWithFileSizeLimit(100, false, [.. longTest, "--force", "--seed", "5"]);
        r.AssertCleanError("too large");
        Classification.ClassifyCliTests.AssertSameTree(before, run);
    }

    // The CSV may sit in the run directory, but not as a file the run writes there: --force once trained on it
    // and then wrote predictions.csv over it.
    [Fact]
    public void TrainRefusesACsvThatIsOneOfItsOwnFiles()
    {
        using var dir = new TempDir();
        string run = dir.File("run");
        Directory.CreateDirectory(run);
        var lines = ForecastTestData.WalkLines(600);
        foreach (var name in new[] { "predictions.csv", "loss.csv" })
        {
            string csv = ForecastTestData.Write(run, name, lines);
            string text = File.ReadAllText(csv);
            var r = RecurProcess.Run(Train(csv, run, "--force"));
            r.AssertCleanError($"the data '{csv}' is the run's {name}, which the run would overwrite; move it out of '{run}' or choose another --output");
            Assert.Equal(2, r.ExitCode);
            Assert.Equal(text, File.ReadAllText(csv));
            Assert.Equal([name], Directory.GetFiles(run).Select(Path.GetFileName));
            File.Delete(csv);
        }
        string walk = ForecastTestData.Write(run, "walk.csv", lines);
        var ok = RecurProcess.Run(Train(walk, run));
        Assert.True(ok.ExitCode == 0, ok.Err);
    }

    // A directory holding any file a run writes (another run's predictions or plots, not only its model) is
    // refused before training unless --force; an empty one, or one of other files, is used as it is.
    [Fact]
    public void TrainRefusesToOverwriteAnyFileOfAnEarlierRun()
    {
        using var dir = new TempDir();
        string csv = ForecastTestData.Write(dir.Path, "walk.csv", ForecastTestData.WalkLines(600));
        string run = dir.File("run");
        Assert.Equal(0, RecurProcess.Run(Train(csv, run)).ExitCode);
        var written = Directory.GetFiles(run).Select(f => Path.GetFileName(f)).Order().ToArray();
        Assert.Equal(["loss.csv", "loss.png", "loss.svg", "metrics.json", "model.safetensors", "prediction.png", "prediction.svg", "predictions.csv"], written);
        foreach (var name in written)
        {
            string other = dir.File("other-" + name);
            Directory.CreateDirectory(other);
            string mine = dir.Write(Path.Combine("other-" + name, name), "mine");
            var r = RecurProcess.Run(Train(csv, other));
            r.AssertCleanError($"'{mine}' already exists; choose another --output or pass --force to overwrite it");
            Assert.Equal(1, r.ExitCode);
            Assert.DoesNotContain("Epoch 1", r.Out + r.Err);   // refused before training, not after
            Assert.Equal("mine", File.ReadAllText(mine));
            Assert.Equal([mine], Directory.GetFiles(other));
        }

        string stale = dir.File("stale");
        Directory.CreateDirectory(stale);
        string predictions = dir.Write("stale/predictions.csv", "mine");
        var forced = RecurProcess.Run(Train(csv, stale, "--force"));
        Assert.True(forced.ExitCode == 0, forced.Err);
        Assert.StartsWith("date,actual,predicted", File.ReadAllText(predictions));

        string empty = dir.File("empty"), notes = dir.File("notes");
        Directory.CreateDirectory(empty);
        Directory.CreateDirectory(notes);
        string note = dir.Write("notes/notes.txt", "mine");
        foreach (var d in new[] { empty, notes })
        {
            var r = RecurProcess.Run(Train(csv, d));
            Assert.True(r.ExitCode == 0, r.Err);
            Assert.True(File.Exists(Path.Combine(d, "model.safetensors")));
        }
        Assert.Equal("mine", File.ReadAllText(note));
    }

    [Fact]
    public void BaselineWithATrainingRangeTooShortSaysWhatToChange()
    {
        using var dir = new TempDir();
        string csv = ForecastTestData.Write(dir.Path, "walk.csv", ForecastTestData.WalkLines(600));
        RecurProcess.Run(["forecast", "baseline", csv, .. WalkSplit, "--train-start", "2001-12-03"])
            .AssertCleanError("choose an earlier --train-start or a later --train-end");
    }

    // The fourth audit: eval and predict have no --window (a trained model's window is its own), yet a test range
    // too short for one window told them to "lower --window or choose other dates". An empty range names the dates given.
    [Fact]
    public void ARangeTooShortForATrainedModelsWindowAsksForOtherDates()
    {
        using var dir = new TempDir();
        string csv = ForecastTestData.Write(dir.Path, "walk.csv", ForecastTestData.WalkLines(600));
        string run = dir.File("run");
        Assert.Equal(0, RecurProcess.Run(Train(csv, run, "--window", "10")).ExitCode);
        foreach (var command in new[] { "eval", "predict" })
        {
            var r = RecurProcess.Run("forecast", command, run, csv, "--test-start", "2002-04-10");
            r.AssertCleanError("has 8 days with every feature, fewer than the 10 it needs");
            Assert.DoesNotContain("--window", r.Err);
            Assert.Contains("the model reads windows of 10 days: choose other dates", r.Err);
        }
        // One date given and the other the model's: the message said "(--test-start is after --test-end)" of a
        // --test-start never given.
        RecurProcess.Run("forecast", "eval", run, csv, "--test-end", "2001-06-29")
            .AssertCleanError("recur: error: --test-end 2001-06-29 is before the model's test start 2002-01-01; give an earlier --test-start too");
        RecurProcess.Run("forecast", "predict", run, csv, "--test-start", "2002-06-03")
            .AssertCleanError("recur: error: --test-start 2002-06-03 is after the model's test end 2002-04-30; give a later --test-end too");
        RecurProcess.Run("forecast", "eval", run, csv, "--test-start", "2002-03-01", "--test-end", "2002-02-01")
            .AssertCleanError("recur: error: --test-start 2002-03-01 is after --test-end 2002-02-01");
    }

    // SIGTERM (`kill PID`, a scheduler's time limit) is taken as Ctrl-C is.
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task CtrlCOrTermDuringTrainingRemovesTheNewRunDirectory(string signal)
    {
        using var dir = new TempDir();
        string csv = ForecastTestData.Write(dir.Path, "walk.csv", ForecastTestData.WalkLines(600));
        string run = dir.File("run");
        var (code, err) = await RecurProcess.Interrupt(Train(csv, run, "--epochs", "10000000"), () => Directory.Exists(run), signal);
        Assert.Equal(130, code);
        Assert.Contains("recur: interrupted; nothing was saved", err);
        Assert.False(Directory.Exists(run));
    }
}
