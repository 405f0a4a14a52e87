// Ctrl-C during a long command: the first press cancels the token, so the work stops at its next step
// and the command saves or cleans up; a second press ends the process at once (every file is written
// atomically, so what is on disk stays whole).
namespace Recur.Cli;

sealed class CtrlC : IDisposable
{
    readonly CancellationTokenSource cancel = new();
    readonly ConsoleCancelEventHandler handler;

    /// <param name="notice">Printed on stderr at the first press (what the command will do now), or nothing.</param>
    public CtrlC(string? notice = null)
    {
        handler = (_, e) =>
        {
            if (cancel.IsCancellationRequested) return; // the second press: let the process end
            e.Cancel = true;
            cancel.Cancel();
            if (notice != null) Console.Error.WriteLine(notice);
        };
        Console.CancelKeyPress += handler;
    }

    public CancellationToken Token => cancel.Token;
    public bool Pressed => cancel.IsCancellationRequested;

    public void Dispose()
    {
        Console.CancelKeyPress -= handler;
        cancel.Dispose();
    }
}
