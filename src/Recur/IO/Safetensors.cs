// safetensors: 8-byte little-endian header length, a UTF-8 JSON header, then raw little-endian data.
// The reader validates the whole header against the file's size (SafetensorsHeader) before it
// allocates anything for tensor data, so a truncated, mutated or hostile file fails with one clear
// InvalidDataException and never makes Recur allocate what the header merely claims.
// F16, BF16 and F64 are converted to float32 on load; I64 stays int64. See docs/formats.md.
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Recur.IO;

/// <summary>Reads and writes safetensors files (https://github.com/huggingface/safetensors format).</summary>
public static partial class Safetensors
{
    /// <summary>Largest header accepted, as in the reference implementation.</summary>
    public const long MaxHeaderBytes = 100_000_000;
    // Tensor data is decoded through a buffer of this size, so no byte array ever matches a tensor's size.
    const int ChunkBytes = 1 << 16;

    /// <summary>The tensors (in data order) and string metadata of a file.</summary>
    public sealed record Contents(IReadOnlyDictionary<string, TensorData> Tensors, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>
    /// Reads a whole file. A file that is not valid safetensors throws <see cref="InvalidDataException"/>
    /// whose one-line message starts with the path; I/O errors (missing file, permissions) pass through
    /// unchanged — <see cref="ModelFile.Load(string)"/> turns those into InvalidDataException too.
    /// </summary>
    public static Contents Read(string path)
    {
        // FileShare.Delete: on Windows a reader that does not share deletion keeps a trainer from deleting an old snapshot.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, ChunkBytes);
        try { return Read(stream); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{PathText.Show(path)}: {e.Message}", e); }
    }

    /// <summary>Reads a safetensors image from the stream's current position to its end (the stream must be seekable).</summary>
    public static Contents Read(Stream stream)
    {
        try { return ReadValidated(stream); }
        catch (EndOfStreamException) { throw new InvalidDataException("file ended early: it shrank while being read"); }
    }

    /// <summary>The string metadata alone, from the stream's current position: the header is validated as <see cref="Read(Stream)"/> does; no tensor is read.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(Stream stream)
    {
        try { return ReadHeader(stream).Metadata; }
        catch (EndOfStreamException) { throw new InvalidDataException("file ended early: it shrank while being read"); }
    }

    static (List<SafetensorsEntry> Entries, Dictionary<string, string> Metadata) ReadHeader(Stream stream)
    {
        long fileLength = stream.Length - stream.Position;
        if (fileLength < 8)
            throw new InvalidDataException($"not a safetensors file: {fileLength} bytes, shorter than the 8-byte header length that starts one");
        Span<byte> lengthBytes = stackalloc byte[8];
        stream.ReadExactly(lengthBytes);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
            throw new InvalidDataException($"header length {headerLength} runs past the end of the file ({fileLength} bytes): truncated or not a safetensors file");
        if (headerLength > MaxHeaderBytes) throw new InvalidDataException($"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        if (headerLength < 2) throw new InvalidDataException($"header length {headerLength} is too short for a JSON object");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataLength = fileLength - 8 - (long)headerLength;
        return SafetensorsHeader.Parse(header, dataLength);
    }

    static Contents ReadValidated(Stream stream)
    {
        var (entries, metadata) = ReadHeader(stream);
        long dataLength = entries.Count > 0 ? entries[^1].End : 0;
        // The entries tile the data section in order, so the data is read front to back without seeking.
        var tensors = new Dictionary<string, TensorData>(entries.Count);
        var chunk = new byte[(int)Math.Min(ChunkBytes, Math.Max(dataLength, 8))];
        foreach (var e in entries) tensors.Add(e.Name, Decode(stream, e, chunk));
        return new Contents(tensors, metadata);
    }

    static TensorData Decode(Stream stream, SafetensorsEntry e, byte[] chunk)
    {
        int n = e.Count, size = e.ElementSize, perChunk = chunk.Length / size;
        if (e.DType == "I64")
        {
            var longs = new long[n];
            for (int at = 0; at < n; at += perChunk)
            {
                int k = Math.Min(perChunk, n - at);
                var src = chunk.AsSpan(0, k * size);
                stream.ReadExactly(src);
                for (int i = 0; i < k; i++) longs[at + i] = BinaryPrimitives.ReadInt64LittleEndian(src[(i * 8)..]);
            }
            return new TensorData(longs, e.Shape);
        }
        var floats = new float[n];
        for (int at = 0; at < n; at += perChunk)
        {
            int k = Math.Min(perChunk, n - at);
            var src = chunk.AsSpan(0, k * size);
            var dst = floats.AsSpan(at, k);
            stream.ReadExactly(src);
            switch (e.DType)
            {
                case "F32" when BitConverter.IsLittleEndian: MemoryMarshal.Cast<byte, float>(src).CopyTo(dst); break;
                case "F32": for (int i = 0; i < k; i++) dst[i] = BinaryPrimitives.ReadSingleLittleEndian(src[(i * 4)..]); break;
                case "F16": for (int i = 0; i < k; i++) dst[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(src[(i * 2)..]); break;
                // bfloat16 is the top half of a float32: widen by shifting the bits, exact.
                case "BF16": for (int i = 0; i < k; i++) dst[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(src[(i * 2)..]) << 16); break;
                // F64 rounds to the nearest float32 (ties to even), as PyTorch's .float() does.
                default: for (int i = 0; i < k; i++) dst[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(src[(i * 8)..]); break;
            }
        }
        return new TensorData(floats, e.Shape);
    }

    /// <summary>Decodes the header JSON as text (for tools that only want to look).</summary>
    internal static string HeaderText(byte[] header) => Encoding.UTF8.GetString(header).TrimEnd(' ');
}
