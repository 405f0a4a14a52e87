// DirectoryLock within one process: a second holder is refused, with the holder named when it is known; a
// released or crashed holder's files block nobody. (Two processes: RunLockCliTests.)
using Recur.IO;
using Recur.Tests.Support;

namespace Recur.Tests.IO;

public class DirectoryLockTests
{
    // A process killed mid-save (kill -9, a power cut, SIGXFSZ) leaves AtomicFile's temporary beside the target, as
    // large as the model it was writing; the next holder of the lock removes it, and nothing else.
    [Fact]
    public void TakingTheLockRemovesTemporariesThatAKilledWriterLeft()
    {
        using var dir = new TempDir();
        string leftover = $".model.safetensors.{Guid.NewGuid():N}.tmp", shortName = $".a.{Guid.NewGuid():N}.tmp";
        string[] others = [".notes.tmp", "draft.tmp", ".x.0123456789abcdef.tmp", $".model.safetensors.{Guid.NewGuid():N}.TMP",
            $"model.safetensors.{Guid.NewGuid():N}.tmp", $".b.{Guid.NewGuid():N}.tmp.png"];
        foreach (var name in (string[])[leftover, shortName, .. others]) File.WriteAllText(dir.File(name), "x");
        using (DirectoryLock.Acquire(dir.Path))
            Assert.Equal(others.Concat([DirectoryLock.FileName, DirectoryLock.OwnerFileName]).Order(StringComparer.Ordinal), dir.Entries());
    }

    [Fact]
    public void ASecondHolderIsRefusedUntilTheFirstReleases()
    {
        using var dir = new TempDir();
        var first = DirectoryLock.Acquire(dir.Path);
        Assert.Equal([DirectoryLock.FileName, DirectoryLock.OwnerFileName], dir.Entries());
        Assert.StartsWith($"pid {Environment.ProcessId}\nstarted ", File.ReadAllText(dir.File(DirectoryLock.OwnerFileName)));

        var e = Assert.Throws<DirectoryInUseException>(() => DirectoryLock.Acquire(dir.Path));
        Assert.Equal($"{dir.Path} is in use by another training run in this process; dispose that run (or let it finish) before starting another here", e.Message);
        Assert.Throws<DirectoryInUseException>(() => DirectoryLock.ThrowIfInUse(dir.Path));
        // A holder that has not recorded itself (yet) is still a holder.
        File.Delete(dir.File(DirectoryLock.OwnerFileName));
        var unnamed = Assert.Throws<DirectoryInUseException>(() => DirectoryLock.Acquire(dir.Path));
        Assert.Equal($"{dir.Path} is in use by another recur process; wait for it to finish or stop it", unnamed.Message);

        first.Dispose();
        Assert.Empty(dir.Entries());
        DirectoryLock.ThrowIfInUse(dir.Path);
        using var second = DirectoryLock.Acquire(dir.Path);
    }

    [Fact]
    public void ACrashedHoldersFilesBlockNobody()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File(DirectoryLock.FileName), "");
        File.WriteAllText(dir.File(DirectoryLock.OwnerFileName), "pid 2147483647\nstarted 2020-01-01T00:00:00+00:00\n");
        DirectoryLock.ThrowIfInUse(dir.Path);
        using (DirectoryLock.Acquire(dir.Path))
            Assert.StartsWith($"pid {Environment.ProcessId}\n", File.ReadAllText(dir.File(DirectoryLock.OwnerFileName)));
        Assert.Empty(dir.Entries());
        Assert.True(DirectoryLock.IsLockFile(dir.File(DirectoryLock.OwnerFileName)) && !DirectoryLock.IsLockFile(dir.File("model.safetensors")));
    }
}
