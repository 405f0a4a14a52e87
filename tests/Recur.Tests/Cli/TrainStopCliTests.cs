// `recur train` stopped from outside: Ctrl-C, SIGTERM, SIGKILL, a closed or full stdout, a failed save. What was
// saved stays loadable, a resume trains on as if never stopped, and a failed new run leaves no directory it made.
using System.Diagnostics;
using Recur.IO;
using Recur.Tests.Support;

namespace Recur.Tests.Cli;

public class TrainStopCliTests
{
    static string[] Train(string corpus, string dir, params string[] more) => TrainCliTests.Train(corpus, dir, more);

    [Fact]
    public void AFailedNewRunRemovesTheDirectoryItMadeAndKeepsTheUsers()
    {
        if (!File.Exists("/dev/full")) return;
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(3000));
        const string Full = "recur: error: cannot write to standard output: No space left on device";
        // stdout fails at the first line, after the run made its directory and before it saved anything: the
        // directory goes, with the parent it made (it was once left behind, empty).
        var r = RecurProcess.RunWithFullStdout(Train(corpus, tmp.File("new/run"), "--steps", "2"));
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(Full, r.Err.Trim());
        Assert.False(Directory.Exists(tmp.File("new")), "a failed run left the directory it made");
        // A directory the user had stays, holding what it held and nothing more.
        string mine = tmp.File("mine");
        Directory.CreateDirectory(mine);
        File.WriteAllText(Path.Combine(mine, "notes.txt"), "mine");
        r = RecurProcess.RunWithFullStdout(Train(corpus, mine, "--steps", "2"));
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(mine).Select(Path.GetFileName));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(mine, "notes.txt")));

        // classify train and forecast train do the same (they did already).
        foreach (var (name, text) in new[] { ("pos/1.txt", "good fine"), ("pos/2.txt", "great"), ("neg/1.txt", "bad awful"), ("neg/2.txt", "poor") })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(tmp.File("texts/" + name))!);
            tmp.Write("texts/" + name, text);
        }
        r = RecurProcess.RunWithFullStdout("classify", "train", tmp.File("texts"), "-o", tmp.File("new/classifier"), "--epochs", "1");
        Assert.Equal(Full, r.Err.Trim());
        string csv = Forecasting.ForecastTestData.Write(tmp.Path, "walk.csv", Forecasting.ForecastTestData.WalkLines(600));
        r = RecurProcess.RunWithFullStdout("forecast", "train", csv, "-o", tmp.File("new/forecaster"), "--epochs", "1", "--hidden", "4",
            "--train-end", "2001-12-31", "--test-start", "2002-01-01", "--test-end", "2002-04-30");
        Assert.Equal(Full, r.Err.Trim());
        Assert.False(Directory.Exists(tmp.File("new")));
    }

    // A save that fails (here the file grows past a size limit, as on a full disk) or a process killed in the
    // middle of one: a resume leaves the state it resumed from whole, and resuming again trains to the same model
    // as a run never stopped; a new run that had saved its model and plots but not yet its state keeps them.
    [Fact]
    public void AFailedSaveLeavesTheStateItResumesFromWhole()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(20000));
        // Model and plots under 200 KiB, the state (weights, two Adam moments, history) over it.
        string[] size = ["--batch", "4", "--seq", "20", "--hidden", "64", "--layers", "1", "--eval-every", "2", "--checkpoint-every", "2"];
        string once = tmp.File("once"), run = tmp.File("run");
        Assert.Equal(0, RecurProcess.Run([.. Train(corpus, once, [.. size, "--steps", "2"])]).ExitCode);
        Assert.True(new FileInfo(Path.Combine(once, "state.safetensors")).Length > 200 * 1024);
        CopyRun(once, run);
        Assert.Equal(0, RecurProcess.Run("train", "--resume", once, "--steps", "4").ExitCode);

        byte[] state = File.ReadAllBytes(Path.Combine(run, "state.safetensors"));
        foreach (bool killed in new[] { false, true })
        {
            var r = RecurProcess.RunWithFileSizeLimit(200, killed, "train", "--resume", run, "--steps", "4");
            if (killed) Assert.Equal(128 + 25, r.ExitCode);   // SIGXFSZ
            else r.AssertCleanError("too large");
            Assert.Equal(state, File.ReadAllBytes(Path.Combine(run, "state.safetensors")));
            // A failed write takes its temporary file with it; a killed one's is left, and removed by the next resume.
            Assert.Equal(killed ? 1 : 0, Directory.GetFiles(run, ".state.safetensors.*.tmp").Length);
        }
        var resumed = RecurProcess.Run("train", "--resume", run, "--steps", "4");
        Assert.True(resumed.ExitCode == 0, resumed.Err);
        Assert.Empty(Directory.GetFiles(run, ".*"));
        foreach (var name in new[] { "model.safetensors", "checkpoint-4.safetensors" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(once, name)), File.ReadAllBytes(Path.Combine(run, name)));

        // A new run whose first state cannot be saved keeps the model its validation saved (and the plots): the run
        // cannot resume, but what it trained is not deleted.
        var fresh = RecurProcess.RunWithFileSizeLimit(200, false, [.. Train(corpus, tmp.File("new/run"), [.. size, "--steps", "4"])]);
        fresh.AssertCleanError("too large");
        Assert.True(File.Exists(tmp.File("new/run/model.safetensors")), "a new run that failed at its first state removed the model it had saved");
        Assert.False(File.Exists(tmp.File("new/run/state.safetensors")));
        Assert.Equal(0, RecurProcess.Run("sample", tmp.File("new/run"), "--length", "20").ExitCode);
    }

    /// <summary>Copies a run's files (its corpus paths are absolute, so the copy resumes on the same text).</summary>
    static void CopyRun(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
    }

    // A run whose files are all saved stays when only the end fails: under --json stdout carries nothing but the
    // summary, so a stdout that fails (Linux's /dev/full) fails the last thing the command does. forecast train
    // once removed the directory it had made, with the run just saved in it.
    [Fact]
    public void ARunWhoseFilesAreAllSavedStaysWhenPrintingTheSummaryFails()
    {
        if (!File.Exists("/dev/full")) return;
        using var tmp = new TempDir();
        const string Full = "recur: error: cannot write to standard output: No space left on device";
        string corpus = tmp.Write("c.txt", TempDir.Corpus(3000));
        string texts = tmp.Write("texts.csv", "label,text\n1,good fine\n0,bad awful\n1,great\n0,poor\n");
        string csv = Forecasting.ForecastTestData.Write(tmp.Path, "walk.csv", Forecasting.ForecastTestData.WalkLines(600));
        foreach (var (args, run, files) in new (string[], string, string[])[]
        {
            (Train(corpus, tmp.File("new/lm"), "--steps", "2", "--json"), tmp.File("new/lm"), ["checkpoint-2.safetensors", "model.safetensors", "state.safetensors"]),
            (["classify", "train", texts, "-o", tmp.File("new/classifier"), "--epochs", "1", "--json"], tmp.File("new/classifier"), ["history.csv", "model.safetensors"]),
            (["forecast", "train", csv, "-o", tmp.File("new/forecaster"), "--epochs", "1", "--hidden", "4", "--json",
              "--train-end", "2001-12-31", "--test-start", "2002-01-01", "--test-end", "2002-04-30"], tmp.File("new/forecaster"),
             ["loss.csv", "metrics.json", "model.safetensors", "predictions.csv"]),
        })
        {
            var r = RecurProcess.RunWithFullStdout(args);
            Assert.Equal(1, r.ExitCode);
            Assert.EndsWith(Full, r.Err.Trim());
            Assert.True(Directory.Exists(run), $"{args[0]}: the saved run was removed");
            foreach (var f in files) Assert.True(File.Exists(Path.Combine(run, f)), $"{args[0]}: no {f}");
            Assert.Empty(Directory.GetFileSystemEntries(run, ".recur*"));
        }
    }

    // `recur train ... | head`: the reader going away stops training as Ctrl-C does (saved, resumable, exit 130), the
    // rest said on stderr; before, the write failed and the run ended quietly with exit 0, its steps since the last
    // checkpoint lost and the directory sometimes left with no state.
    [Fact]
    public async Task AClosedStdoutStopsTrainingAndSaves()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(20000));
        string run = tmp.File("run");
        using var p = Process.Start(RecurProcess.Info([.. Train(corpus, run, "--steps", "1000000")]))!;
        var stderr = p.StandardError.ReadToEndAsync();
        while (p.StandardOutput.ReadLine() is { } line && !line.StartsWith("step 20: validation")) { }   // training, like `| head -5`
        p.StandardOutput.Close();
        bool exited = p.WaitForExit(TimeSpan.FromSeconds(60));
        if (!exited) p.Kill(true);
        Assert.True(exited, "train kept going after its reader closed the pipe");
        string err = await stderr;
        Assert.Equal(130, p.ExitCode);
        Assert.Contains("recur: standard output was closed; what it would have shown goes to stderr", err);
        Assert.Contains("recur: stopping after this step and saving (Ctrl-C to quit at once)\n", err);
        Assert.Matches(@"\ntrained to step [\d,]+ ", err);   // the summary stdout would have had
        Assert.Contains($"state saved — continue with: recur train --resume {run}", err);
        var r = RecurProcess.Run("train", "--resume", run, "--steps", "40", "--json");
        Assert.True(r.ExitCode == 0, r.Err);
    }

    [Fact]
    public void KilledTrainingLeavesLoadableFilesAndResumes()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(20000));
        string run = tmp.File("run");
        // Write the state at every step so kills land during writes.
        using (var p = Process.Start(RecurProcess.Info([.. Train(corpus, run, "--steps", "100000", "--checkpoint-every", "1", "--keep", "3")]))!)
        {
            var until = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(Path.Combine(run, "state.safetensors")) && DateTime.UtcNow < until) Thread.Sleep(50);
            Thread.Sleep(700);
            RecurProcess.Signal(p, "KILL");
            p.WaitForExit();
        }
        // The killed process's lock went with it; its lock file is left, and blocks nobody.
        Assert.True(File.Exists(Path.Combine(run, DirectoryLock.FileName)));
        // Every file with its final name is whole (a kill mid-write can only leave a hidden temporary file).
        foreach (var f in Directory.GetFiles(run, "*.safetensors").Where(f => !Path.GetFileName(f).StartsWith('.'))) ModelFile.Load(f);
        var r = RecurProcess.Run("train", "--resume", run, "--steps", "3000", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Empty(Directory.GetFiles(run, ".*")); // resume clears the killed writer's leftovers
    }

    [Fact]
    public async Task CtrlCSavesAndResumeMatchesAnUninterruptedRun()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(6000));
        string whole = tmp.File("whole"), part = tmp.File("part");
        // 3,000 steps (~15 s here): the signal must land before the end even when the full suite starves this thread.
        string[] extra = ["--dropout", "0.1", "--steps", "3000", "--seed", "4"];
        Assert.Equal(0, RecurProcess.Run([.. Train(corpus, whole, extra)]).ExitCode);

        int code;
        string err;
        using (var p = Process.Start(RecurProcess.Signalled([.. Train(corpus, part, extra)]))!)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            _ = p.StandardOutput.ReadToEndAsync();
            var until = DateTime.UtcNow.AddSeconds(60);
            while (!File.Exists(Path.Combine(part, "state.safetensors")) && DateTime.UtcNow < until) Thread.Sleep(20);
            RecurProcess.Signal(p, "INT");
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(60)));
            code = p.ExitCode;
            err = await stderr;
        }
        Assert.Equal(130, code); // the signal lands around step 10 of 3000
        Assert.Contains("--resume", err);
        Assert.Equal(0, RecurProcess.Run("train", "--resume", part, "--steps", "3000").ExitCode);
        var a = ModelFile.Load(Path.Combine(whole, "state.safetensors")).Tensors;
        var b = ModelFile.Load(Path.Combine(part, "state.safetensors")).Tensors;
        foreach (var (name, data) in a.Where(kv => kv.Key.StartsWith("model.")))
            Assert.True(data.Floats!.AsSpan().SequenceEqual(b[name].Floats), $"{name} differs after Ctrl-C and resume");
    }

    // `kill PID` (SIGTERM) stops like Ctrl-C: the step is saved and the resume command printed.
    [Fact]
    public async Task SigtermSavesLikeCtrlC()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(6000));
        string run = tmp.File("run");
        var (code, err) = await RecurProcess.Interrupt([.. Train(corpus, run, "--steps", "100000")],
            () => File.Exists(Path.Combine(run, "state.safetensors")), "TERM");
        Assert.Equal(130, code);
        Assert.Contains("recur: stopping after this step and saving (terminated; send SIGTERM again to quit at once)\n", err);
        Assert.Contains("--resume", err);
        Assert.NotEmpty(Directory.GetFiles(run, "checkpoint-*.safetensors"));
    }
}
