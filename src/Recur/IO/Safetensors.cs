// safetensors: 8-byte little-endian header length, a UTF-8 JSON header, then raw little-endian data.
// The reader validates the whole header against the file before it allocates anything for tensor
// data, so a truncated, mutated or hostile file fails with one clear message and never makes Recur
// allocate what the header merely claims.
using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Recur.IO;

/// <summary>Reads and writes safetensors files (https://github.com/huggingface/safetensors format).</summary>
public static class Safetensors
{
    /// <summary>Largest header accepted, as in the reference implementation.</summary>
    public const long MaxHeaderBytes = 100_000_000;
    const int MaxRank = 8;

    /// <summary>The tensors and string metadata of a file.</summary>
    public sealed record Contents(IReadOnlyDictionary<string, TensorData> Tensors, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>Reads a whole file; throws <see cref="InvalidDataException"/> naming the problem if it is not valid.</summary>
    public static Contents Read(string path)
    {
        using var stream = File.OpenRead(path);
        try { return Read(stream); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
    }

    public static Contents Read(Stream stream)
    {
        long fileLength = stream.Length;
        if (fileLength < 8) throw new InvalidDataException($"not a safetensors file: {fileLength} bytes, shorter than the 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
            throw new InvalidDataException($"header length {headerLength} runs past the end of the file ({fileLength} bytes): truncated or not a safetensors file");
        if (headerLength > MaxHeaderBytes) throw new InvalidDataException($"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        if (headerLength < 2) throw new InvalidDataException("header is too short to be a JSON object");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataLength = fileLength - 8 - (long)headerLength;

        var (entries, metadata) = ParseHeader(header, dataLength);
        long dataStart = 8 + (long)headerLength;
        var tensors = new Dictionary<string, TensorData>(entries.Count);
        foreach (var e in entries)
        {
            stream.Position = dataStart + e.Begin;
            var bytes = new byte[e.End - e.Begin];
            stream.ReadExactly(bytes);
            tensors.Add(e.Name, Decode(e, bytes));
        }
        return new Contents(tensors, metadata);
    }

    record Entry(string Name, string DType, int[] Shape, long Begin, long End);

    static (List<Entry>, Dictionary<string, string>) ParseHeader(byte[] header, long dataLength)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 }); }
        catch (JsonException e) { throw new InvalidDataException($"header is not valid JSON ({e.Message})"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException("header is not a JSON object");
            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>();
            var names = new HashSet<string>();
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                if (!names.Add(prop.Name)) throw new InvalidDataException($"header names '{prop.Name}' twice");
                if (prop.Name == "__metadata__") { ReadMetadata(prop.Value, metadata); continue; }
                entries.Add(ReadEntry(prop.Name, prop.Value, dataLength));
            }
            // The data must be covered exactly: sorted by offset, each tensor starts where the last ended.
            entries.Sort((x, y) => x.Begin != y.Begin ? x.Begin.CompareTo(y.Begin) : x.End.CompareTo(y.End));
            long at = 0;
            foreach (var e in entries)
            {
                if (e.Begin != at) throw new InvalidDataException($"tensor '{e.Name}' starts at byte {e.Begin}, expected {at} (overlapping or gapped data offsets)");
                at = e.End;
            }
            if (at != dataLength) throw new InvalidDataException($"tensors cover {at} bytes of data but the file holds {dataLength}");
            return (entries, metadata);
        }
    }

