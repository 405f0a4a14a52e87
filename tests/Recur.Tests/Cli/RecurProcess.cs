// Runs the built `recur` tool (recur.dll beside the test binaries) as a child process, as a user would.
using System.Diagnostics;

namespace Recur.Tests.Cli;

sealed record RecurResult(int ExitCode, string Out, string Err)
{
    /// <summary>A user-facing failure: non-zero exit, nothing on stderr but one "recur: error:" line.</summary>
    public void AssertCleanError(string contains)
    {
        Assert.True(ExitCode != 0, $"exit code 0; stdout: {Out}");
        Assert.DoesNotContain("   at ", Err);
        Assert.DoesNotContain("Unhandled", Err);
        var lines = Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
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

    public static RecurResult Run(params string[] args)
    {
        using var p = Process.Start(Info(args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3))) { p.Kill(true); Assert.Fail($"recur {string.Join(' ', args)} did not finish"); }
        p.WaitForExit();
        return new RecurResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Runs recur, sends it Ctrl-C (SIGINT, or <paramref name="signal"/>) once <paramref name="ready"/> holds (or
    /// after 60 s), and returns its exit code and stderr (line ends as \n); a process still running 60 s later is killed.
    /// </summary>
    public static async Task<(int Code, string Err)> Interrupt(string[] args, Func<bool> ready, string signal = "INT")
    {
        using var p = Process.Start(Info(args))!;
        var stderr = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!ready() && !p.HasExited && DateTime.UtcNow < until) await Task.Delay(20);
        Signal(p, signal);
        if (!p.WaitForExit(TimeSpan.FromSeconds(60))) p.Kill(true);
        return (p.ExitCode, (await stderr).ReplaceLineEndings("\n"));
    }

    /// <summary>Sends a POSIX signal (INT for Ctrl-C, TERM for `kill`, KILL for a crash) to a process.</summary>
    public static void Signal(Process p, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", $"-{signal} {p.Id}") { UseShellExecute = false })!;
        kill.WaitForExit();
    }
}
