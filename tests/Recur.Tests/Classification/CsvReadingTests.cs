// The CSV reader reads a file's UTF-8 bytes in place and decodes only its fields. This holds it to the
// plain reading it replaces, the whole file decoded to a string and read character by character through a
// TextReader (kept here as it was), on random files full of CSV's edge cases: quoted and doubled quotes,
// CR, LF and CR LF inside and between fields, stray quotes, unclosed quotes, text after a closing quote,
// a byte-order mark, Excel's "sep=" line, characters of 2, 3 and 4 bytes, and a delimiter of two bytes
// ('§', C2 A7) beside characters that share its first byte ('©', C2 A9). Records and error messages alike.
using System.Text;
using Recur.Classification;
using Recur.Tests.Support;

namespace Recur.Tests.Classification;

public class CsvReadingTests
{
    static string Outcome(Func<IEnumerable<CsvRecord>> read)
    {
        try
        {
            return string.Join("\n", read().Select(r => $"{r.Line}: [{string.Join("|", r.Fields.Select(f => f.Replace("\r", "\\r").Replace("\n", "\\n")))}]"));
        }
        catch (InvalidDataException e) { return "error: " + e.Message; }
    }

    static IEnumerable<CsvRecord> PlainReadFile(string path, char delimiter)
    {
        string text = TextInput.ReadFile(path, "a UTF-8 CSV text file");
        int skip = PlainCsv.ExcelSeparatorLine(text, path, delimiter);
        var csv = new PlainCsv(new StringReader(text[skip..]), path, delimiter, skip > 0 ? 2 : 1);
        while (csv.Next() is { } record) yield return record;
    }

    static readonly string[] Pieces = ["a", "bc", "7", " ", "é", "€", "😀", "©", ",", ";", "§", "\t", "\"", "\"\"", "\r", "\n", "\r\n", "\n\n"];

    static string RandomCsv(Random random, char delimiter)
    {
        var sb = new StringBuilder();
        if (random.Next(5) == 0) sb.Append('\uFEFF');
        if (random.Next(4) == 0) sb.Append(random.Next(2) == 0 ? "sep=" : "SEP=").Append(random.Next(3) == 0 ? ',' : delimiter).Append(random.Next(2) == 0 ? "\r\n" : "\n");
        int records = random.Next(0, 6);
        for (int r = 0; r < records; r++)
        {
            int fields = random.Next(1, 4);
            for (int f = 0; f < fields; f++)
            {
                if (f > 0) sb.Append(delimiter);
                // Well-formed fields mostly, so that files get past their first record; sometimes anything.
                string content = string.Concat(Enumerable.Range(0, random.Next(0, 6)).Select(_ => Pieces[random.Next(Pieces.Length)]));
                switch (random.Next(4))
                {
                    case 0: sb.Append('"').Append(content.Replace("\"", "\"\"")).Append('"'); break;
                    case 1: sb.Append(content); break;
                    default: sb.Append(content.Replace("\"", "").Replace("\r", "").Replace("\n", "").Replace(delimiter.ToString(), "")); break;
                }
            }
            sb.Append(Pieces[random.Next(14, 18)]);
        }
        return sb.ToString();
    }

    [Fact]
    public void ReadsAsTheWholeTextReadCharacterByCharacter()
    {
        using var dir = new TempDir();
        var random = new Random(17);
        int read = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            char delimiter = ",;\t§"[trial % 4];
            string path = dir.Write("t.csv", RandomCsv(random, delimiter));
            string expected = Outcome(() => PlainReadFile(path, delimiter).ToList());
            Assert.Equal(expected, Outcome(() => CsvReader.ReadFile(path, delimiter).ToList()));
            if (!expected.StartsWith("error")) read++;
        }
        Assert.True(read > 1000, $"only {read} of the files were read without an error");
    }

    /// <summary>The reader this one replaced: the decoded text, character by character (as it was, renamed).</summary>
    sealed class PlainCsv
    {
        readonly TextReader reader;
        readonly string source;
        readonly char delimiter;
        int line;            // the line the reader is on
        int pending = -2;    // one character of look-ahead; -2 = none held

        public PlainCsv(TextReader reader, string source, char delimiter = ',', int firstLine = 1)
        {
            if (delimiter is '"' or '\r' or '\n') throw new ArgumentException($"'{delimiter}' cannot separate CSV fields");
            this.reader = reader;
            this.source = source;
            this.delimiter = delimiter;
            line = firstLine;
        }

        public static int ExcelSeparatorLine(string text, string path, char delimiter)
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

        void EndOfLine(int c)
        {
            if (c == '\r' && Peek() == '\n') Read();
            line++;
        }

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
}
