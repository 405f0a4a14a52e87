// ModelFile: a module saved and loaded by PyTorch names, every user-caused failure one line naming
// the file (missing, directory, unreadable, malformed, not fitting the model), and a failed load
// that leaves the module exactly as it was.
using Recur.IO;

using Recur.Tests.Support;

namespace Recur.Tests.IO;

public class ModelFileTests
{
    static readonly Dictionary<string, string> Meta = new() { ["config"] = "{\"cell\":\"lstm\"}", ["note"] = "π ≈ 3.14159" };

    [Fact]
    public void SaveThenLoadIntoRestoresEveryValue()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        var saved = new ToyNet(seed: 11);
        saved.Bn.BatchesTracked = 1L << 40;
        ModelFile.Save(path, saved, Meta);

        var loaded = new ToyNet(seed: 22);
        Assert.NotEqual(saved.Snapshot(), loaded.Snapshot());
        var meta = ModelFile.LoadInto(path, loaded);
        Assert.Equal(saved.Snapshot(), loaded.Snapshot());
        Assert.Equal(1L << 40, loaded.Bn.BatchesTracked);
        Assert.Equal(Meta.OrderBy(m => m.Key), meta.OrderBy(m => m.Key));
        Assert.Equal(["model.safetensors"], dir.Entries());
    }

    [Fact]
    public void LoadMetadataReadsTheHeaderAloneAndRefusesATruncatedFile()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        ModelFile.Save(path, new ToyNet(seed: 4), Meta);
        Assert.Equal(ModelFile.Load(path).Metadata.OrderBy(m => m.Key), ModelFile.LoadMetadata(path).OrderBy(m => m.Key));

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);   // the header is whole; the data is 4 bytes short
        var e = Assert.Throws<InvalidDataException>(() => ModelFile.LoadMetadata(path));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void FileHoldsPyTorchNamesAndDtypes()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        ModelFile.Save(path, new ToyNet(seed: 3), null);
        var c = ModelFile.Load(path);
        Assert.Equal(
            ["fc.weight", "fc.bias", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"],
            c.Tensors.Keys);
        Assert.Equal([2, 3], c.Tensors["fc.weight"].Shape);
        Assert.Equal(DType.I64, c.Tensors["bn.num_batches_tracked"].DType);
        Assert.Empty(c.Tensors["bn.num_batches_tracked"].Shape);
        Assert.Empty(c.Metadata);
    }

    [Fact]
    public void SaveReplacesAnOldFile()
    {
        using var dir = new TempDir();
        string path = dir.File("model.safetensors");
        File.WriteAllText(path, "an older, shorter or longer file");
        ModelFile.Save(path, new ToyNet(seed: 5), Meta);
        Assert.Equal(new ToyNet(seed: 5).Snapshot(), LoadedSnapshot(path));
        Assert.Equal(["model.safetensors"], dir.Entries());
    }

    static Dictionary<string, string> LoadedSnapshot(string path)
    {
        var m = new ToyNet(seed: 99);
        ModelFile.LoadInto(path, m);
        return m.Snapshot();
    }

    static string Fails(Action action, string path, string fragment)
    {
        var e = Assert.Throws<InvalidDataException>(action);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(fragment, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void MissingFileOrDirectory()
    {
        using var dir = new TempDir();
        string missing = dir.File("nope.safetensors");
        Assert.Equal(missing + ": no such file", Fails(() => ModelFile.Load(missing), missing, "no such file"));
        string deeper = Path.Combine(dir.Path, "no-dir", "m.safetensors");
        Fails(() => ModelFile.LoadInto(deeper, new ToyNet(1)), deeper, "no such file (its directory does not exist)");
        Fails(() => ModelFile.Save(deeper, new ToyNet(1), null), deeper, "does not exist");
        Assert.Empty(dir.Entries());
    }

    [Fact]
    public void DirectoryInsteadOfFile()
    {
        using var dir = new TempDir();
        string sub = dir.File("model.safetensors");
        Directory.CreateDirectory(sub);
        Fails(() => ModelFile.Load(sub), sub, "is a directory, not a model file");
        Fails(() => ModelFile.Save(sub, new ToyNet(1), null), sub, "is a directory");
        Assert.Equal(["model.safetensors"], dir.Entries()); // no temporary file left behind
        Assert.True(Directory.Exists(sub));
    }

    [Fact]
    public void PermissionDenied()
    {
        // The message mapping, independent of who runs the tests:
        Assert.Equal("m.st: permission denied (cannot read it)", ModelFile.IoError("m.st", new UnauthorizedAccessException("x"), writing: false).Message);
        Assert.Equal("m.st: permission denied (cannot write it)", ModelFile.IoError("m.st", new UnauthorizedAccessException("x"), writing: true).Message);
        Assert.Equal("m.st: cannot read: disk on fire", ModelFile.IoError("m.st", new IOException("disk on fire.\nmore"), writing: false).Message);
        if (OperatingSystem.IsWindows()) return;

        // And for real, where the OS enforces it (root reads anything, so there the file simply loads).
        using var dir = new TempDir();
        string path = dir.File("locked.safetensors");
        ModelFile.Save(path, new ToyNet(2), null);
        File.SetUnixFileMode(path, UnixFileMode.None);
        bool enforced;
        try { using (File.OpenRead(path)) { } enforced = false; } catch (UnauthorizedAccessException) { enforced = true; }
        if (enforced) Fails(() => ModelFile.Load(path), path, "permission denied (cannot read it)");
        else Assert.Equal(7, ModelFile.Load(path).Tensors.Count);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public void MalformedFileNamesFileAndProblem()
    {
        using var dir = new TempDir();
        string path = dir.File("garbage.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        Assert.Equal(path + ": not a safetensors file: 3 bytes, shorter than the 8-byte header length that starts one",
            Fails(() => ModelFile.Load(path), path, "shorter"));
        File.WriteAllBytes(path, Image.Make("{\"w\":{\"dtype\":\"I8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1));
        Fails(() => ModelFile.LoadInto(path, new ToyNet(1)), path, "tensor 'w': unsupported dtype 'I8'");
        Assert.Throws<InvalidDataException>(() => ModelFile.Load(""));
    }

    /// <summary>Writes the ToyNet state dict after <paramref name="edit"/>, then loads it into a fresh ToyNet that must reject it unchanged.</summary>
    static string RejectedUnchanged(Action<Dictionary<string, TensorData>> edit, string fragment, bool strict = true)
    {
        using var dir = new TempDir();
        string path = dir.File("edited.safetensors");
        var state = new ToyNet(seed: 8).StateDict().ToDictionary(s => s.Name, s => s.Data);
        edit(state);
        Safetensors.Write(path, state.Select(s => (s.Key, s.Value)));
        var model = new ToyNet(seed: 9);
        var before = model.Snapshot();
        string message = Fails(() => ModelFile.LoadInto(path, model, strict), path, fragment);
        Assert.Equal(before, model.Snapshot()); // nothing was written
        return message;
    }

    [Fact]
    public void MissingKeyIsNamed() =>
        RejectedUnchanged(s => s.Remove("bn.running_var"), "missing 'bn.running_var'");

    [Fact]
    public void UnexpectedKeyIsNamed() =>
        RejectedUnchanged(s => s["bn.extra"] = new TensorData([1f]), "unexpected 'bn.extra'");

    [Fact]
    public void WrongShapeIsNamed() =>
        RejectedUnchanged(s => s["fc.weight"] = new TensorData(new float[6], 3, 2), "'fc.weight' has shape (3, 2), expected (2, 3)");

    [Fact]
    public void WrongShapeFailsEvenWhenNotStrict() =>
        RejectedUnchanged(s => s["fc.bias"] = new TensorData(new float[3], 3), "'fc.bias' has shape (3), expected (2)", strict: false);

    [Fact]
    public void WrongDtypeIsNamed()
    {
        RejectedUnchanged(s => s["bn.num_batches_tracked"] = new TensorData([3f]), "'bn.num_batches_tracked' is F32, expected I64");
        RejectedUnchanged(s => s["fc.bias"] = new TensorData(new long[2], 2), "'fc.bias' is I64, expected F32");
    }

    [Fact]
    public void EveryProblemIsListed()
    {
        string m = RejectedUnchanged(s =>
        {
            s.Remove("fc.weight");
            s["zzz"] = new TensorData([1f]);
            s["bn.bias"] = new TensorData(new float[5], 5);
        }, "missing 'fc.weight'");
        Assert.Contains("unexpected 'zzz'", m);
        Assert.Contains("'bn.bias' has shape (5)", m);
    }

    [Fact]
    public void NonStrictSkipsMissingAndUnexpected()
    {
        using var dir = new TempDir();
        string path = dir.File("partial.safetensors");
        var source = new ToyNet(seed: 4);
        Safetensors.Write(path, source.StateDict().Where(s => s.Name.StartsWith("fc.")).Append(("extra", new TensorData([1f]))));
        var model = new ToyNet(seed: 6);
        var bnBefore = model.Bn.RunningMean.ToArray();
        ModelFile.LoadInto(path, model, strict: false);
        Image.SameBits(source.Fc.Weight.Value.ToArray(), model.Fc.Weight.Value.ToArray(), "fc.weight");
        Image.SameBits(bnBefore, model.Bn.RunningMean.ToArray(), "bn.running_mean");
    }

    sealed class Clashing : Recur.Nn.Module
    {
        public Clashing(string second) { AddParameter("w", 1); AddParameter(second, 1); }
    }

    [Fact]
    public void StateDictNamesAreUniqueAndDotFree()
    {
        Assert.Throws<ArgumentException>(() => new Clashing("w"));
        Assert.Throws<ArgumentException>(() => new Clashing("a.b"));
        Assert.Throws<ArgumentException>(() => new Clashing(""));
        Assert.Equal(["w", "v"], new Clashing("v").StateDict().Select(s => s.Name));
    }
}
