// Whole-file writes that never leave a partial file: write a temporary file beside the target,
// flush it to disk, then rename it over the target (atomic on POSIX and NTFS). On any failure the
// temporary file is removed and the old target, if any, is untouched. The rename replaces a symbolic
// link at the target rather than the file it points to.
// Windows will not replace a file that another program has open (MoveFileEx fails with access denied even
// where the holder allows deletion), and such holds are mostly brief: a reader loading the model, a virus
// scanner, Explorer's preview. There the rename is retried for a few seconds before the error is thrown.
namespace Recur.IO;

/// <summary>Atomic file replacement.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/>, which must not close the stream;
    /// on any failure the old file (if any) is untouched and no temporary file is left behind.
    /// </summary>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        // On Windows a device name (CON, NUL, AUX, COM1 ...) with any extension is the device, \\.\CON, in no directory.
        string dir = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' names no file (on Windows: a device such as CON or NUL); choose another name");
        string name = Path.GetFileName(full);
        // Checked here, or the error would name the temporary file (Windows forbids " * : < > ? | in a name).
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) is int bad and >= 0)
            throw new IOException($"'{path}': a file name cannot hold '{name[bad]}' here; choose another name");
        // Hidden, unique, and short enough that a long target name cannot push it past NAME_MAX.
        string temp = Path.Combine(dir, $".{(name.Length > 64 ? name[..64] : name)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            MoveOver(temp, full);
        }
        catch (Exception e)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            // .NET names the temporary file: say it of the file being written, and what to do.
            if (DiskFullException.Is(e)) throw new DiskFullException(path, e);
            throw;
        }
    }

    /// <summary>
    /// Deletes the temporary files of <see cref="Write"/> (.NAME.GUID.tmp) in <paramref name="dir"/>, which only a process
    /// killed mid-write leaves; call it only where no other process can be writing there (holding the directory's lock).
    /// Returns how many went.
    /// </summary>
    public static int RemoveLeftovers(string dir)
    {
        int removed = 0;
        foreach (var file in Directory.EnumerateFiles(dir, ".*.tmp"))
            if (IsTemporary(Path.GetFileName(file)))
                try { File.Delete(file); removed++; }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        return removed;
    }

    /// <summary>True for a name as <see cref="Write"/> makes its temporary files: '.', the target's name, '.', 32 hex digits, ".tmp".</summary>
    static bool IsTemporary(string name) =>
        name.Length >= 39 && name[0] == '.' && name.EndsWith(".tmp", StringComparison.Ordinal) && name[^37] == '.'
        && name.AsSpan(name.Length - 36, 32).IndexOfAnyExcept("0123456789abcdef") < 0;

    /// <summary>
    /// Renames <paramref name="source"/> over <paramref name="target"/> (File.Move with overwrite). On Windows, while another
    /// program has <paramref name="target"/> open (or <paramref name="source"/>: a virus scanner reading a new file), the
    /// rename is retried for up to 3 s before the last error is thrown; elsewhere an open file is no obstacle, and an
    /// error is thrown at once.
    /// </summary>
    public static void MoveOver(string source, string target)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        for (int delayMs = 10; ; delayMs = Math.Min(2 * delayMs, 250))
        {
            try
            {
                File.Move(source, target, overwrite: true);
                return;
            }
            catch (Exception e) when (OperatingSystem.IsWindows() && IsInUse(e) && waited.Elapsed.TotalSeconds < RetrySeconds)
            {
                Thread.Sleep(delayMs);
            }
        }
    }

    const double RetrySeconds = 3;

    /// <summary>
    /// Windows' errors for a file another handle holds: ERROR_ACCESS_DENIED (MoveFileEx onto an open target), a sharing
    /// or lock violation. Access denied is also a real permission problem, which the retries only delay.
    /// </summary>
    static bool IsInUse(Exception e) =>
        e is UnauthorizedAccessException || e is IOException { HResult: unchecked((int)0x80070020) or unchecked((int)0x80070021) };

    /// <summary>
    /// Creates <paramref name="dir"/> if needed and writes and deletes a probe file in it, so a run learns
    /// before any long work that it cannot save there. Throws the IOException or UnauthorizedAccessException.
    /// </summary>
    public static void EnsureWritableDirectory(string dir)
    {
        Directory.CreateDirectory(dir);
        string probe = Path.Combine(dir, $".write-test-{Environment.ProcessId}");
        File.WriteAllBytes(probe, []);
        File.Delete(probe);
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark, atomically as <see cref="Write"/> does.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), leaveOpen: true); w.Write(text); });
}
