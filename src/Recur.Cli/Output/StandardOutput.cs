// stdout as a plain stream over file descriptor 1 (Unix) or the standard output pipe (Windows). .NET's console
// stream ignores EPIPE on Unix and ERROR_NO_DATA / ERROR_BROKEN_PIPE on Windows, so
// `recur sample --length 1000000 | head` generated every token for nobody; through this stream a write to
// a closed pipe throws (IOException, see IsBrokenPipe) and Cli.Run ends the command quietly. A training
// command, whose work would be lost that way (`recur train ... | head`), is told instead (WhenClosed) and
// stops as at Ctrl-C, its remaining words going to stderr. Any other failed write (a full disk, stdout
// closed with `>&-`) is one error line that names standard output.
// On Windows both streams are made UTF-8 too, and a console is left to .NET.
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Recur.Cli.Output;

static partial class StandardOutput
{
    /// <summary>
    /// True for the error of writing to a pipe whose reader has gone: EPIPE on Linux and macOS (a failed write's
    /// IOException carries the errno as its HResult); on Windows ERROR_NO_DATA ("the pipe is being closed"),
    /// ERROR_BROKEN_PIPE, or ERROR_PIPE_NOT_CONNECTED (what wine reports).
    /// </summary>
    public static bool IsBrokenPipe(IOException e) => OperatingSystem.IsWindows()
        ? e.HResult is unchecked((int)0x800700E8) or unchecked((int)0x8007006D) or unchecked((int)0x800700E9)
        : e.HResult == 32;

    /// <summary>
    /// Set by a command whose work a closed stdout must not end (training): the first write that finds the
    /// reader gone, and every later one, go to stderr instead, and <see cref="WhenClosed"/> is called.
    /// </summary>
    public static bool Divert { get; set; }

    /// <summary>True once stdout's reader went away and its words go to stderr (see <see cref="Divert"/>).</summary>
    public static bool Closed { get; private set; }

    /// <summary>What to do when stdout's reader goes away under <see cref="Divert"/>: stop the training (CtrlC).</summary>
    public static Action? WhenClosed { get; set; }

    /// <summary>
    /// On Windows, UTF-8 for stdout and stderr: the console's default (OEM) code page shows most of a sampled
    /// text as '?', and `recur sample > out.txt` would write that too. Linux and macOS are UTF-8 already.
    /// </summary>
    public static void UseUtf8OnWindows()
    {
        if (!OperatingSystem.IsWindows()) return;
        try { Console.OutputEncoding = new System.Text.UTF8Encoding(false); }
        catch (Exception e) when (e is IOException or PlatformNotSupportedException) { } // no console to set: keep .NET's
    }

    /// <summary>
    /// Makes Console.Out write to standard output through <see cref="Fd1"/>; a console on Windows is left to .NET.
    /// A FileStream is used only where stdout cannot seek (a pipe, a terminal): on a seekable file it writes at
    /// offsets of its own (pwrite on Unix, an offset per write on Windows) and never moves the descriptor's shared
    /// offset, so stderr in `> log 2>&amp;1`, or the next command in `{ recur ...; echo; } > out`, wrote over what it
    /// had written. There .NET's console stream (plain writes) is wrapped instead; a file never raises EPIPE.
    /// </summary>
    public static void UseOwnStream()
    {
        if (OperatingSystem.IsWindows() && !Console.IsOutputRedirected) return;
        Stream stream;
        try { stream = new FileStream(StdoutHandle(), FileAccess.Write, bufferSize: 0); }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException) { return; } // odd stdout: keep .NET's
        if (stream.CanSeek)
        {
            stream.Dispose();
            stream = Console.OpenStandardOutput();
        }
        Console.SetOut(new StreamWriter(new Fd1(stream), new System.Text.UTF8Encoding(false)) { AutoFlush = true });
    }

    static SafeFileHandle StdoutHandle() =>
        new(OperatingSystem.IsWindows() ? GetStdHandle(StdOutputHandle) : 1, ownsHandle: false);

    const int StdOutputHandle = -11;

    [LibraryImport("kernel32.dll")]
    private static partial nint GetStdHandle(int nStdHandle);

    /// <summary>Writes through to standard output; a failure other than a broken pipe says it was standard output that failed.</summary>
    sealed class Fd1(Stream inner) : Stream
    {
        Stream? diverted;   // stderr, once the reader of stdout went away during a WhenClosed command

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (diverted != null)
            {
                diverted.Write(buffer, offset, count);
                return;
            }
            try { inner.Write(buffer, offset, count); }
            catch (IOException e) when (IsBrokenPipe(e) && Divert)
            {
                diverted = Console.OpenStandardError();
                Console.Error.WriteLine("recur: standard output was closed; what it would have shown goes to stderr");
                Closed = true;
                WhenClosed?.Invoke();
                diverted.Write(buffer, offset, count);
            }
            catch (IOException e) when (IsBrokenPipe(e)) { throw; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"cannot write to standard output: {e.Message.TrimEnd('.')}", e);
            }
        }

        public override void Flush() => inner.Flush();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
