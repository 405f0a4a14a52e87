// One writer per run directory: a training run holds DIR/.recur.lock open with FileShare.None for as long as
// it writes in DIR. .NET takes that as flock(LOCK_EX) on Unix (per open file, so a second handle in the same
// process is refused too) and as a share mode on Windows; either way the OS drops the lock when the process
// ends, even by SIGKILL, so a lock file a crash left behind blocks nobody.
// A locked file cannot be read by another .NET process (every open asks for a flock), so the holder's pid and
// start time, which the refusal quotes, are in a second file, DIR/.recur.lock.owner. Both files go when the
// lock is released. Taking the lock removes the temporary files (AtomicFile's .NAME.GUID.tmp) that a process
// killed mid-write left in DIR: recur writes there only under the lock, so none is being written.
using System.Diagnostics;
using System.Globalization;

namespace Recur.IO;

/// <summary>Another process (or another run in this process) holds the directory's lock.</summary>
public sealed class DirectoryInUseException(string message) : IOException(message);

/// <summary>An exclusive, process-wide lock on a directory, released on Dispose or when the process ends.</summary>
public sealed class DirectoryLock : IDisposable
{
    /// <summary>The lock file and the file naming its holder (pid and start time), both in the locked directory while it is held.</summary>
    public const string FileName = ".recur.lock", OwnerFileName = ".recur.lock.owner";

    /// <summary>The locked directory, as given to <see cref="Acquire"/>.</summary>
    public string Directory { get; }
    FileStream? held;

    DirectoryLock(string dir, FileStream stream)
    {
        Directory = dir;
        held = stream;
    }

    /// <summary>
    /// Takes the lock of <paramref name="dir"/>, which must exist, and records this process as its holder.
    /// </summary>
    /// <exception cref="DirectoryInUseException">Another holder has it: the message names the holder and what to do.</exception>
    public static DirectoryLock Acquire(string dir)
    {
        string path = Path.Combine(dir, FileName);
        // A holder removes the file before it lets go (Dispose), so a file opened just before that is no longer
        // the lock once it is ours: then open the one now at the path. Each retry needs another holder to come
        // and go in between, so a handful is plenty.
        for (int attempt = 0; attempt < 100; attempt++)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1,
                    // Windows cannot delete a file open without FileShare.Delete: it goes when the handle closes.
                    OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None);
            }
            catch (IOException e) when (IsHeld(e)) { throw InUse(dir); }
            if (!NamedBy(stream, path))
            {
                stream.Dispose();
                continue;
            }
            var taken = new DirectoryLock(dir, stream);
            try { AtomicFile.WriteAllText(Path.Combine(dir, OwnerFileName), $"pid {Environment.ProcessId}\nstarted {DateTimeOffset.Now:O}\n"); }
            catch { taken.Dispose(); throw; }
            // The holder is the directory's only writer now: a temporary file there is one a killed process left.
            AtomicFile.RemoveLeftovers(dir);
            return taken;
        }
        throw new IOException($"{path}: could not take the lock (it kept being replaced); try again");
    }

    /// <summary>
    /// Refuses <paramref name="dir"/> now if another holder has its lock, before slow work (reading a corpus) that
    /// would otherwise end in the refusal; takes nothing. A missing directory or lock file is not in use.
    /// </summary>
    /// <exception cref="DirectoryInUseException">Another holder has it.</exception>
    public static void ThrowIfInUse(string dir)
    {
        string path = Path.Combine(dir, FileName);
        if (!File.Exists(path)) return;
        try { using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None); }
        catch (IOException e) when (IsHeld(e)) { throw InUse(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // gone, or unreadable: Acquire decides
    }

    /// <summary>True for the lock's own files (a holder's, or a crashed holder's), which are no part of what a directory holds.</summary>
    public static bool IsLockFile(string path) => Path.GetFileName(path) is FileName or OwnerFileName;

    /// <summary>Removes the owner and lock files and releases the lock.</summary>
    public void Dispose()
    {
        if (held == null) return;
        TryDelete(Path.Combine(Directory, OwnerFileName));
        // Removed while still held, so no one can take a lock on this file once it is gone from the directory
        // (Acquire checks for the case where someone opened it just before).
        if (!OperatingSystem.IsWindows()) TryDelete(Path.Combine(Directory, FileName));
        held.Dispose();
        held = null;
    }

    static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>
    /// True when <paramref name="path"/> names the file <paramref name="stream"/> has open. .NET gives no inode
    /// number to compare, so a random modification time is set through the handle and read back through the path.
    /// Only a file's owner may set its times: in another user's file, the path is only checked to still be there.
    /// </summary>
    static bool NamedBy(FileStream stream, string path)
    {
        try { File.SetLastWriteTimeUtc(stream.SafeFileHandle, DateTime.UtcNow.AddTicks(-Random.Shared.NextInt64(TimeSpan.TicksPerDay))); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException) { return File.Exists(path); }
        var stamp = File.GetLastWriteTimeUtc(stream.SafeFileHandle);   // as the file system stores it (some round to seconds)
        return File.GetLastWriteTimeUtc(path) == stamp;
    }

    /// <summary>
    /// The error of opening a file another holder has locked: EWOULDBLOCK from flock (11 on Linux, 35 on macOS and
    /// the BSDs; .NET puts errno in HResult on Unix) or a sharing or lock violation on Windows.
    /// </summary>
    static bool IsHeld(IOException e) => OperatingSystem.IsWindows()
        ? e.HResult is unchecked((int)0x80070020) or unchecked((int)0x80070021)
        : e.HResult == (OperatingSystem.IsLinux() ? 11 : 35);

    static DirectoryInUseException InUse(string dir)
    {
        var (pid, started) = Owner(dir);
        if (pid == Environment.ProcessId)
            return new($"{dir} is in use by another training run in this process; dispose that run (or let it finish) before starting another here");
        if (pid is int other && IsRunning(other))
            return new($"{dir} is in use by another recur process (pid {other}, started at {started:yyyy-MM-dd HH:mm:ss}); " +
                // Windows has no SIGTERM: its `kill` (PowerShell's Stop-Process) and taskkill /F end a process without the save.
                (OperatingSystem.IsWindows() ? "wait for it to finish or stop it (Ctrl-C in its window)" : $"wait for it to finish or stop it (Ctrl-C in its terminal, or kill {other})"));
        // Its holder has not recorded itself yet, or the record is a crashed holder's.
        return new($"{dir} is in use by another recur process; wait for it to finish or stop it");
    }

    /// <summary>The holder's pid and start time (local) from the owner file, or nulls where it is missing or unreadable.</summary>
    static (int? Pid, DateTime? Started) Owner(string dir)
    {
        string[] lines;
        try
        {
            // Sharing deletion, so that on Windows this read cannot keep the holder from removing the file as it ends.
            using var reader = new StreamReader(new FileStream(Path.Combine(dir, OwnerFileName), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete));
            lines = reader.ReadToEnd().Split('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return (null, null); }
        string? Value(string key) => lines.FirstOrDefault(l => l.StartsWith(key + " ", StringComparison.Ordinal))?[(key.Length + 1)..];
        int? pid = int.TryParse(Value("pid"), NumberStyles.None, CultureInfo.InvariantCulture, out int p) ? p : null;
        DateTime? started = DateTimeOffset.TryParse(Value("started"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var s) ? s.LocalDateTime : null;
        return pid == null || started == null ? (null, null) : (pid, started);
    }

    static bool IsRunning(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return true; }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { return false; }
    }
}
