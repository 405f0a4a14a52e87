// Reading the classifier's input files (a CSV file, a class folder's text files, predict's --file or
// stdin) as UTF-8, checked as Recur's corpus reader (Text/TextFile) checks a corpus: a NUL byte means
// a binary file (an image, an archive, a model given by mistake) and invalid UTF-8 means another
// encoding (Latin-1, UTF-16); both are refused with the byte offset and a fix, rather than decoded
// into U+FFFD and classified. A leading UTF-8 byte-order mark is dropped. Whole files are read: the
// classifier holds every text in memory anyway (IMDb's 33 MB train.csv checks in milliseconds).
using System.Text;
using System.Text.Unicode;

namespace Recur.Classification;

/// <summary>UTF-8 text files to strings, binary and other encodings refused.</summary>
public static class TextInput
{
    static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The text of a file; InvalidDataException naming <paramref name="path"/> if it is not UTF-8 text.</summary>
    /// <param name="expected">What the file should be, for the binary message ("a CSV file").</param>
    public static string ReadFile(string path, string expected) => Decode(File.ReadAllBytes(path), path, expected);

    /// <summary>All of a stream (stdin), checked as a file is; <paramref name="name"/> appears in errors.</summary>
    public static string ReadStream(Stream stream, string name, string expected)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), name, expected);
    }

    /// <summary>UTF-8 bytes to a string (a BOM dropped); offsets in errors count from the file's first byte.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string name, string expected)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
            throw new InvalidDataException($"{name}: is UTF-16 (it starts with a UTF-16 byte-order mark); convert it to UTF-8 first (e.g. iconv -f utf-16 -t utf-8)");
        int start = bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        var body = bytes[start..];
        int nul = body.IndexOf((byte)0);
        if (nul >= 0) throw new InvalidDataException($"{name}: looks binary (NUL byte at offset {nul + start}); expected {expected}");
        // Utf8.IsValid is vectorized; the rune-by-rune search runs only to find the offset of a bad byte.
        if (!Utf8.IsValid(body))
            throw new InvalidDataException($"{name}: not valid UTF-8 at byte offset {Text.TextFile.FirstInvalidUtf8(body) + start}; " +
                "convert the file to UTF-8 first (e.g. iconv -f latin1 -t utf-8 OLD > NEW)");
        return Strict.GetString(body);
    }
}
