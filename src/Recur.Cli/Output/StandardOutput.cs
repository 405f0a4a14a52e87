// stdout on Unix as a plain stream over file descriptor 1. .NET's console stream ignores EPIPE, so
// `recur sample --length 1000000 | head` generated every token for nobody; through this stream a write to
// a closed pipe throws (IOException with HResult EPIPE) and Cli.Run ends the command quietly. A training
// command, whose work would be lost that way (`recur train ... | head`), is told instead (WhenClosed) and
// stops as at Ctrl-C, its remaining words going to stderr. Any other failed write (a full disk, stdout
// closed with `>&-`) is one error line that names standard output.
// On Windows both streams are made UTF-8 instead.
namespace Recur.Cli.Output;

static class StandardOutput
{
    /// <summary>EPIPE on Linux and macOS; a failed write's IOException carries the errno as its HResult.</summary>
    public const int BrokenPipe = 32;

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
    /// Makes Console.Out write to fd 1 through <see cref="Fd1"/> (not on Windows, whose console is left as it is).
    /// A FileStream is used only where fd 1 cannot seek (a pipe, a terminal): on a seekable file it writes at
    /// offsets of its own (pwrite) and never moves the descriptor's shared offset, so stderr in `> log 2>&amp;1`,
    /// or the next command in `{ recur ...; echo; } > out`, wrote over what it had written. There .NET's
    /// console stream (plain write calls) is wrapped instead; a file never raises EPIPE.
    /// </summary>
    public static void UseUnixStream()
    {
        if (OperatingSystem.IsWindows()) return;
        Stream stream;
        try { stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0); }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException) { return; } // odd stdout: keep .NET's
        if (stream.CanSeek)
        {
            stream.Dispose();
            stream = Console.OpenStandardOutput();
        }
        Console.SetOut(new StreamWriter(new Fd1(stream), new System.Text.UTF8Encoding(false)) { AutoFlush = true });
    }

    /// <summary>Writes through to fd 1; a failure other than EPIPE says it was standard output that failed.</summary>
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
            catch (IOException e) when (e.HResult == BrokenPipe && Divert)
            {
                diverted = Console.OpenStandardError();
                Console.Error.WriteLine("recur: standard output was closed; what it would have shown goes to stderr");
                Closed = true;
                WhenClosed?.Invoke();
                diverted.Write(buffer, offset, count);
            }
            catch (IOException e) when (e.HResult == BrokenPipe) { throw; }
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
