// The commands recur's messages suggest, with the user's path in them, pasted into bash as a user would: a run
// directory named "my run's $HOME" must come back as itself, not as three words, a quote left open and a variable.
// A plain path (the temporary directory's own) stays bare.
using System.Text.Json;
using System.Text.RegularExpressions;
using Recur.Tests.Support;

namespace Recur.Tests.Cli;

public class PastedCommandCliTests
{
    static readonly string[] Small = ["--hidden", "16", "--layers", "1", "--batch", "4", "--seq", "12", "--eval-every", "20", "--checkpoint-every", "10"];

    const string Hostile = "my run's $HOME";

    /// <summary><paramref name="path"/> (in a plain directory, ending in <see cref="Hostile"/>) as bash needs it.</summary>
    static string Quoted(string path) => "'" + path.Replace("'", "'\\''") + "'";

    static long Steps(RecurResult r) => JsonDocument.Parse(r.Out).RootElement.GetProperty("steps").GetInt64();

    [Fact]
    public void TheAdviceToResumeARunPastesIntoBash()
    {
        if (OperatingSystem.IsWindows()) return;
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(4000));
        string run = tmp.File(Hostile);
        Assert.Equal(0, RecurProcess.Run(["train", corpus, "-o", run, "--steps", "2", .. Small]).ExitCode);

        var again = RecurProcess.Run(["train", corpus, "-o", run, "--steps", "2", .. Small]);
        again.AssertCleanError($"{run} already holds a training run; continue it with --resume {Quoted(run)}, or choose another directory");
        string advice = Regex.Match(again.Err, "continue it with (.*), or choose another directory").Groups[1].Value;
        var pasted = RecurProcess.Bash(tmp.Path, $"recur train {advice} --steps 4 --json");
        Assert.True(pasted.ExitCode == 0, pasted.Err);
        Assert.Equal(4, Steps(pasted));

        // The corpus moved: the advice names the run, and the new path goes where it says.
        File.Move(corpus, tmp.File("moved c.txt"));
        var moved = RecurProcess.Run("train", "--resume", run, "--steps", "6");
        moved.AssertCleanError($"if it moved, give its new path: recur train NEW_PATH --resume {Quoted(run)}");
        string command = Regex.Match(moved.Err, "give its new path: (.*)$", RegexOptions.Multiline).Groups[1].Value;
        pasted = RecurProcess.Bash(tmp.Path, command.Replace("NEW_PATH", "'moved c.txt'") + " --steps 6 --json");
        Assert.True(pasted.ExitCode == 0, pasted.Err);
        Assert.Equal(6, Steps(pasted));
    }

    [Fact]
    public async Task TheCommandAfterCtrlCPastesIntoBash()
    {
        if (OperatingSystem.IsWindows()) return;
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(20000));
        string run = tmp.File(Hostile);
        var (code, err) = await RecurProcess.Interrupt(["train", corpus, "-o", run, "--steps", "100000", .. Small],
            () => File.Exists(Path.Combine(run, "state.safetensors")));
        Assert.Equal(130, code);
        var said = Regex.Match(err, @"interrupted at step ([\d,]+); state saved — continue with: (.*)$", RegexOptions.Multiline);
        Assert.True(said.Success, err);
        Assert.Equal($"recur train --resume {Quoted(run)}", said.Groups[2].Value);
        long step = long.Parse(said.Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
        var pasted = RecurProcess.Bash(tmp.Path, $"{said.Groups[2].Value} --steps {step + 2} --json");
        Assert.True(pasted.ExitCode == 0, pasted.Err);
        Assert.Equal(step + 2, Steps(pasted));
    }

    [Fact]
    public void TheNumbersAndDemoCommandsSuggestCommandsThatPasteIntoBash()
    {
        if (OperatingSystem.IsWindows()) return;
        using var tmp = new TempDir();
        string numbers = tmp.File("my numbers");
        var made = RecurProcess.Run("numbers", "-o", numbers);
        Assert.Equal(0, made.ExitCode);
        string command = Regex.Match(made.Out, "train a model on it with e.g.: (.*)$", RegexOptions.Multiline).Groups[1].Value;
        Assert.Equal($"recur train {Quoted(numbers + "/train.txt")} --val-file {Quoted(numbers + "/valid.txt")} --tokens words --cell gru -o runs/numbers-gru", command);
        var pasted = RecurProcess.Bash(tmp.Path, command + " --steps 1 --hidden 8 --json");
        Assert.True(pasted.ExitCode == 0, pasted.Err);

        string demo = tmp.File(Hostile);
        var shown = RecurProcess.Run("demo", "--time", "1s", "-o", demo);
        Assert.True(shown.ExitCode == 0, shown.Err);
        command = Regex.Match(shown.Out, "; try: (.*)$", RegexOptions.Multiline).Groups[1].Value;
        Assert.Equal($"recur sample {Quoted(demo + "/run")} --prime \"The \"", command);
        pasted = RecurProcess.Bash(tmp.Path, command + " --length 5");
        Assert.True(pasted.ExitCode == 0, pasted.Err);
        Assert.StartsWith("The ", pasted.Out);
    }

    // The other messages that name a path as an option's value or a command's argument.
    [Fact]
    public void APathInAnyAdviceIsQuotedWhereItMustBe()
    {
        if (OperatingSystem.IsWindows()) return;
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(4000));
        string run = tmp.File(Hostile), other = tmp.File("other run");
        Assert.Equal(0, RecurProcess.Run(["train", corpus, "-o", run, "--steps", "2", .. Small]).ExitCode);

        RecurProcess.Run("train", "--resume", tmp.File("no run")).AssertCleanError($"(start one with: recur train CORPUS -o {Quoted(tmp.File("no run"))})");
        RecurProcess.Run("train", "--resume", run, "-o", other).AssertCleanError($"drop -o {Quoted(other)} or make it {Quoted(run)}");
        string state = Path.Combine(run, "state.safetensors");
        RecurProcess.Run("train", "--resume", state)
            .AssertCleanError($"--resume {Quoted(state)} is a file, not a run directory: give the run directory that holds it ({Quoted(run)})");
        RecurProcess.Run("train", "--resume", run, "--val-file", corpus).AssertCleanError($"--val-file {corpus} contradicts the saved run");
        string valFile = tmp.Write("val file.txt", TempDir.Corpus(1000));
        RecurProcess.Run("train", "--resume", run, "--val-file", valFile).AssertCleanError($"--val-file {Quoted(valFile)} contradicts the saved run");

        Directory.CreateDirectory(tmp.File("my books"));
        RecurProcess.Run(["train", tmp.File("my books"), "-o", tmp.File("r2"), .. Small])
            .AssertCleanError($"give the files in it (e.g. {Quoted(tmp.File("my books") + "/*.txt")})");

        string mac = tmp.Write("mac file.txt", TempDir.Corpus(3000).Replace('\n', '\r'));
        var warned = RecurProcess.Run(["train", mac, "-o", tmp.File("mac"), "--steps", "1", .. Small]);
        Assert.Contains($"(e.g. tr '\\r' '\\n' < {Quoted(mac)} > fixed.txt)\n", warned.Err);

        File.WriteAllBytes(state, File.ReadAllBytes(state)[..500]);
        RecurProcess.Run("train", "--resume", run)
            .AssertCleanError($"its weights can start a new one: recur train CORPUS -o NEW_DIR --init-from {Quoted(Path.Combine(run, "model.safetensors"))}");
    }
}
