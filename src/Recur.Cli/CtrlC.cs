// Ctrl-C during a long command: the first press cancels the token, so the work stops at its next step
// and the command saves or cleans up; a second press ends the process at once (every file is written
// atomically, so what is on disk stays whole). SIGTERM (`kill PID`, a job scheduler's time limit, a
// container stopping) is taken the same way, so a stopped training run keeps its last step too, and so is
// the reader of stdout going away (`recur train ... | head`), after which the command's words go to stderr.
using System.Runtime.InteropServices;

namespace Recur.Cli;

sealed class CtrlC : IDisposable
{
    readonly CancellationTokenSource cancel = new();
    readonly ConsoleCancelEventHandler handler;
    readonly PosixSignalRegistration? term;
    readonly string? notice;
    readonly TextWriter errors;

    /// <param name="notice">
    /// Printed on stderr at the first stop (what the command will do now), followed by how to quit at once,
    /// worded for what stopped it; or nothing.
    /// </param>
    /// <param name="errors">Where the notice goes: stderr, unless a test gives a writer.</param>
    public CtrlC(string? notice = null, TextWriter? errors = null)
    {
        this.notice = notice;
        this.errors = errors ?? Console.Error;
        handler = (_, e) => e.Cancel = Stop("Ctrl-C again to quit at once");
        Console.CancelKeyPress += handler;
        try { term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => c.Cancel = Stop("terminated; send SIGTERM again to quit at once")); }
        catch (PlatformNotSupportedException) { } // a platform without SIGTERM: Ctrl-C alone
        Output.StandardOutput.Divert = true;
        const string closed = "Ctrl-C to quit at once";   // a closed stdout cannot be closed again
        Output.StandardOutput.WhenClosed = () => Stop(closed);
        if (Output.StandardOutput.Closed) Stop(closed);   // it went away before this listened (train's opening lines)
    }

    // True at the first signal (keep running until the next step); false at the second, so the default
    // action ends the process. The notice is written before the token is cancelled: the command's own last
    // line ("interrupted in epoch 1; ...") follows the cancel, on another thread, and must come after it.
    bool Stop(string hint)
    {
        lock (cancel)
        {
            if (cancel.IsCancellationRequested) return false;
            if (notice != null) errors.WriteLine($"{notice} ({hint})");
            cancel.Cancel();
        }
        return true;
    }

    public CancellationToken Token => cancel.Token;
    public bool Pressed => cancel.IsCancellationRequested;

    public void Dispose()
    {
        Output.StandardOutput.WhenClosed = null;
        Console.CancelKeyPress -= handler;
        term?.Dispose();
        cancel.Dispose();
    }
}
