// A streaming RFC 4180 reader: fields separated by a delimiter, records by CRLF, LF or CR; a field in
// double quotes may hold delimiters, line breaks and doubled quotes (""). Anything RFC 4180 forbids
// — a quote inside an unquoted field, text after a closing quote, a quote never closed — is an
// InvalidDataException naming the file and the line where the record starts. Empty lines are skipped.
// A first line "sep=X" is Excel's note of the separator, not a record: it is skipped when X is the
// delimiter and refused (naming the --delimiter to give) when it is not.
// The file's UTF-8 bytes are checked whole, then read in place: only the fields become strings, so a
// large file is never held twice as text (its bytes and a string of it), and it may be longer than
// one string can hold. Quotes, line breaks and the delimiter are found as bytes: in valid UTF-8 a
// character's encoding never appears inside another's.
using System.Buffers;
using System.Text;

namespace Recur.Classification;

/// <summary>One CSV record and the 1-based line on which it starts.</summary>
internal readonly record struct CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>Reads CSV records one at a time from UTF-8 text.</summary>
internal sealed class CsvReader
{
    readonly byte[] utf8;
    readonly string source;
    readonly byte[] delimiter;                // its UTF-8 encoding, 1 to 3 bytes
    readonly SearchValues<byte> fieldEnds;    // what may end an unquoted field: the delimiter's first byte, a line break, a stray quote
    byte[] unquoted = [];                     // a quoted field's bytes with its doubled quotes made single
    int pos;             // the next byte to read
    int line;            // the line the reader is on

    /// <param name="utf8">The text as valid UTF-8 (checked by the caller).</param>
    /// <param name="source">How errors name the input, e.g. its path.</param>
    /// <param name="delimiter">The field separator, ',' by default.</param>
    /// <param name="firstLine">The line number of the line at <paramref name="start"/> (2 after a skipped "sep=" line).</param>
    /// <param name="start">Where reading starts: past a byte-order mark and a skipped "sep=" line.</param>
    public CsvReader(byte[] utf8, string source, char delimiter = ',', int firstLine = 1, int start = 0)
    {
        if (delimiter is '"' or '\r' or '\n' || char.IsSurrogate(delimiter)) throw new ArgumentException($"'{delimiter}' cannot separate CSV fields");
        this.utf8 = utf8;
        this.source = source;
        this.delimiter = Encoding.UTF8.GetBytes([delimiter]);
        fieldEnds = SearchValues.Create([this.delimiter[0], (byte)'"', (byte)'\r', (byte)'\n']);
        line = firstLine;
        pos = start;
    }

    /// <summary>Every record of a file (read and checked whole on the first record, then parsed lazily).</summary>
    public static IEnumerable<CsvRecord> ReadFile(string path, char delimiter = ',')
    {
        // Binary or non-UTF-8 bytes are refused with their offset, before any record is parsed.
        byte[] bytes = Text.TextFile.ReadBytes(path);
        int start = Text.TextFile.CheckUtf8(bytes, path, "a UTF-8 CSV text file");
        int skip = ExcelSeparatorLine(bytes.AsSpan(start), path, delimiter);
        var csv = new CsvReader(bytes, path, delimiter, skip > 0 ? 2 : 1, start + skip);
        while (csv.Next() is { } record) yield return record;
    }

    /// <summary>
    /// The length in bytes of a first line "sep=X" with its line break (Excel writes and reads it to name the
    /// separator), or 0 when there is none. Read as a record it would be taken for the header; with
    /// another separator than <paramref name="delimiter"/> the file is refused rather than misread.
    /// </summary>
    static int ExcelSeparatorLine(ReadOnlySpan<byte> utf8, string path, char delimiter)
    {
        // The line's first characters (at most 4 bytes each); one cut short at the end decodes as U+FFFD, past them.
        string text = Encoding.UTF8.GetString(utf8[..Math.Min(utf8.Length, 32)]);
        if (text.Length < 5 || !text.StartsWith("sep=", StringComparison.OrdinalIgnoreCase)) return 0;
        int end = 5;
        if (end < text.Length && text[end] is not ('\r' or '\n')) return 0;   // a longer first line: a header that starts "sep="
        char sep = text[4];
        if (sep != delimiter)
        {
            string name = sep == '\t' ? "\\t" : sep.ToString(), given = delimiter == '\t' ? "\\t" : delimiter.ToString();
            throw new InvalidDataException($"{path} line 1: Excel's separator line 'sep={name}' says fields are separated by '{name}', not '{given}'; give --delimiter '{name}'");
        }
        if (end < text.Length && text[end] == '\r') end++;
        if (end < text.Length && text[end] == '\n') end++;
        return Encoding.UTF8.GetByteCount(text.AsSpan(0, end));
    }

    /// <summary>Whether the delimiter starts at byte <paramref name="i"/>.</summary>
    bool DelimiterAt(int i) => utf8.AsSpan(i).StartsWith(delimiter);

