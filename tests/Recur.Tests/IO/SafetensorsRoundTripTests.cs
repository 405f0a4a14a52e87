// Recur's writer and reader agree bit for bit (F32 incl. -0, NaN and subnormals; I64 extremes;
// scalars of shape []; empty tensors; unicode metadata), headers are space-padded to 8 bytes, and the
// writer refuses what the reader would reject.
using System.Text;
using System.Text.Json;
using Recur.IO;

using Recur.Tests.Support;

namespace Recur.Tests.IO;

public class SafetensorsRoundTripTests
{
    static readonly Dictionary<string, string> Metadata = new()
    {
        ["config"] = "{\"hidden\": 4}",
        ["unicode"] = "café ✓ 日本語 🎉 \u00e9\u0301",
        ["empty"] = "",
        ["quote\"and\nnewline"] = "tab\tand \\ backslash",
    };

    static (string, TensorData)[] Tensors() =>
    [
        ("w", new TensorData([1.5f, -0f, float.NaN, float.PositiveInfinity, 1e-40f, float.MaxValue], 2, 3)),
        ("steps", new TensorData(new long[] { 0, -1, long.MaxValue, long.MinValue }, 4)),
        ("scalar", new TensorData([3.25f])),
        ("num_batches_tracked", new TensorData(new long[] { 42 })),
        ("empty", new TensorData(Array.Empty<float>(), 0, 5)),
        ("empty_i64", new TensorData(Array.Empty<long>(), 3, 0, 2)),
        ("rnn.weight_ih_l0", new TensorData(Enumerable.Range(0, 24).Select(i => i * 0.1f - 1).ToArray(), 8, 3)),
    ];

    static void AssertSame((string, TensorData)[] expected, Safetensors.Contents actual)
    {
        Assert.Equal(expected.Select(t => t.Item1), actual.Tensors.Keys); // data order is write order
        foreach (var (name, e) in expected)
        {
            var a = actual.Tensors[name];
            Assert.Equal(e.DType, a.DType);
            Assert.Equal(e.Shape, a.Shape);
            if (e.DType == DType.I64) Assert.Equal(e.Longs, a.Longs);
            else Image.SameBits(e.Floats!, a.Floats!, name);
        }
    }

    [Fact]
    public void StreamRoundTripIsExact()
    {
        var tensors = Tensors();
        var back = Image.Read(Image.Write(tensors, Metadata));
        AssertSame(tensors, back);
        Assert.Equal(Metadata.OrderBy(m => m.Key), back.Metadata.OrderBy(m => m.Key));
    }

    [Fact]
    public void FileRoundTripIsExact()
    {
        using var dir = new TempDir();
        string path = dir.File("all.safetensors");
        var tensors = Tensors();
        Safetensors.Write(path, tensors, Metadata);
        var back = Safetensors.Read(path);
        AssertSame(tensors, back);
        Assert.Equal(Metadata["unicode"], back.Metadata["unicode"]);
        Assert.Equal(["all.safetensors"], dir.Entries()); // no temporary file left beside it
    }

    [Fact]
    public void ScalarsHaveShapeOfRankZero()
    {
        var back = Image.Read(Image.Write(Tensors()));
        Assert.Empty(back.Tensors["scalar"].Shape);
        Assert.Equal([3.25f], back.Tensors["scalar"].Floats!);
        Assert.Empty(back.Tensors["num_batches_tracked"].Shape);
        Assert.Equal([42L], back.Tensors["num_batches_tracked"].Longs!);
        Assert.Empty(back.Metadata);
    }

    [Fact]
    public void HeaderIsPaddedWithSpacesTo8Bytes()
    {
        // Metadata of every length mod 8, so every amount of padding (0..7) occurs.
        for (int extra = 0; extra < 16; extra++)
        {
            var meta = new Dictionary<string, string> { ["k"] = new string('x', extra) };
            var bytes = Image.Write([("a", new TensorData([1f, 2f], 2))], meta);
            int n = Image.HeaderLength(bytes);
            Assert.True(n % 8 == 0, $"extra={extra}: header length {n} is not a multiple of 8");
            string header = Encoding.UTF8.GetString(bytes, 8, n);
            string json = header.TrimEnd(' ');
            Assert.True(header.Length - json.Length < 8, $"extra={extra}: {header.Length - json.Length} bytes of padding");
            Assert.EndsWith("}", json);
            using var doc = JsonDocument.Parse(json); // what precedes the padding is the whole JSON object
            Assert.Equal(8 + n + 8, bytes.Length);
            Assert.Equal(2f, BitConverter.ToSingle(bytes, 8 + n + 4)); // data starts right after the padding
        }
    }

    [Fact]
    public void HeaderTextIsReadable()
    {
        // Quotes as \" and Unicode as UTF-8, as Python's json.dumps(ensure_ascii=False) writes them.
        var bytes = Image.Write([], new Dictionary<string, string> { ["config"] = "{\"cell\":\"lstm\"}", ["u"] = "é<&>'+" });
        string header = Encoding.UTF8.GetString(bytes, 8, Image.HeaderLength(bytes)).TrimEnd(' ');
        Assert.Equal("{\"__metadata__\":{\"config\":\"{\\\"cell\\\":\\\"lstm\\\"}\",\"u\":\"é<&>'+\"}}", header);
    }

    [Fact]
    public void NoTensorsIsTheSmallestFile()
    {
        var bytes = Image.Write([]);
        Assert.Equal(16, bytes.Length);
        Assert.Equal("{}      ", Encoding.UTF8.GetString(bytes, 8, 8));
        var back = Image.Read(bytes);
        Assert.Empty(back.Tensors);
        Assert.Empty(back.Metadata);
    }

    [Fact]
    public void ShapeIsCopiedNotShared()
    {
        int[] shape = [2, 2];
        var data = new TensorData(new float[4], shape);
        shape[0] = 99;
        Assert.Equal([2, 2], data.Shape);
    }

    [Fact]
    public void WriterRefusesWhatTheReaderWouldReject()
    {
        var one = new TensorData([1f]);
        Assert.Throws<ArgumentException>(() => Image.Write([("__metadata__", one)]));
        Assert.Throws<ArgumentException>(() => Image.Write([("a", one), ("a", one)]));
        Assert.Throws<ArgumentException>(() => Image.Write([("deep", new TensorData([1f], 1, 1, 1, 1, 1, 1, 1, 1, 1))]));
        Assert.Throws<ArgumentException>(() => Image.Write([("a", one)], new Dictionary<string, string> { ["k"] = null! }));
        Assert.Throws<ArgumentException>(() => Image.Write([("a", one)], new Dictionary<string, string> { ["k"] = "lone \ud800 surrogate" }));
        Assert.Throws<ArgumentException>(() => Image.Write([("\udc00", one)]));

        using var dir = new TempDir();
        string path = dir.File("refused.safetensors");
        Assert.Throws<ArgumentException>(() => Safetensors.Write(path, [("a", one), ("a", one)]));
        Assert.Empty(dir.Entries()); // refused before any file was created
    }
}
