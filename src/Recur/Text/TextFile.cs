// Reading training text. Files must be UTF-8; a leading BOM is dropped (it marks the encoding, it is
// not text) and CRLF line endings become LF (so Windows and Unix copies of a book train alike; a lone
// CR is kept). Binary and non-UTF-8 input is refused with the byte offset of the first bad byte.
using System.Text;

namespace Recur.Text;

/// <summary>Options applied to text as it is read (the same at training and sampling time).</summary>
public sealed record TextOptions(bool Lowercase = false, bool Ascii = false);

/// <summary>UTF-8 text files to strings, validated.</summary>
public static class TextFile
{
    static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The most characters one .NET string holds, and so the most text read at once (all corpus files together).</summary>
    public const int MaxChars = 0x3FFFFFDF;

    /// <summary>Throws when <paramref name="chars"/> characters of <paramref name="what"/> are more than a string holds (an "out of memory" that blamed the model).</summary>
    internal static void CheckLength(long chars, string what, string advice = "use a part of it, in whole lines (e.g. head -n 10000000 FILE > part.txt)")
    {
        if (chars > MaxChars) throw new InvalidDataException($"{what}: {chars:N0} characters, more than the {MaxChars:N0} Recur can read at once; {advice}");
    }

    /// <summary>Reads and normalises one file; throws InvalidDataException naming the file and the problem.</summary>
    public static string Read(string path, TextOptions options) => Decode(ReadBytes(path), path, options);

    /// <summary>A file's bytes; a missing, unreadable or directory path is one InvalidDataException line naming it.</summary>
    public static byte[] ReadBytes(string path)
    {
        try { return File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string what = Directory.Exists(path) ? "is a directory, not a text file"
                : e is FileNotFoundException or DirectoryNotFoundException ? "no such file"
                : e is UnauthorizedAccessException ? "permission denied (cannot read it)" : $"cannot read: {IO.ErrorText.FirstLine(e.Message)}";
            throw new InvalidDataException($"{IO.PathText.Show(path)}: {what}", e);
        }
    }

    /// <summary>Decodes and normalises UTF-8 bytes (<paramref name="name"/> appears in errors).</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string name, TextOptions options)
    {
        int bom = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        if (bytes.Length == bom) throw new InvalidDataException($"{IO.PathText.Show(name)}: the file is empty");
        string text = DecodeUtf8(bytes, name, "UTF-8 text").Replace("\r\n", "\n");
        if (options.Ascii) text = AsciiFold.Fold(text);
        if (options.Lowercase) text = text.ToLowerInvariant();
        if (text.Length == 0) throw new InvalidDataException($"{IO.PathText.Show(name)}: no text left after --ascii");
        return text;
    }

    // ASCII text in UTF-16 has a NUL in every high byte: at odd offsets little-endian ("le"), even ones
    // big-endian ("be"). Judged on the first 64 pairs; null when the bytes do not look so.
    static string? Utf16WithoutMark(ReadOnlySpan<byte> bytes)
    {
        int pairs = Math.Min(64, bytes.Length / 2);
        if (pairs < 2) return null;
        int evenNul = 0, oddNul = 0;
        for (int i = 0; i < pairs; i++) { if (bytes[2 * i] == 0) evenNul++; if (bytes[2 * i + 1] == 0) oddNul++; }
        if (oddNul == pairs && evenNul == 0) return "le";
        if (evenNul == pairs && oddNul == 0) return "be";
        return null;
    }

    /// <summary>
    /// UTF-8 bytes to a string, a leading byte-order mark dropped; binary (a NUL byte: an image, an archive,
    /// a model given by mistake) and other encodings (UTF-16, Latin-1) are refused naming <paramref name="name"/>,
    /// the byte offset and the fix. <paramref name="expected"/> says what the file should be ("a CSV file").
    /// </summary>
    public static string DecodeUtf8(ReadOnlySpan<byte> bytes, string name, string expected)
    {
        var body = bytes[CheckUtf8(bytes, name, expected)..];
        if (body.Length > MaxChars) CheckLength(Strict.GetCharCount(body), name);   // at least one byte per character
        return Strict.GetString(body);
    }

