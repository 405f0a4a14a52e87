// A streaming RFC 4180 reader: fields separated by a delimiter, records by CRLF, LF or CR; a field in
// double quotes may hold delimiters, line breaks and doubled quotes (""). Anything RFC 4180 forbids
// — a quote inside an unquoted field, text after a closing quote, a quote never closed — is an
// InvalidDataException naming the file and the line where the record starts. Empty lines are skipped.
// A first line "sep=X" is Excel's note of the separator, not a record: it is skipped when X is the
// delimiter and refused (naming the --delimiter to give) when it is not.
using System.Text;

namespace Recur.Classification;

/// <summary>One CSV record and the 1-based line on which it starts.</summary>
internal readonly record struct CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>Reads CSV records one at a time from a text reader.</summary>
internal sealed class CsvReader
{
    readonly TextReader reader;
    readonly string source;
    readonly char delimiter;
    int line;            // the line the reader is on
    int pending = -2;    // one character of look-ahead; -2 = none held

    /// <param name="reader">The text (a UTF-8 file reader drops a byte-order mark).</param>
    /// <param name="source">How errors name the input, e.g. its path.</param>
    /// <param name="delimiter">The field separator, ',' by default.</param>
    /// <param name="firstLine">The line number of the reader's first line (2 after a skipped "sep=" line).</param>
    public CsvReader(TextReader reader, string source, char delimiter = ',', int firstLine = 1)
    {
        if (delimiter is '"' or '\r' or '\n') throw new ArgumentException($"'{delimiter}' cannot separate CSV fields");
        this.reader = reader;
        this.source = source;
        this.delimiter = delimiter;
        line = firstLine;
    }

    /// <summary>Every record of a file (read and checked whole on the first record, then parsed lazily).</summary>
    public static IEnumerable<CsvRecord> ReadFile(string path, char delimiter = ',')
    {
        // Binary or non-UTF-8 bytes are refused with their offset, before any record is parsed.
        string text = TextInput.ReadFile(path, "a UTF-8 CSV text file");
        int skip = ExcelSeparatorLine(text, path, delimiter);
        var csv = new CsvReader(new StringReader(text[skip..]), path, delimiter, skip > 0 ? 2 : 1);
        while (csv.Next() is { } record) yield return record;
    }

    /// <summary>
    /// The length of a first line "sep=X" with its line break (Excel writes and reads it to name the
    /// separator), or 0 when there is none. Read as a record it would be taken for the header; with
    /// another separator than <paramref name="delimiter"/> the file is refused rather than misread.
    /// </summary>
    static int ExcelSeparatorLine(string text, string path, char delimiter)
    {
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
        return end;
    }

    int Read()
    {
        if (pending != -2) { int c = pending; pending = -2; return c; }
        return reader.Read();
    }

    int Peek()
    {
        if (pending == -2) pending = reader.Read();
        return pending;
    }

    /// <summary>Reads one line break whose first character <paramref name="c"/> was just read (CR LF counts once).</summary>
    void EndOfLine(int c)
    {
        if (c == '\r' && Peek() == '\n') Read();
        line++;
    }

    /// <summary>The next non-empty record, or null at the end of the input.</summary>
    public CsvRecord? Next()
    {
        int c;
        while ((c = Peek()) is '\r' or '\n') EndOfLine(Read());
        if (c < 0) return null;
        int start = line;
        var fields = new List<string>();
        var field = new StringBuilder();
        while (true)
        {
            c = Read();
            if (c == '"')
            {
                ReadQuoted(field, start, fields.Count + 1);
                c = Read();
                if (c >= 0 && c != delimiter && c != '\r' && c != '\n')
                    throw Error(line, $"unexpected {Describe(c)} after the closing quote of field {fields.Count + 1}; " +
                        "a quoted field must end at a delimiter or line end (write a quote inside a quoted field as \"\")");
            }
            else
            {
                while (c >= 0 && c != delimiter && c != '\r' && c != '\n')
                {
                    if (c == '"')
                        throw Error(line, $"a quote inside unquoted field {fields.Count + 1}; put the whole field in quotes and double the quotes inside it");
                    field.Append((char)c);
                    c = Read();
                }
            }
            fields.Add(field.ToString());
            field.Clear();
            if (c == delimiter) continue;
            if (c >= 0) EndOfLine(c);
            return new CsvRecord(start, fields);
        }
    }

    /// <summary>Reads a quoted field's contents after its opening quote, through the closing quote.</summary>
    void ReadQuoted(StringBuilder field, int recordLine, int fieldNumber)
    {
        int opened = line;
        while (true)
        {
            int c = Read();
            if (c < 0)
                throw Error(opened, $"field {fieldNumber} opens a quote on this line that is never closed" +
                    (opened != recordLine ? $" (record from line {recordLine})" : ""));
            if (c == '"')
            {
                if (Peek() != '"') return;
                Read();
                field.Append('"');
                continue;
            }
            if (c == '\n' || (c == '\r' && Peek() != '\n')) line++;
            field.Append((char)c);
        }
    }

    static string Describe(int c) => c switch
    {
        '"' => "quote",
        ' ' => "space",
        '\t' => "tab",
        _ when char.IsControl((char)c) => $"character U+{c:X4}",
        _ => $"'{(char)c}'",
    };

    InvalidDataException Error(int at, string message) => new($"{source} line {at}: {message}");
}
