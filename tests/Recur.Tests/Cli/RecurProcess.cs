// Runs the built `recur` tool (recur.dll beside the test binaries) as a child process, as a user would.
using System.Diagnostics;

namespace Recur.Tests.Cli;

sealed record RecurResult(int ExitCode, string Out, string Err)
{
    /// <summary>A user-facing failure: non-zero exit, nothing on stderr but one "recur: error:" line (and, on a machine with no font, the plots' warning).</summary>
    public void AssertCleanError(string contains)
    {
        Assert.True(ExitCode != 0, $"exit code 0; stdout: {Out}");
        Assert.DoesNotContain("   at ", Err);
        Assert.DoesNotContain("Unhandled", Err);
        var lines = Support.PlotText.WithoutFontWarning(Err).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1 && lines[0].StartsWith("recur: error: "), $"not one error line; stderr: {Err}");
        Assert.Contains(contains, Err);
    }
}

static class RecurProcess
{
    static string Dll => Path.Combine(AppContext.BaseDirectory, "recur.dll");

    public static ProcessStartInfo Info(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["CI"] = "true";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return info;
    }

    public static RecurResult Run(params string[] args) => Run(Info(args));

    /// <summary>
    /// <see cref="Info"/> for a recur the test will signal: on Linux, started by env with SIGINT and SIGQUIT at their
    /// default action. A shell starts the commands of a background job (`dotnet test ... &amp;` in a script) with both
    /// ignored, every child inherits that, and a .NET program started so never hears Ctrl-C.
    /// </summary>
    public static ProcessStartInfo Signalled(params string[] args)
    {
        var info = Info(args);
        if (!OperatingSystem.IsLinux()) return info;
        info.ArgumentList.Insert(0, info.FileName);
        info.ArgumentList.Insert(0, "--default-signal=INT,QUIT");
        info.FileName = "env";
        return info;
    }

    /// <summary>Runs recur in <paramref name="directory"/>, for relative paths.</summary>
    public static RecurResult RunIn(string directory, params string[] args)
    {
        var info = Info(args);
        info.WorkingDirectory = directory;
        return Run(info);
    }

