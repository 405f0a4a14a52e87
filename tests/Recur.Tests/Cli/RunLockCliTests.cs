// One process at a time trains in a run directory: while one does, a second `recur train` (new run, --resume
// or --init-from), `forecast train` or `classify train` there is refused with one line and changes nothing,
// and the commands that only read the run still work; once the first has stopped, the directory is free.
using System.Text.RegularExpressions;
using Recur.IO;
using Recur.Tests.Support;

namespace Recur.Tests.Cli;

public class RunLockCliTests
{
    static readonly string[] Small = ["--hidden", "16", "--layers", "1", "--batch", "4", "--seq", "12"];
    // No checkpoint or validation for a long while: the first process writes nothing until it is stopped,
    // so that every file can be compared.
    static readonly string[] Quiet = ["--steps", "100000000", "--checkpoint-every", "100000000", "--eval-every", "100000000"];

    /// <summary>The run's files (but the lock's own) and their bytes.</summary>
    static Dictionary<string, byte[]> Files(string dir) =>
        Directory.GetFiles(dir).Where(f => !DirectoryLock.IsLockFile(f)).ToDictionary(f => f, File.ReadAllBytes);

    static void AssertUnchanged(Dictionary<string, byte[]> before, string dir)
    {
        var after = Files(dir);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (file, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[file]), $"{file} changed");
    }

    static string InUse(string dir, RunningRecur holder) => $"{dir} is in use by another recur process (pid {holder.Process.Id}, started at ";

    /// <summary>The step a stopped `recur train` saved ("recur: interrupted at step 1,234; ...").</summary>
    static long StoppedAt(string output) =>
        long.Parse(Regex.Match(output, @"interrupted at step ([\d,]+)").Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void ASecondTrainOfARunBeingTrainedIsRefusedAndTheRunResumesOnceTheFirstStops()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(20000));
        string run = tmp.File("run");
        Assert.Equal(0, RecurProcess.Run(["train", corpus, "-o", run, "--steps", "20", .. Small]).ExitCode);
        // A copy: the run's own model.safetensors, which the new run would overwrite, is refused before the lock is looked at.
        string init = tmp.File("init.safetensors");
        File.Copy(Path.Combine(run, "model.safetensors"), init);
        long step;
        using (var first = RecurProcess.Start(["train", "--resume", run, .. Quiet]))
        {
            first.WaitFor("resuming");
            var before = Files(run);
            RecurProcess.Run("train", "--resume", run, "--steps", "40").AssertCleanError(InUse(run, first));
            RecurProcess.Run(["train", corpus, "-o", run, "--steps", "40", .. Small]).AssertCleanError(InUse(run, first));
            RecurProcess.Run("train", corpus, "-o", run, "--steps", "40", "--init-from", init).AssertCleanError(InUse(run, first));
            // Reading needs no lock: model.safetensors is only ever replaced whole.
            Assert.Equal(0, RecurProcess.Run("sample", run, "--length", "20").ExitCode);
            Assert.Equal(0, RecurProcess.Run("eval", run, corpus).ExitCode);
            Assert.Equal(0, RecurProcess.Run("info", run).ExitCode);
            AssertUnchanged(before, run);
            Assert.Equal(130, first.Stop("TERM"));   // saves its step and exits, as at Ctrl-C
            step = StoppedAt(first.Output);
        }
        var resumed = RecurProcess.Run("train", "--resume", run, "--steps", $"{step + 5}");
        Assert.True(resumed.ExitCode == 0, resumed.Err);
        Assert.Contains($"resuming {run} at step {step:N0}", resumed.Out);
        Assert.DoesNotContain(Directory.GetFiles(run), DirectoryLock.IsLockFile);   // removed when released
    }

    [Fact]
    public void ANewRunIsInUseBeforeItHasSavedAnything()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(20000));
        string run = tmp.File("run");
        long step;
        using (var first = RecurProcess.Start(["train", corpus, "-o", run, .. Small, .. Quiet]))
        {
            first.WaitFor("training:");
            // Not "no state.safetensors here" nor a second run started beside the first.
            RecurProcess.Run("train", "--resume", run, "--steps", "40").AssertCleanError(InUse(run, first));
            RecurProcess.Run(["train", corpus, "-o", run, "--steps", "40", .. Small]).AssertCleanError(InUse(run, first));
            Assert.Empty(Files(run));
            Assert.Equal(130, first.Stop("TERM"));
            step = StoppedAt(first.Output);
        }
        var resumed = RecurProcess.Run("train", "--resume", run, "--steps", $"{step + 5}");
        Assert.True(resumed.ExitCode == 0, resumed.Err);
        Assert.DoesNotContain(Directory.GetFiles(run), DirectoryLock.IsLockFile);
    }

    [Fact]
    public void ForecastAndClassifyTrainRefuseADirectoryAForecastIsTrainingIn()
    {
        using var tmp = new TempDir();
        string csv = Forecasting.ForecastTestData.Write(tmp.Path, "walk.csv", Forecasting.ForecastTestData.WalkLines(600));
        string texts = tmp.File("texts.csv");
        File.WriteAllLines(texts, ["label,text", .. Classification.TrainingTests.Synthetic(64, 1).Select(t => $"{t.Label},\"{t.Text.Replace("\"", "\"\"")}\"")]);
        string run = tmp.File("run");
        string[] Forecast(params string[] more) => ["forecast", "train", csv, "-o", run, "--batch-size", "32", "--train-end", "2001-12-31",
            "--test-start", "2002-01-01", "--test-end", "2002-04-30", "--hidden", "4", .. more];
        // A forecaster writes nothing before its last epoch.
        using (var first = RecurProcess.Start(Forecast("--epochs", "1000000")))
        {
            first.WaitFor("split");
            RecurProcess.Run(Forecast("--epochs", "1")).AssertCleanError(InUse(run, first));
            RecurProcess.Run(Forecast("--epochs", "1", "--force")).AssertCleanError(InUse(run, first));
            RecurProcess.Run("classify", "train", texts, "-o", run, "--epochs", "1", "--force").AssertCleanError(InUse(run, first));
            Assert.Empty(Files(run));
            Assert.Equal(130, first.Stop("TERM"));
        }
        Assert.False(Directory.Exists(run), "the stopped forecast left the directory it made");
        var again = RecurProcess.Run(Forecast("--epochs", "1"));
        Assert.True(again.ExitCode == 0, again.Err);
        Assert.DoesNotContain(Directory.GetFiles(run), DirectoryLock.IsLockFile);
    }
}
