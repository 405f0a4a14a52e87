// A run's files (classify train, forecast train) replacing an old run's (--force) are written into a hidden
// staging folder inside the run directory and moved into place together when the run ends, so that a run that
// fails leaves the old run whole, never a new model beside the old run's history, predictions or plots. Inside
// the run directory rather than beside it: the moves are renames within one file system, the folder is under the
// directory's lock, and it can be made wherever the run directory can be written (its parent need not be).
// A directory that holds none of the run's files has no old run to keep: there the run writes in place, so a
// classifier's best epoch can be read while it trains (sample, eval and predict take no lock) and outlasts a
// process killed outright; a run that fails there still leaves none of its files.
// Files in the directory that are not the run's (the data, the user's notes) are never touched.
using Recur.IO;

namespace Recur.Cli;

/// <summary>The files a run owns in its directory, staged until <see cref="Commit"/> puts them in place together.</summary>
sealed class StagedRun : IDisposable
{
    /// <summary>
    /// The staging folder's name starts with NewPrefix; during <see cref="Commit"/> the old run's files wait in a folder
    /// named with OldPrefix, which is left behind only if they could not be put back after a failed commit.
    /// </summary>
    public const string NewPrefix = ".recur-new-", OldPrefix = ".recur-old-";

    readonly string dir, old;
    readonly string[] names;
    readonly bool inPlace;   // no old run: Folder is the run directory itself

    /// <summary>
    /// Where the run writes its files (same names as in the run directory): the staging folder until Commit, or the run
    /// directory itself when it held none of them.
    /// </summary>
    public string Folder { get; }

    /// <summary>True once the run's files are in place in the run directory.</summary>
    public bool Committed { get; private set; }

    /// <summary>
    /// Makes the staging folder in <paramref name="dir"/>, which this process must hold locked (DirectoryLock), for the
    /// files <paramref name="names"/>, every file a run owns there, when the directory holds any of them; else the run
    /// writes in place. A staging folder that a killed run left behind (the lock says that no run is using it) is
    /// removed first.
    /// </summary>
    public StagedRun(string dir, IReadOnlyList<string> names)
    {
        this.dir = dir;
        this.names = [.. names];
        foreach (var leftover in Directory.GetDirectories(dir, NewPrefix + "*")) TryDelete(leftover);
        inPlace = !this.names.Any(name => File.Exists(Path.Combine(dir, name)));
        if (inPlace)
        {
            Folder = old = dir;
            return;
        }
        string id = Guid.NewGuid().ToString("N")[..12];
        Folder = Path.Combine(dir, NewPrefix + id);
        old = Path.Combine(dir, OldPrefix + id);
        Directory.CreateDirectory(Folder);
    }

    /// <summary>Where the run writes its file <paramref name="name"/> until Commit.</summary>
    public string PathOf(string name) => Path.Combine(Folder, name);

    /// <summary>
    /// Makes the staged files the run's files: the old run's (every one of the names in the directory) are moved aside,
    /// the staged ones moved in, and then the old ones deleted; a name the new run did not write (a plot it could not
    /// draw) is left absent rather than holding the old run's. If a move fails, what was moved is put back, so the
    /// directory is as it was, and an IOException says so.
    /// </summary>
    public void Commit()
    {
        if (inPlace)
        {
            Committed = true;
            return;
        }
        var aside = new List<string>();   // the old run's files now in the old folder
        var moved = new List<string>();   // the new run's files now in the directory
        try
        {
            foreach (var name in names)
                if (File.Exists(Path.Combine(dir, name)))
                {
                    if (aside.Count == 0) Directory.CreateDirectory(old);
                    AtomicFile.MoveOver(Path.Combine(dir, name), Path.Combine(old, name));
                    aside.Add(name);
                }
            foreach (var name in names)
                if (File.Exists(PathOf(name)))
                {
                    AtomicFile.MoveOver(PathOf(name), Path.Combine(dir, name));
                    moved.Add(name);
                }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            bool restored = PutBack(aside, moved);
            throw new IOException($"{dir}: the new run could not be put in place ({Cli.OneLine(e.Message)}), so it was not saved; " +
                (restored ? "the directory is left as it was" : $"the old run's files that could not be put back are in {old}"), e);
        }
        Committed = true;
        TryDelete(old);
        TryDelete(Folder);
    }

    /// <summary>Undoes a failed commit: the new files out, the old ones back over them. True when every old file is back.</summary>
    bool PutBack(List<string> aside, List<string> moved)
    {
        foreach (var name in moved.Except(aside))
            try { File.Delete(Path.Combine(dir, name)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        bool restored = true;
        foreach (var name in aside)
            try { AtomicFile.MoveOver(Path.Combine(old, name), Path.Combine(dir, name)); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { restored = false; }
        if (restored) TryDelete(old);
        return restored;
    }

    /// <summary>Unless the files were put in place, removes the staging folder, or in place the run's files (none were there before).</summary>
    public void Dispose()
    {
        if (Committed) return;
        if (!inPlace) TryDelete(Folder);
        else
            foreach (var name in names)
                try { File.Delete(Path.Combine(dir, name)); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    static void TryDelete(string folder)
    {
        try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
