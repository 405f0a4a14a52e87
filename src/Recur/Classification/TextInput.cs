// Reading the classifier's input files (a class folder's text files, predict's --file or stdin; a CSV
// file is checked by the same rules, TextFile.CheckUtf8, and decoded field by field in CsvReader) as
// UTF-8, checked by the corpus reader's own decoder (Text/TextFile.DecodeUtf8): a NUL byte means
// a binary file (an image, an archive, a model given by mistake) and invalid UTF-8 means another
// encoding (Latin-1, UTF-16); both are refused with the byte offset and a fix, rather than decoded
// into U+FFFD and classified. A leading UTF-8 byte-order mark is dropped. Whole files are read: the
// classifier holds every text in memory anyway (IMDb's 33 MB train.csv checks in milliseconds).
namespace Recur.Classification;

/// <summary>UTF-8 text files to strings, binary and other encodings refused.</summary>
public static class TextInput
{
    /// <summary>The text of a file; InvalidDataException naming <paramref name="path"/> if it is not UTF-8 text.</summary>
    /// <param name="expected">What the file should be, for the binary message ("a CSV file").</param>
    public static string ReadFile(string path, string expected) => Text.TextFile.DecodeUtf8(Text.TextFile.ReadBytes(path), path, expected);

    /// <summary>All of a stream (stdin), checked as a file is; <paramref name="name"/> appears in errors.</summary>
    public static string ReadStream(Stream stream, string name, string expected)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Text.TextFile.DecodeUtf8(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), name, expected);
    }
}