    static void ReadMetadata(JsonElement value, Dictionary<string, string> into)
    {
        if (value.ValueKind != JsonValueKind.Object) throw new InvalidDataException("__metadata__ is not a JSON object");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String) throw new InvalidDataException($"metadata '{m.Name}' is not a string");
            if (!into.TryAdd(m.Name, m.Value.GetString()!)) throw new InvalidDataException($"metadata names '{m.Name}' twice");
        }
    }

    static Entry ReadEntry(string name, JsonElement value, long dataLength)
    {
        string Where(string what) => $"tensor '{name}': {what}";
        if (value.ValueKind != JsonValueKind.Object) throw new InvalidDataException(Where("entry is not a JSON object"));
        if (!value.TryGetProperty("dtype", out var dt) || dt.ValueKind != JsonValueKind.String) throw new InvalidDataException(Where("no dtype"));
        string dtype = dt.GetString()!;
        int size = ElementSize(dtype) ?? throw new InvalidDataException(Where($"unsupported dtype '{dtype}' (Recur reads F32, F16, BF16, F64, I64)"));
        if (!value.TryGetProperty("shape", out var sh) || sh.ValueKind != JsonValueKind.Array) throw new InvalidDataException(Where("no shape"));
        if (sh.GetArrayLength() > MaxRank) throw new InvalidDataException(Where($"rank {sh.GetArrayLength()} is above {MaxRank}"));
        var shape = new int[sh.GetArrayLength()];
        long count = 1;
        int i = 0;
        foreach (var d in sh.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0 || dim > int.MaxValue)
                throw new InvalidDataException(Where($"bad dimension {d.GetRawText()}"));
            shape[i++] = (int)dim;
            count = dim == 0 ? 0 : count > dataLength / dim ? long.MaxValue : count * dim; // saturate: checked below
        }
        if (!value.TryGetProperty("data_offsets", out var off) || off.ValueKind != JsonValueKind.Array || off.GetArrayLength() != 2)
            throw new InvalidDataException(Where("data_offsets is not a pair"));
        var pair = off.EnumerateArray().Select(o => o.ValueKind == JsonValueKind.Number && o.TryGetInt64(out long v) ? v : -1).ToArray();
        long begin = pair[0], end = pair[1];
        if (begin < 0 || end < begin || end > dataLength)
            throw new InvalidDataException(Where($"data_offsets [{off[0].GetRawText()}, {off[1].GetRawText()}] fall outside the {dataLength} data bytes"));
        if (count > int.MaxValue || count * size != end - begin)
            throw new InvalidDataException(Where($"shape {Tensor.ShapeString(shape)} of {dtype} needs {(count == long.MaxValue ? "more" : (count * size).ToString())} bytes, offsets give {end - begin}"));
        return new Entry(name, dtype, shape, begin, end);
    }

    static int? ElementSize(string dtype) => dtype switch
    {
        "F32" => 4, "F16" => 2, "BF16" => 2, "F64" => 8, "I64" => 8, _ => null,
    };

    static TensorData Decode(Entry e, byte[] bytes)
    {
        int n = Tensor.ElementCount(e.Shape);
        if (e.DType == "I64")
        {
            var longs = new long[n];
            for (int i = 0; i < n; i++) longs[i] = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * 8));
            return new TensorData(longs, e.Shape);
        }
        var floats = new float[n];
        for (int i = 0; i < n; i++)
            floats[i] = e.DType switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4)),
                "F16" => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(i * 2)),
                "BF16" => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * 2)) << 16),
                _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(i * 8)),
            };
        return new TensorData(floats, e.Shape);
    }

    /// <summary>Writes tensors (in the given order) and string metadata atomically: a temporary file, then a rename.</summary>
    public static void Write(string path, IEnumerable<(string Name, TensorData Data)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        AtomicFile.Write(path, stream => Write(stream, tensors, metadata));
    }

    public static void Write(Stream stream, IEnumerable<(string Name, TensorData Data)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var header = new MemoryStream();
        using (var json = new Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) json.WriteString(k, v);
                json.WriteEndObject();
            }
            long offset = 0;
            var names = new HashSet<string>();
            foreach (var (name, data) in list)
            {
                if (name == "__metadata__" || !names.Add(name)) throw new ArgumentException($"tensor name '{name}' is reserved or repeated");
                long bytes = (long)data.Length * (data.DType == DType.I64 ? 8 : 4);
                json.WriteStartObject(name);
                json.WriteString("dtype", data.DType == DType.I64 ? "I64" : "F32");
                json.WriteStartArray("shape");
                foreach (int d in data.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        // Pad the header with spaces so the data starts 8-byte aligned.
        while (header.Length % 8 != 0) header.WriteByte((byte)' ');
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
        stream.Write(len);
        header.Position = 0;
        header.CopyTo(stream);
        var buffer = new byte[8];
        foreach (var (_, data) in list)
        {
            if (data.DType == DType.I64)
                foreach (long v in data.Longs!) { BinaryPrimitives.WriteInt64LittleEndian(buffer, v); stream.Write(buffer, 0, 8); }
            else if (BitConverter.IsLittleEndian)
                stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.Floats.AsSpan()));
            else
                foreach (float v in data.Floats!) { BinaryPrimitives.WriteSingleLittleEndian(buffer, v); stream.Write(buffer, 0, 4); }
        }
    }

    /// <summary>Decodes the header JSON as text (for tools that only want to look).</summary>
    internal static string HeaderText(byte[] header) => Encoding.UTF8.GetString(header).TrimEnd(' ');
}