    public static RecurResult Run(ProcessStartInfo info)
    {
        var args = info.ArgumentList.Skip(1);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3))) { p.Kill(true); Assert.Fail($"recur {string.Join(' ', args)} did not finish"); }
        p.WaitForExit();
        return new RecurResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Runs <paramref name="script"/> in bash in <paramref name="directory"/>, with `recur` a function that runs the built
    /// tool: a command line a message suggests, pasted as a user would.
    /// </summary>
    public static RecurResult Bash(string directory, string script)
    {
        var shell = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        shell.ArgumentList.Add("-c");
        shell.ArgumentList.Add("recur() { dotnet \"$RECUR_DLL\" \"$@\"; }\n" + script);
        shell.Environment["RECUR_DLL"] = Dll;
        shell.Environment["CI"] = "true";
        shell.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return Run(shell);
    }

    /// <summary>
    /// Runs recur with its stdout on Linux's /dev/full, where every write fails (ENOSPC): the command fails at
    /// its first line of output. Only where /dev/full exists; Out is empty.
    /// </summary>
    public static RecurResult RunWithFullStdout(params string[] args) => Run(Under("\"$@\" > /dev/full", args));

    /// <summary>bash running <paramref name="script"/>, in which "$@" is the recur command with <paramref name="args"/>.</summary>
    static ProcessStartInfo Under(string script, string[] args)
    {
        var shell = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["-c", script, "recur", "dotnet", Dll, .. args]) shell.ArgumentList.Add(a);
        shell.Environment["CI"] = "true";
        shell.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        return shell;
    }

    /// <summary>
    /// Runs recur with a limit on the size of a file it writes (bash's ulimit -f, in KiB), Linux only: a write past it
    /// fails with EFBIG (an IOException, as a full disk gives), or, with <paramref name="killed"/>, the default action
    /// of SIGXFSZ ends the process in the middle of the write, as a crash would (exit code 153). .NET's double mapping
    /// of generated code (W^X) needs a file larger than such a limit, so it is turned off.
    /// </summary>
    public static RecurResult RunWithFileSizeLimit(int kib, bool killed, params string[] args)
    {
        var shell = Under($"{(killed ? "" : "trap '' XFSZ; ")}ulimit -f {kib}; exec \"$@\"", args);
        shell.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        return Run(shell);
    }

    /// <summary>
    /// Runs recur, sends it Ctrl-C (SIGINT, or <paramref name="signal"/>) once <paramref name="ready"/> holds (or
    /// after 60 s), and returns its exit code and stderr (line ends as \n); a process still running 60 s later is killed
    /// and the test fails, naming where its threads wait.
    /// </summary>
    public static async Task<(int Code, string Err)> Interrupt(string[] args, Func<bool> ready, string signal = "INT")
    {
        using var p = Process.Start(Signalled(args))!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!ready() && !p.HasExited && DateTime.UtcNow < until) await Task.Delay(20);
        Signal(p, signal);
        if (!p.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            string threads = Threads(p.Id);
            p.Kill(true);
            p.WaitForExit();
            string output = await stdout;
            Assert.Fail($"recur was still running 60 s after SIG{signal}; its threads: {threads}; stderr: {await stderr}; stdout ends: {output[^Math.Min(800, output.Length)..]}");
        }
        return (p.ExitCode, (await stderr).ReplaceLineEndings("\n"));
    }

    /// <summary>A running process's signal masks and threads as "name state wchan" (Linux's /proc; empty elsewhere): where a hung one waits.</summary>
    static string Threads(int pid)
    {
        var dir = new DirectoryInfo($"/proc/{pid}/task");
        if (!dir.Exists) return "";
        try
        {
            var signals = File.ReadAllLines($"/proc/{pid}/status").Where(l => l.StartsWith("Sig"));   // blocked, ignored, caught
            return string.Join(" ", signals) + "; " + string.Join(", ", dir.EnumerateDirectories().Select(t =>
            {
                string stat = File.ReadAllText(Path.Combine(t.FullName, "stat"));
                string name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
                return $"{name} {stat[stat.LastIndexOf(')') + 2]} {File.ReadAllText(Path.Combine(t.FullName, "wchan"))}";
            }));
        }
        catch (IOException) { return "(it ended while being read)"; }
    }

    /// <summary>Starts recur in the background (see <see cref="RunningRecur"/>).</summary>
    public static RunningRecur Start(params string[] args) => new(Process.Start(Signalled(args))!);

    /// <summary>Sends a POSIX signal (INT for Ctrl-C, TERM for `kill`, KILL for a crash) to a process.</summary>
    public static void Signal(Process p, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {p.Id}") { UseShellExecute = false })!;
        kill.WaitForExit();
    }
}

/// <summary>
/// A recur process left running while a test does other things: its stdout and stderr so far, a wait for a
/// line, and a signal to stop it; killed on Dispose if still running.
/// </summary>
sealed class RunningRecur : IDisposable
{
    public Process Process { get; }
    readonly System.Text.StringBuilder output = new();   // stdout and stderr lines as they came

    public RunningRecur(Process process)
    {
        Process = process;
        DataReceivedEventHandler add = (_, e) => { if (e.Data != null) lock (output) output.Append(e.Data).Append('\n'); };
        process.OutputDataReceived += add;
        process.ErrorDataReceived += add;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Output { get { lock (output) return output.ToString(); } }

    /// <summary>Waits until the output holds <paramref name="text"/>; fails if the process ends first or 60 s pass.</summary>
    public void WaitFor(string text)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!Output.Contains(text))
        {
            Assert.False(Process.HasExited, $"recur ended (exit code {(Process.HasExited ? Process.ExitCode : 0)}) before printing '{text}': {Output}");
            Assert.True(DateTime.UtcNow < until, $"recur did not print '{text}' in 60 s: {Output}");
            Thread.Sleep(20);
        }
    }

    /// <summary>Sends <paramref name="signal"/> and returns the exit code (the process is killed if it has not ended 60 s later).</summary>
    public int Stop(string signal)
    {
        RecurProcess.Signal(Process, signal);
        if (!Process.WaitForExit(TimeSpan.FromSeconds(60))) Process.Kill(true);
        Process.WaitForExit();   // and its output read to the end
        return Process.ExitCode;
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(true);
        Process.Dispose();
    }
}
