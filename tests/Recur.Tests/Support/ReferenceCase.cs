// Loads the PyTorch reference tensors written by tools/reference/*.py (committed under Reference/).
using System.Text.Json;
using Recur.IO;

namespace Recur.Tests.Support;

/// <summary>One reference case: named tensors and a JSON config, as a PyTorch script wrote them.</summary>
sealed class ReferenceCase
{
    public string Name { get; }
    public IReadOnlyDictionary<string, TensorData> Tensors { get; }
    public JsonElement Config { get; }

    ReferenceCase(string name, Safetensors.Contents contents)
    {
        Name = name;
        Tensors = contents.Tensors;
        Config = contents.Metadata.TryGetValue("config", out var json)
            ? JsonDocument.Parse(json).RootElement.Clone()
            : JsonDocument.Parse("{}").RootElement.Clone();
    }

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Reference");

    public static ReferenceCase Load(string name)
    {
        string path = Path.Combine(Directory, name + ".safetensors");
        Assert.True(File.Exists(path), $"reference file {path} is missing; run tools/reference/make_all.sh");
        return new ReferenceCase(name, Safetensors.Read(path));
    }

    /// <summary>Names of every committed case whose name starts with <paramref name="prefix"/>.</summary>
    public static IEnumerable<object[]> Names(string prefix) =>
        System.IO.Directory.GetFiles(Directory, prefix + "*.safetensors")
            .Select(p => Path.GetFileNameWithoutExtension(p)).Order().Select(n => new object[] { n });

    public bool Has(string name) => Tensors.ContainsKey(name);

    public Tensor Get(string name)
    {
        Assert.True(Tensors.TryGetValue(name, out var d), $"{Name}: no tensor '{name}'");
        var t = new Tensor(d!.Shape);
        t.CopyFrom(d.Floats ?? d.Longs!.Select(v => (float)v).ToArray());
        return t;
    }

    public int[] GetInts(string name) => Tensors[name].Longs?.Select(v => (int)v).ToArray() ?? Tensors[name].Floats!.Select(v => (int)v).ToArray();

    public int Int(string key) => Config.GetProperty(key).GetInt32();
    public float Float(string key) => Config.GetProperty(key).GetSingle();
    public double Double(string key) => Config.GetProperty(key).GetDouble();
    public bool Bool(string key) => Config.TryGetProperty(key, out var v) && v.GetBoolean();
    public string Str(string key) => Config.GetProperty(key).GetString()!;
    public bool HasKey(string key) => Config.TryGetProperty(key, out _);
}
