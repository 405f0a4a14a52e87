// AtomicFile: a write that fails midway leaves the old file byte-identical and no temporary file.
using Recur.IO;

using Recur.Tests.Support;

namespace Recur.Tests.IO;

public class AtomicFileTests
{
    static void FailMidway(Stream s)
    {
        s.Write(new byte[10_000]);
        throw new IOException("writer failed midway");
    }

    [Fact]
    public void FailedWriteKeepsOldFileAndLeavesNoTemp()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        byte[] old = [1, 2, 3, 4, 5];
        File.WriteAllBytes(path, old);
        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, FailMidway));
        Assert.Equal("writer failed midway", e.Message); // the writer's own exception, unchanged
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.Entries());
    }

    // A full disk (ENOSPC, as .NET reports it on Unix: HResult 28, naming the temporary file) is said of the
    // file being written, with what to do; the old file stays and no temporary is left.
    [Fact]
    public void AFullDiskIsSaidOfTheFileBeingWritten()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        var e = Assert.Throws<DiskFullException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[10_000]);
            throw new IOException($"No space left on device : '{dir.File(".model.safetensors.0123.tmp")}'", OperatingSystem.IsWindows() ? unchecked((int)0x80070070) : 28);
        }));
        Assert.Equal($"{path}: no space left on the device (or over the disk quota); free some space and try again", e.Message);
        Assert.Equal(path, e.Path);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.Entries());
        // Another I/O error passes as it was.
        Assert.Equal("writer failed midway", Assert.Throws<IOException>(() => AtomicFile.Write(path, FailMidway)).Message);
    }

    [Fact]
    public void FailedWriteCreatesNothing()
    {
        using var dir = new TempDir();
        Assert.Throws<IOException>(() => AtomicFile.Write(dir.File("new.bin"), FailMidway));
        Assert.Empty(dir.Entries());
    }

    [Fact]
    public void FailedModelSaveKeepsOldModel()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        ModelFile.Save(path, new ToyNet(seed: 1), null);
        byte[] old = File.ReadAllBytes(path);
        // A metadata map that throws while the header is built: nothing may reach the disk.
        Assert.ThrowsAny<Exception>(() => ModelFile.Save(path, new ToyNet(seed: 2), new ThrowingMap()));
        Assert.Equal(old, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], dir.Entries());
    }

    [Fact]
    public void SuccessfulWriteReplacesAndLeavesNoTemp()
    {
        using var dir = new TempDir();
        string path = dir.File("notes.txt");
        File.WriteAllText(path, "old text that is longer than the new");
        AtomicFile.WriteAllText(path, "new ✓");
        Assert.Equal("new ✓", File.ReadAllText(path));
        Assert.Equal(["notes.txt"], dir.Entries());
    }

    [Fact]
    public void LongNamesStillGetATemporaryFile()
    {
        using var dir = new TempDir();
        string path = dir.File(new string('m', 240) + ".safetensors"); // 252 chars: a longer temp name would pass NAME_MAX
        AtomicFile.WriteAllText(path, "ok");
        Assert.Equal("ok", File.ReadAllText(path));
        Assert.Single(dir.Entries());
    }

    sealed class ThrowingMap : IReadOnlyDictionary<string, string>
    {
        public int Count => 1;
        public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => throw new InvalidOperationException("metadata failed");
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        public string this[string key] => throw new KeyNotFoundException();
        public IEnumerable<string> Keys => [];
        public IEnumerable<string> Values => [];
        public bool ContainsKey(string key) => false;
        public bool TryGetValue(string key, out string value) { value = ""; return false; }
    }
}
