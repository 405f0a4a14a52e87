// Whole-file writes that never leave a partial file: write a temporary file beside the target,
// flush it to disk, then rename it over the target (atomic on POSIX and NTFS). On any failure the
// temporary file is removed and the old target, if any, is untouched. The rename replaces a symbolic
// link at the target rather than the file it points to.
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
        string dir = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' names no file");
        // Hidden, unique, and short enough that a long target name cannot push it past NAME_MAX.
        string name = Path.GetFileName(full);
        string temp = Path.Combine(dir, $".{(name.Length > 64 ? name[..64] : name)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

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
