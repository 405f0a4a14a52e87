// The CLI's run-directory helpers in process, where a failure or another process can be put at a chosen point:
// a failed new run is removed while its lock is still held, so that a process that takes the directory as the
// lock goes keeps what it writes there.
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
}
