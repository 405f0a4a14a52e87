// The CLI's run-directory helpers in process, where a failure or another process can be put at a chosen point:
// a failed new run is removed while its lock is still held, so that a process that takes the directory as the
// lock goes keeps what it writes there; a staged run's files replace the old run's all together or not at all.
using Recur.IO;
using Recur.Tests.Support;
using CliRun = global::Recur.Cli.Cli;

namespace Recur.Tests.Cli;

public class RunDirectoryTests
{
    /// <summary>A lock holder that runs <paramref name="then"/> right after releasing: another process taking the directory.</summary>
    sealed class ReleaseThen(IDisposable held, Action then) : IDisposable
    {
        public void Dispose()
        {
            held.Dispose();
            then();
        }
    }

    [Fact]
    public void AFailedNewRunIsRemovedWhileItsLockIsHeld()
    {
        using var tmp = new TempDir();
        string run = tmp.File("new/run");
        var (held, created) = CliRun.CreateLockedDirectory(run, "run directory", () => { });
        Assert.Equal(tmp.File("new"), created);
        File.WriteAllText(Path.Combine(run, "model.safetensors"), "a failed run's model");
        Directory.CreateDirectory(Path.Combine(run, ".recur-new-1"));
        File.WriteAllText(Path.Combine(run, ".recur-new-1", "history.csv"), "its history");

        // Another recur that takes the directory the moment the lock goes, and starts its run there.
        DirectoryLock? theirs = null;
        CliRun.RemoveCreated(created, run, new ReleaseThen(held, () =>
        {
            theirs = DirectoryLock.Acquire(run);
            File.WriteAllText(Path.Combine(run, "history.csv"), "theirs");
        }));
        using (theirs)
        {
            // It once lost its files: the directory was deleted whole after the lock was released.
            Assert.Equal("theirs", File.ReadAllText(Path.Combine(run, "history.csv")));
            Assert.Equal([".recur.lock", ".recur.lock.owner", "history.csv"],
                Directory.GetFileSystemEntries(run).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }

        // Alone, the run goes with the folders it made, and no lock file stays.
        string alone = tmp.File("alone/a/run");
        (held, created) = CliRun.CreateLockedDirectory(alone, "run directory", () => { });
        File.WriteAllText(Path.Combine(alone, "model.safetensors"), "a failed run's model");
        CliRun.RemoveCreated(created, alone, held);
        Assert.False(Directory.Exists(tmp.File("alone")));
        // The folder the other process is in stays.
        Assert.True(Directory.Exists(tmp.File("new")));
    }

    static string[] Entries(string dir) => Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    static readonly string[] Owned = ["model.safetensors", "history.csv", "loss.png"];

    [Fact]
    public void AStagedRunReplacesTheOldRunWholeAndLeavesOtherFiles()
    {
        using var tmp = new TempDir();
        string run = tmp.Path;
        foreach (var name in Owned) File.WriteAllText(Path.Combine(run, name), "old " + name);
        File.WriteAllText(Path.Combine(run, "data.csv"), "the user's");
        Directory.CreateDirectory(Path.Combine(run, global::Recur.Cli.StagedRun.NewPrefix + "killed"));   // a killed run's

        using (var staged = new global::Recur.Cli.StagedRun(run, Owned))
        {
            Assert.Equal([Path.GetFileName(staged.Folder), "data.csv", "history.csv", "loss.png", "model.safetensors"], Entries(run));
            File.WriteAllText(staged.PathOf("model.safetensors"), "new model");
            File.WriteAllText(staged.PathOf("history.csv"), "new history");   // and no plot: it could not be drawn
            Assert.Equal("old model.safetensors", File.ReadAllText(Path.Combine(run, "model.safetensors")));
            staged.Commit();
            Assert.True(staged.Committed);
        }
        // The old plot went with the old run: it would have shown another run than the model's.
        Assert.Equal(["data.csv", "history.csv", "model.safetensors"], Entries(run));
        Assert.Equal("new model", File.ReadAllText(Path.Combine(run, "model.safetensors")));
        Assert.Equal("the user's", File.ReadAllText(Path.Combine(run, "data.csv")));

        // Not committed (the run failed): the staging folder goes, the run stays as it was.
        using (var failed = new global::Recur.Cli.StagedRun(run, Owned))
            File.WriteAllText(failed.PathOf("model.safetensors"), "a failed run's model");
        Assert.Equal(["data.csv", "history.csv", "model.safetensors"], Entries(run));
        Assert.Equal("new model", File.ReadAllText(Path.Combine(run, "model.safetensors")));
    }

    [Fact]
    public void WithNoOldRunTheFilesAreWrittenInPlace()
    {
        using var tmp = new TempDir();
        string run = tmp.Path;
        File.WriteAllText(Path.Combine(run, "data.csv"), "the user's");
        Directory.CreateDirectory(Path.Combine(run, global::Recur.Cli.StagedRun.NewPrefix + "killed"));   // a killed run's

        // In place: a reader sees the model as soon as it is written (a classifier's best epoch, mid-run).
        using (var staged = new global::Recur.Cli.StagedRun(run, Owned))
        {
            Assert.Equal(run, staged.Folder);
            Assert.Equal(["data.csv"], Entries(run));
            File.WriteAllText(staged.PathOf("model.safetensors"), "new model");
            Assert.Equal("new model", File.ReadAllText(Path.Combine(run, "model.safetensors")));
            staged.Commit();
        }
        Assert.Equal(["data.csv", "model.safetensors"], Entries(run));

        // Not committed (the run failed): what it wrote goes, as there was no run before it.
        File.Delete(Path.Combine(run, "model.safetensors"));
        using (var failed = new global::Recur.Cli.StagedRun(run, Owned))
        {
            File.WriteAllText(failed.PathOf("model.safetensors"), "a failed run's model");
            File.WriteAllText(failed.PathOf("history.csv"), "a failed run's history");
        }
        Assert.Equal(["data.csv"], Entries(run));
    }

    [Fact]
    public void AFailedCommitPutsTheOldRunBack()
    {
        using var tmp = new TempDir();
        string run = tmp.Path;
        File.WriteAllText(Path.Combine(run, "model.safetensors"), "old model");
        // loss.png cannot be put in place: a folder of the user's has its name. The model and history are moved
        // first (in the order of the names), so they must be taken back out.
        Directory.CreateDirectory(Path.Combine(run, "loss.png"));
        File.WriteAllText(Path.Combine(run, "loss.png", "mine.txt"), "mine");
        var staged = new global::Recur.Cli.StagedRun(run, Owned);
        foreach (var name in Owned) File.WriteAllText(staged.PathOf(name), "new " + name);
        var e = Assert.Throws<IOException>(staged.Commit);
        Assert.StartsWith($"{run}: the new run could not be put in place (", e.Message);
        Assert.EndsWith("), so it was not saved; the directory is left as it was", e.Message);
        Assert.Contains("loss.png", e.Message);
        Assert.False(staged.Committed);
        staged.Dispose();
        Assert.Equal(["loss.png", "model.safetensors"], Entries(run));
        Assert.Equal("old model", File.ReadAllText(Path.Combine(run, "model.safetensors")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(run, "loss.png", "mine.txt")));
    }
}