    /// <summary>Counts the line break just read, <paramref name="b"/> (CR LF counts once).</summary>
    void EndOfLine(byte b)
    {
        if (b == '\r' && pos < utf8.Length && utf8[pos] == '\n') pos++;
        line++;
    }

    /// <summary>The next non-empty record, or null at the end of the input.</summary>
    public CsvRecord? Next()
    {
        while (pos < utf8.Length && utf8[pos] is (byte)'\r' or (byte)'\n') EndOfLine(utf8[pos++]);
        if (pos == utf8.Length) return null;
        int start = line;
        var fields = new List<string>();
        while (true)
        {
            if (pos < utf8.Length && utf8[pos] == '"')
            {
                pos++;
                fields.Add(ReadQuoted(start, fields.Count + 1));
                if (pos < utf8.Length && !DelimiterAt(pos) && utf8[pos] is not ((byte)'\r' or (byte)'\n'))
                    throw Error(line, $"unexpected {Describe(pos)} after the closing quote of field {fields.Count}; " +
                        "a quoted field must end at a delimiter or line end (write a quote inside a quoted field as \"\")");
            }
            else
            {
                int end = FieldEnd(pos);
                if (end < utf8.Length && utf8[end] == '"')
                    throw Error(line, $"a quote inside unquoted field {fields.Count + 1}; put the whole field in quotes and double the quotes inside it");
                fields.Add(Encoding.UTF8.GetString(utf8, pos, end - pos));
                pos = end;
            }
            if (pos == utf8.Length) return new CsvRecord(start, fields);
            if (DelimiterAt(pos)) { pos += delimiter.Length; continue; }
            EndOfLine(utf8[pos++]);
            return new CsvRecord(start, fields);
        }
    }

    /// <summary>Where an unquoted field starting at <paramref name="from"/> ends: at the delimiter, a line break, a quote or the end.</summary>
    int FieldEnd(int from)
    {
        while (true)
        {
            int end = utf8.AsSpan(from).IndexOfAny(fieldEnds);
            if (end < 0) return utf8.Length;
            end += from;
            if (utf8[end] != delimiter[0] || DelimiterAt(end)) return end;
            from = end + 1;   // another character that starts with the delimiter's first byte
        }
    }

    /// <summary>A quoted field's contents, read after its opening quote through the closing quote.</summary>
    string ReadQuoted(int recordLine, int fieldNumber)
    {
        int opened = line, length = -1;   // length: the bytes in `unquoted` when the field holds a doubled quote
        for (int from = pos; ;)
        {
            int quote = utf8.AsSpan(pos).IndexOf((byte)'"');
            if (quote < 0)
                throw Error(opened, $"field {fieldNumber} opens a quote on this line that is never closed" +
                    (opened != recordLine ? $" (record from line {recordLine})" : ""));
            quote += pos;
            line += LineBreaks(utf8.AsSpan(pos, quote - pos));
            bool doubled = quote + 1 < utf8.Length && utf8[quote + 1] == '"';
            if (doubled || length >= 0)
            {
                // The bytes since the last doubled quote, through one quote of this pair or up to the closing one.
                var part = utf8.AsSpan(from, quote + (doubled ? 1 : 0) - from);
                length = Math.Max(length, 0);
                if (unquoted.Length < length + part.Length) Array.Resize(ref unquoted, Math.Max(2 * unquoted.Length, length + part.Length));
                part.CopyTo(unquoted.AsSpan(length));
                length += part.Length;
            }
            if (doubled)
            {
                pos = from = quote + 2;
                continue;
            }
            pos = quote + 1;
            return length < 0 ? Encoding.UTF8.GetString(utf8, from, quote - from) : Encoding.UTF8.GetString(unquoted, 0, length);
        }
    }

    /// <summary>The line breaks in <paramref name="span"/>: LF, CR LF and a lone CR count one each (a CR at its end is followed by a quote).</summary>
    static int LineBreaks(ReadOnlySpan<byte> span)
    {
        int count = span.Count((byte)'\n');
        for (int cr = span.IndexOf((byte)'\r'); cr >= 0; cr = span.IndexOf((byte)'\r'))
        {
            if (cr + 1 == span.Length || span[cr + 1] != '\n') count++;
            span = span[(cr + 1)..];
        }
        return count;
    }

    /// <summary>The character at byte <paramref name="i"/> for a message: its first UTF-16 unit, as a reader of UTF-16 text reports it.</summary>
    string Describe(int i)
    {
        Rune.DecodeFromUtf8(utf8.AsSpan(i), out var rune, out _);
        Span<char> units = stackalloc char[2];
        rune.EncodeToUtf16(units);
        int c = units[0];
        return c switch
        {
            '"' => "quote",
            ' ' => "space",
            '\t' => "tab",
            _ when char.IsControl((char)c) => $"character U+{c:X4}",
            _ => $"'{(char)c}'",
        };
    }

    InvalidDataException Error(int at, string message) => new($"{source} line {at}: {message}");
}
