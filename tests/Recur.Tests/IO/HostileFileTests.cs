// Malformed and hostile safetensors images: each must fail with an InvalidDataException whose message
// is one line naming the problem, never another exception type, never an allocation near what the
// header claims. Includes every truncation and every single-byte header mutation of a small file.
using System.Text;
using Recur.IO;

using Recur.Tests.Support;

namespace Recur.Tests.IO;

public class HostileFileTests
{
    const long AllocationBudget = 4 << 20; // bytes a rejected tiny file may cost, exception included

    /// <summary>Asserts the image is rejected cheaply with a one-line message containing <paramref name="fragment"/>.</summary>
    static string Rejects(byte[] image, string fragment)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => Image.Read(image));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < AllocationBudget + 4L * image.Length, $"rejecting a {image.Length}-byte file allocated {allocated} bytes");
        Assert.Contains(fragment, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(e.Message.Length < 400, $"message of {e.Message.Length} chars");
        return e.Message;
    }

    static string Rejects(string header, int dataBytes, string fragment) => Rejects(Image.Make(header, dataBytes), fragment);

    static string Entry(string name, string dtype, string shape, string offsets) =>
        $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":{offsets}}}";

    /// <summary>A small valid image: F32 and I64 tensors, a scalar, an empty tensor and unicode metadata.</summary>
    static byte[] SmallValid() => Image.Write(
        [
            ("a", new TensorData([1f, 2f, 3f, 4f, 5f, 6f], 2, 3)),
            ("n", new TensorData(new long[] { 7 })),
            ("e", new TensorData(Array.Empty<float>(), 0, 2)),
            ("b.bias", new TensorData([0.5f, -0.5f], 2)),
        ],
        new Dictionary<string, string> { ["cfg"] = "{\"h\":2}", ["u"] = "é🎉" });

    [Fact]
    public void FileShorterThanTheLengthField()
    {
        for (int n = 0; n < 8; n++) Rejects(new byte[n], "shorter than the 8-byte");
    }

    [Fact]
    public void HeaderLengthPastEndOfFile()
    {
        Rejects(Image.Make(1000, Encoding.UTF8.GetBytes("{}"), 10), "runs past the end");
        Rejects(Image.Make(1UL << 63, Encoding.UTF8.GetBytes("{}"), 0), "runs past the end");
        Rejects(Image.Make(ulong.MaxValue, [], 0), "runs past the end");
    }

    [Fact]
    public void HeaderLengthAboveTheLimitIsNotAllocated()
    {
        // A stream claiming 300 MB: the 150 MB header it announces must be refused, not read.
        var claim = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(claim, 150_000_000);
        var stream = new ClaimingStream(claim, 300_000_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Read(stream));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < AllocationBudget);
        Assert.Contains("exceeds the", e.Message);
    }

    [Fact]
    public void HeaderTooShortForJson()
    {
        Rejects(Image.Make(0, [], 4), "too short");
        Rejects(Image.Make(1, [(byte)'{'], 0), "too short");
    }

    [Fact]
    public void HeaderNotJson()
    {
        Rejects("hello, world", 0, "not valid JSON");
        Rejects("{\"a\":", 0, "not valid JSON");
        Rejects("{}{}", 0, "not valid JSON");
        Rejects("{\"a\":1,}", 0, "not valid JSON");            // trailing comma
        Rejects("{/*c*/}", 0, "not valid JSON");               // comment
        Rejects(Image.Make(4, [(byte)'{', (byte)'"', 0xFF, (byte)'}'], 0), "not valid UTF-8");
    }

    [Fact]
    public void HeaderNotAnObject()
    {
        Rejects("[]", 0, "not an object");
        Rejects("[{\"a\":1}]", 0, "not an object");
        Rejects("\"string\"", 0, "not an object");
        Rejects("42", 0, "not an object");
        Rejects("null", 0, "not an object");
    }

    [Fact]
    public void DeeplyNestedJson()
    {
        Rejects("{\"a\":" + string.Concat(Enumerable.Repeat("[", 100_000)) + string.Concat(Enumerable.Repeat("]", 100_000)) + "}", 0, "not valid JSON");
        Rejects(string.Concat(Enumerable.Repeat("{\"a\":", 50_000)) + "1" + string.Concat(Enumerable.Repeat("}", 50_000)), 0, "not valid JSON");
        Rejects("{\"__metadata__\":{\"k\":{\"x\":{\"y\":[1]}}}}", 0, "not valid JSON");
    }

    [Fact]
    public void BadShapes()
    {
        Rejects("{" + Entry("t", "F32", "[-1,3]", "[0,12]") + "}", 12, "bad dimension '-1'");
        Rejects("{" + Entry("t", "F32", "[2147483648]", "[0,4]") + "}", 4, "bad dimension '2147483648'");
        Rejects("{" + Entry("t", "F32", "[1.5]", "[0,4]") + "}", 4, "bad dimension '1.5'");
        Rejects("{" + Entry("t", "F32", "[\"2\"]", "[0,8]") + "}", 8, "bad dimension");
        Rejects("{" + Entry("t", "F32", "[1e400]", "[0,4]") + "}", 4, "bad dimension");
        Rejects("{" + Entry("t", "F32", "[99999999999999999999999999]", "[0,4]") + "}", 4, "bad dimension");
        Rejects("{" + Entry("t", "F32", "[2147483647,2147483647]", "[0,4]") + "}", 4, "more than 2147483647 elements");
        Rejects("{" + Entry("t", "F64", "[2147483647]", "[0,17179869176]") + "}", 8, "run past");
        Rejects("{" + Entry("t", "F32", "[2147483647,2147483647,0]", "[0,0]") + "}", 0, "more than");
        Rejects("{" + Entry("t", "F32", "[1,1,1,1,1,1,1,1,1]", "[0,4]") + "}", 4, "rank 9");
        Rejects("{" + Entry("t", "F32", "3", "[0,12]") + "}", 12, "no \"shape\" array");
        Rejects("{\"t\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", 4, "no \"shape\"");
    }

    [Fact]
    public void HugeButEmptyShapeLoadsAsEmpty()
    {
        // Zero elements is zero bytes whatever follows: allowed when every running product fits (as Tensor.ElementCount).
        var c = Image.Read(Image.Make("{" + Entry("t", "F32", "[0,2147483647,2147483647]", "[0,0]") + "}", 0));
        Assert.Equal(0, c.Tensors["t"].Length);
        Assert.Equal([0, int.MaxValue, int.MaxValue], c.Tensors["t"].Shape);
    }

    [Fact]
    public void BadOffsets()
    {
        string a = Entry("a", "F32", "[2]", "[0,8]");
        Rejects("{" + a + "," + Entry("b", "F32", "[2]", "[4,12]") + "}", 12, "overlapping");
        Rejects("{" + a + "," + Entry("b", "F32", "[2]", "[0,8]") + "}", 16, "overlapping");
        Rejects("{" + a + "," + Entry("b", "F32", "[2]", "[12,20]") + "}", 20, "gap");
        Rejects("{" + Entry("b", "F32", "[2]", "[4,12]") + "}", 12, "gap");
        Rejects("{" + a + "}", 4, "run past the 4 data bytes");
        Rejects("{" + Entry("a", "F32", "[2]", "[8,0]") + "}", 8, "reversed");
        Rejects("{" + Entry("a", "F32", "[2]", "[-8,0]") + "}", 8, "non-negative integers");
        Rejects("{" + Entry("a", "F32", "[2]", "[0,8.0]") + "}", 8, "non-negative integers");
        Rejects("{" + Entry("a", "F32", "[2]", "[0]") + "}", 8, "data_offsets\" pair");
        Rejects("{" + Entry("a", "F32", "[2]", "[0,4,8]") + "}", 8, "data_offsets\" pair");
        Rejects("{" + Entry("a", "F32", "[2]", "[0,99999999999999999999]") + "}", 8, "non-negative integers");
        Rejects("{" + a + "}", 12, "cover 8 bytes of data but the file holds 12");
    }

    [Fact]
    public void ByteCountMustMatchShapeTimesDtype()
    {
        Rejects("{" + Entry("a", "F32", "[3]", "[0,8]") + "}", 8, "needs 12 bytes");
        Rejects("{" + Entry("a", "I64", "[]", "[0,4]") + "}", 4, "needs 8 bytes");
        Rejects("{" + Entry("a", "F16", "[2,2]", "[0,16]") + "}", 16, "needs 8 bytes");
        Rejects("{" + Entry("a", "F32", "[0]", "[0,4]") + "}", 4, "needs 0 bytes");
    }

    [Fact]
    public void UnknownOrMissingDtype()
    {
        foreach (string dtype in new[] { "I32", "BOOL", "F8_E4M3", "f32", "" })
            Rejects("{" + Entry("a", dtype, "[1]", "[0,4]") + "}", 4, "unsupported dtype");
        Rejects("{\"a\":{\"dtype\":4,\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "no \"dtype\"");
        Rejects("{\"a\":{\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "no \"dtype\"");
    }

    [Fact]
    public void DuplicateNames()
    {
        string a = Entry("a", "F32", "[1]", "[0,4]");
        Rejects("{" + a + "," + a + "}", 4, "names 'a' twice");
        Rejects("{" + a + ",\"\\u0061\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "twice"); // escaped spelling
        Rejects("{\"__metadata__\":{},\"__metadata__\":{}}", 0, "'__metadata__' twice");
        Rejects("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}", 0, "metadata names 'k' twice");
        Rejects("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "'dtype' appears twice");
    }

    [Fact]
    public void MetadataMustBeStrings()
    {
        Rejects("{\"__metadata__\":{\"k\":1}}", 0, "metadata 'k' is a JSON number");
        Rejects("{\"__metadata__\":{\"k\":null}}", 0, "metadata 'k' is a JSON null");
        Rejects("{\"__metadata__\":{\"k\":[\"x\"]}}", 0, "metadata 'k' is a JSON array");
        Rejects("{\"__metadata__\":{\"k\":{}}}", 0, "must be strings");
        Rejects("{\"__metadata__\":[]}", 0, "__metadata__ is not a JSON object");
        Rejects("{\"__metadata__\":\"x\"}", 0, "__metadata__ is not a JSON object");
        Rejects("{\"a\":5}", 0, "tensor 'a': entry is not a JSON object");
    }

    [Fact]
    public void InvalidEscapesInNames()
    {
        // Valid JSON whose strings are not valid UTF-16: a lone surrogate escape.
        Rejects("{\"__metadata__\":{\"k\":\"\\ud800\"}}", 0, "cannot be decoded");
        Rejects("{\"__metadata__\":{\"\\udc00\":\"v\"}}", 0, "cannot be decoded");
        Rejects("{\"\\ud800x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4, "cannot be decoded");
    }

    [Fact]
    public void HostileNamesCannotBreakTheMessage()
    {
        string name = string.Concat(Enumerable.Repeat("line\\nbreak\\u2028", 5000));
        string message = Rejects("{" + Entry(name, "I32", "[1]", "[0,4]") + "}", 4, "unsupported dtype");
        Assert.Contains("chars)", message);
    }

    [Fact]
    public void TruncatedAtEveryLength()
    {
        var full = SmallValid();
        Assert.Equal(4, Image.Read(full).Tensors.Count);
        for (int n = 0; n < full.Length; n++)
        {
            var e = Assert.Throws<InvalidDataException>(() => Image.Read(full[..n]));
            Assert.DoesNotContain('\n', e.Message);
        }
    }

    [Fact]
    public void EveryByteMutationOfTheHeader()
    {
        var valid = SmallValid();
        int end = 8 + Image.HeaderLength(valid);
        int loaded = 0, rejected = 0;
        for (int at = 0; at < end; at++)
            for (int v = 0; v < 256; v++)
            {
                if (v == valid[at]) continue;
                var bytes = (byte[])valid.Clone();
                bytes[at] = (byte)v;
                Safetensors.Contents c;
                try { c = Image.Read(bytes); }
                catch (InvalidDataException e)
                {
                    Assert.False(e.Message.Contains('\n'), $"byte {at} = {v}: multi-line message");
                    rejected++;
                    continue;
                }
                catch (Exception e)
                {
                    Assert.Fail($"byte {at} set to {v}: {e.GetType().Name} instead of InvalidDataException: {e.Message}");
                    throw;
                }
                // It loaded: then it must be self-consistent and within the file's data.
                long bytesUsed = 0;
                foreach (var (name, t) in c.Tensors)
                {
                    Assert.Equal(Recur.Tensor.ElementCount(t.Shape), t.Length);
                    bytesUsed += (long)t.Length * (t.DType == DType.I64 ? 8 : 4);
                }
                Assert.True(bytesUsed <= valid.Length, $"byte {at} = {v}: decoded {bytesUsed} bytes from a {valid.Length}-byte file");
                loaded++;
            }
        Assert.True(rejected > 0 && loaded > 0, $"{loaded} loaded, {rejected} rejected");
    }

    [Fact]
    public void PathOverloadNamesTheFile()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, Image.Make("[]", 0));
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Read(path));
        Assert.StartsWith(path + ": header is a JSON array, not an object", e.Message);
    }
}
