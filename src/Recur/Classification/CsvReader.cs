// A streaming RFC 4180 reader: fields separated by a delimiter, records by CRLF, LF or CR; a field in
// double quotes may hold delimiters, line breaks and doubled quotes (""). Anything RFC 4180 forbids
// — a quote inside an unquoted field, text after a closing quote, a quote never closed — is an
// InvalidDataException naming the file and the line where the record starts. Empty lines are skipped.
using System.Text;

namespace Recur.Classification;

/// <summary>One CSV record and the 1-based line on which it starts.</summary>
public readonly record struct CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>Reads CSV records one at a time from a text reader.</summary>
public sealed class CsvReader
{
    readonly TextReader reader;
    readonly string source;
    readonly char delimiter;
    int line = 1;        // the line the reader is on
    int pending = -2;    // one character of look-ahead; -2 = none held

    /// <param name="reader">The text (a UTF-8 file reader drops a byte-order mark).</param>
    /// <param name="source">How errors name the input, e.g. its path.</param>
    /// <param name="delimiter">The field separator, ',' by default.</param>
    public CsvReader(TextReader reader, string source, char delimiter = ',')
    {
        if (delimiter is '"' or '\r' or '\n') throw new ArgumentException($"'{delimiter}' cannot separate CSV fields");
        this.reader = reader;
        this.source = source;
        this.delimiter = delimiter;
    }

    /// <summary>Every record of a file (read and checked whole on the first record, then parsed lazily).</summary>
    public static IEnumerable<CsvRecord> ReadFile(string path, char delimiter = ',')
    {
        // Binary or non-UTF-8 bytes are refused with their offset, before any record is parsed.
        var csv = new CsvReader(new StringReader(TextInput.ReadFile(path, "a UTF-8 CSV text file")), path, delimiter);
        while (csv.Next() is { } record) yield return record;
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
