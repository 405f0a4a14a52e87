// The safetensors writer: F32 and I64 tensors, in the order given, with a string metadata map. It
// refuses (ArgumentException) anything the reader would later reject, so Recur never writes a file
// it cannot read back. The header is padded with spaces to a multiple of 8 bytes, so the data
// section starts 8-byte aligned, as the reference implementation does.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Recur.IO;

public static partial class Safetensors
{
    /// <summary>Writes tensors (in the given order) and string metadata atomically: a temporary file, then a rename.</summary>
    public static void Write(string path, IEnumerable<(string Name, TensorData Data)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var header = Header(list, metadata); // argument errors surface before any file is touched
        AtomicFile.Write(path, stream => WriteImage(stream, header, list));
    }

    /// <summary>Writes a safetensors image to the stream at its current position.</summary>
    public static void Write(Stream stream, IEnumerable<(string Name, TensorData Data)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        WriteImage(stream, Header(list, metadata), list);
    }

    static void WriteImage(Stream stream, byte[] header, List<(string Name, TensorData Data)> list)
    {
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
        stream.Write(len);
        stream.Write(header);
        var chunk = new byte[ChunkBytes];
        foreach (var (_, data) in list)
        {
            if (data.DType == DType.I64) WriteValues(stream, data.Longs!, chunk, BinaryPrimitives.WriteInt64LittleEndian);
            else WriteValues(stream, data.Floats!, chunk, BinaryPrimitives.WriteSingleLittleEndian);
        }
    }

    delegate void Encode<T>(Span<byte> to, T value);

    /// <summary>Little-endian values through a bounded buffer (a straight copy on little-endian hosts).</summary>
    static void WriteValues<T>(Stream stream, T[] values, byte[] chunk, Encode<T> encode) where T : unmanaged
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>(), perChunk = chunk.Length / size;
        for (int at = 0; at < values.Length; at += perChunk)
        {
            var part = values.AsSpan(at, Math.Min(perChunk, values.Length - at));
            if (BitConverter.IsLittleEndian) { stream.Write(MemoryMarshal.AsBytes(part)); continue; }
            for (int i = 0; i < part.Length; i++) encode(chunk.AsSpan(i * size), part[i]);
            stream.Write(chunk, 0, part.Length * size);
        }
    }

    /// <summary>The JSON header, space-padded to a multiple of 8 bytes; validates names, shapes and metadata.</summary>
    static byte[] Header(List<(string Name, TensorData Data)> list, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new MemoryStream();
        // Relaxed escaping: quotes as \" rather than \u0022, and non-ASCII text as plain UTF-8 (past U+FFFF
        // as \u surrogate pairs). This is a file, not HTML; for ASCII text the output is byte-identical
        // to Python's json.dumps with compact separators.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata)
                {
                    if (k is null || v is null) throw new ArgumentException($"metadata '{k}' has a null key or value; metadata is a map of strings");
                    if (!WellFormed(k) || !WellFormed(v)) throw new ArgumentException($"metadata '{k}' holds an unpaired surrogate: not valid Unicode text");
                    json.WriteString(k, v);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            var names = new HashSet<string>();
            foreach (var (name, data) in list)
            {
                if (name is null || name == "__metadata__" || !names.Add(name) || !WellFormed(name))
                    throw new ArgumentException($"tensor name '{name}' is null, reserved, repeated or not valid Unicode text");
                if (data.Shape.Length > SafetensorsHeader.MaxRank)
                    throw new ArgumentException($"tensor '{name}' has rank {data.Shape.Length}; safetensors files from Recur hold rank {SafetensorsHeader.MaxRank} at most");
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
        while (buffer.Length % 8 != 0) buffer.WriteByte((byte)' ');
        if (buffer.Length > MaxHeaderBytes) throw new ArgumentException($"header of {buffer.Length} bytes exceeds the {MaxHeaderBytes}-byte limit: too many tensors or too much metadata");
        return buffer.ToArray();
    }

    /// <summary>False for a string with an unpaired surrogate, which JSON can only escape and the reader rejects.</summary>
    static bool WellFormed(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
            else if (char.IsSurrogate(s[i])) return false;
        }
        return true;
    }
}