    /// <summary>
    /// Checks UTF-8 bytes as <see cref="DecodeUtf8"/> does, without decoding them (a CSV file is decoded field by field);
    /// returns the length of a leading byte-order mark, 3 or 0.
    /// </summary>
    internal static int CheckUtf8(ReadOnlySpan<byte> bytes, string name, string expected)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]) || bytes.StartsWith((ReadOnlySpan<byte>)[0, 0, 0xFE, 0xFF]))
            throw new InvalidDataException($"{IO.PathText.Show(name)}: is UTF-32 (it starts with a UTF-32 byte-order mark); convert it to UTF-8 first ({HowToConvert(name, "utf-32", OperatingSystem.IsWindows())})");
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            throw new InvalidDataException($"{IO.PathText.Show(name)}: is UTF-16 (it starts with a UTF-16 byte-order mark); convert it to UTF-8 first ({HowToConvert(name, "utf-16", OperatingSystem.IsWindows())})");
        int start = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var body = bytes[start..];
        int nul = body.IndexOf((byte)0);
        if (nul >= 0 && Utf16WithoutMark(body) is string order)
            throw new InvalidDataException($"{IO.PathText.Show(name)}: looks like UTF-16 without a byte-order mark (every other byte is NUL); convert it to UTF-8 first ({HowToConvert(name, "utf-16" + order, OperatingSystem.IsWindows())})");
        if (nul >= 0) throw new InvalidDataException($"{IO.PathText.Show(name)}: looks binary (NUL byte at offset {nul + start}); expected {expected}");
        // Utf8.IsValid is vectorized; the rune-by-rune search runs only to find the offset of a bad byte.
        if (!System.Text.Unicode.Utf8.IsValid(body))
            throw new InvalidDataException($"{IO.PathText.Show(name)}: not valid UTF-8 at byte offset {FirstInvalidUtf8(body) + start}; convert the file to UTF-8 first ({HowToConvert(name, "windows-1252", OperatingSystem.IsWindows())})");
        return start;
    }

    /// <summary>
    /// How to convert <paramref name="name"/> from <paramref name="encoding"/> (iconv's name) to UTF-8: iconv, or on
    /// Windows, which has no iconv, PowerShell (Windows PowerShell 5.1 and PowerShell 7 alike; 5.1's `>` writes UTF-16),
    /// or Notepad for a Windows-1252 file (which the two PowerShells read differently) and for what is not a file (stdin).
    /// </summary>
    internal static string HowToConvert(string name, string encoding, bool windows)
    {
        if (!windows) return $"e.g. iconv -f {encoding} -t utf-8" + (encoding == "windows-1252" ? " for a Windows or Latin-1 file" : "");
        if (encoding == "windows-1252" || !File.Exists(name)) return "e.g. open it in Notepad and save it with the encoding UTF-8";
        string from = encoding switch { "utf-16le" => "-Encoding Unicode ", "utf-16be" => "-Encoding BigEndianUnicode ", _ => "" }; // else a byte-order mark says
        static string Quoted(string path) => "'" + path.Replace("'", "''") + "'";
        string converted = Path.Combine(Path.GetDirectoryName(name) ?? "", Path.GetFileNameWithoutExtension(name) + "-utf8" + Path.GetExtension(name));
        // -LiteralPath: a positional path is a wildcard pattern to PowerShell, where [ and ] in a file name match other names.
        return $"e.g. in PowerShell: Get-Content {from}-LiteralPath {Quoted(name)} | Set-Content -Encoding UTF8 -LiteralPath {Quoted(converted)}";
    }

    /// <summary>Offset of the first byte that does not start a valid UTF-8 sequence, or -1.</summary>
    public static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        int i = 0;
        while (i < bytes.Length)
        {
            var status = Rune.DecodeFromUtf8(bytes[i..], out _, out int used);
            if (status != System.Buffers.OperationStatus.Done) return i;
            i += used;
        }
        return -1;
    }
}
