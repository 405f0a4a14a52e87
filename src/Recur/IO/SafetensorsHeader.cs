// Parses and validates a safetensors JSON header against the size of the data that follows it.
// Everything a hostile header could use to make the reader misbehave is rejected here, before any
// tensor memory is allocated: bad UTF-8 or JSON, deep nesting, duplicate names or keys, unknown
// dtypes, shapes past int range, offsets outside the data or not tiling it exactly.
using System.Text.Json;
using System.Text.Unicode;

namespace Recur.IO;

/// <summary>One validated tensor entry: its dtype, shape and byte range [Begin, End) within the data section.</summary>
internal sealed record SafetensorsEntry(string Name, string DType, int[] Shape, long Begin, long End)
{
    public int Count => Tensor.ElementCount(Shape);
    public int ElementSize => SafetensorsHeader.ElementSize(DType)!.Value;
}

internal static class SafetensorsHeader
{
    /// <summary>Ranks above this are rejected (PyTorch's recurrent models use at most 3).</summary>
    public const int MaxRank = 8;
    // Deepest valid header: root object > entry object > shape array. A little slack, no more.
    const int MaxDepth = 4;

    /// <summary>Bytes per element of a dtype Recur reads, or null for any other dtype.</summary>
    public static int? ElementSize(string dtype) => dtype switch
    {
        "F32" => 4, "F16" => 2, "BF16" => 2, "F64" => 8, "I64" => 8, _ => null,
    };

    static InvalidDataException Bad(string message) => new(message);

    /// <summary>The entries sorted by offset (the order of the data), and the metadata.</summary>
    public static (List<SafetensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(byte[] header, long dataLength)
    {
        if (!Utf8.IsValid(header)) throw Bad("header is not valid UTF-8 text");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = MaxDepth }); }
        catch (JsonException e) { throw Bad($"header {ErrorText.Predicate(e)}"); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Bad($"header is a JSON {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object");
            var entries = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>();
            var names = new HashSet<string>();
            try
            {
                foreach (var prop in doc.RootElement.EnumerateObject())
                {
                    if (!names.Add(prop.Name)) throw Bad($"header names {Q(prop.Name)} twice");
                    if (prop.Name == "__metadata__") ReadMetadata(prop.Value, metadata);
                    else entries.Add(ReadEntry(prop.Name, prop.Value, dataLength));
                }
            }
            catch (InvalidOperationException e)
            {
                // Valid JSON can still escape a string that is not valid UTF-16 ("\ud800"); decoding
                // a name or value then throws this. Every other access above checks the value kind first.
                throw Bad($"header holds a string that cannot be decoded ({ErrorText.FirstLine(e.Message)})");
            }
            CheckTiling(entries, dataLength);
            return (entries, metadata);
        }
    }

    /// <summary>The data section must be covered exactly: sorted by offset, each tensor starts where the last ended.</summary>
    static void CheckTiling(List<SafetensorsEntry> entries, long dataLength)
    {
        entries.Sort((x, y) => x.Begin != y.Begin ? x.Begin.CompareTo(y.Begin) : x.End.CompareTo(y.End));
        long at = 0;
        foreach (var e in entries)
        {
            if (e.Begin < at) throw Bad($"tensor {Q(e.Name)} starts at data byte {e.Begin}, inside the previous tensor (overlapping data_offsets)");
            if (e.Begin > at) throw Bad($"tensor {Q(e.Name)} starts at data byte {e.Begin}, leaving bytes {at}..{e.Begin} unused (gap in data_offsets)");
            at = e.End;
        }
        if (at != dataLength) throw Bad($"tensors cover {at} bytes of data but the file holds {dataLength} after the header");
    }

    static void ReadMetadata(JsonElement value, Dictionary<string, string> into)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Bad("__metadata__ is not a JSON object of strings");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw Bad($"metadata {Q(m.Name)} is a JSON {m.Value.ValueKind.ToString().ToLowerInvariant()}; safetensors metadata values must be strings");
            if (!into.TryAdd(m.Name, m.Value.GetString()!)) throw Bad($"metadata names {Q(m.Name)} twice");
        }
    }

    static SafetensorsEntry ReadEntry(string name, JsonElement value, long dataLength)
    {
        InvalidDataException BadEntry(string what) => Bad($"tensor {Q(name)}: {what}");
        if (value.ValueKind != JsonValueKind.Object) throw BadEntry("entry is not a JSON object");
        JsonElement? dt = null, sh = null, off = null;
        foreach (var p in value.EnumerateObject())
            switch (p.Name)
            {
                case "dtype": Take(ref dt, p); break;
                case "shape": Take(ref sh, p); break;
                case "data_offsets": Take(ref off, p); break;
                default: break; // unknown keys are ignored, as other readers do
            }
        void Take(ref JsonElement? slot, JsonProperty p)
        {
            if (slot != null) throw BadEntry($"key '{p.Name}' appears twice");
            slot = p.Value;
        }

        if (dt is not { ValueKind: JsonValueKind.String } dtv) throw BadEntry("no \"dtype\" string");
        string dtype = dtv.GetString()!;
        int size = ElementSize(dtype) ?? throw BadEntry($"unsupported dtype {Q(dtype)} (Recur reads F32, F16, BF16, F64, I64)");

        if (sh is not { ValueKind: JsonValueKind.Array } shv) throw BadEntry("no \"shape\" array");
        int rank = shv.GetArrayLength();
        if (rank > MaxRank) throw BadEntry($"rank {rank} is above the {MaxRank} Recur accepts");
        var shape = new int[rank];
        long count = 1;
        int i = 0;
        foreach (var d in shv.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long dim) || dim < 0 || dim > int.MaxValue)
                throw BadEntry($"shape has bad dimension {Q(d.GetRawText(), 24)} (dimensions are integers 0..{int.MaxValue})");
            shape[i++] = (int)dim;
            // Same rule as Tensor.ElementCount: every running product must fit an int. Both factors
            // are at most int.MaxValue, so the long product cannot overflow before the check.
            count *= dim;
            if (count > int.MaxValue) throw BadEntry($"shape {Q(shv.GetRawText(), 48)} holds more than {int.MaxValue} elements");
        }

        if (off is not { ValueKind: JsonValueKind.Array } ov || ov.GetArrayLength() != 2) throw BadEntry("no \"data_offsets\" pair");
        long begin = Offset(ov[0]), end = Offset(ov[1]);
        if (begin < 0 || end < 0) throw BadEntry($"data_offsets {Q(ov.GetRawText(), 48)} are not two non-negative integers");
        if (end < begin) throw BadEntry($"data_offsets [{begin}, {end}] are reversed");
        if (end > dataLength) throw BadEntry($"data_offsets [{begin}, {end}] run past the {dataLength} data bytes in the file (truncated file?)");
        long need = count * size;
        if (need != end - begin)
            throw BadEntry($"shape {Tensor.ShapeString(shape)} of {dtype} needs {need} bytes but data_offsets [{begin}, {end}] hold {end - begin}");
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    static long Offset(JsonElement e) => e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long v) && v >= 0 ? v : -1;

    static string Q(string text, int max = 80) => ErrorText.Quote(text, max);
}
