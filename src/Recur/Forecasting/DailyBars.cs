// Daily OHLCV bars read from a Yahoo-style CSV (Date,Open,High,Low,Close,Adj Close,Volume). Columns are
// found by name in any order; Adj Close is optional since nothing uses it. Every problem is one
// InvalidDataException line naming the file and the line: a missing column, a short or long row, a
// cell that is not a finite number (Yahoo writes "null" for a missing day), an unparseable date, dates
// out of order or repeated. Line numbers count from 1 with the header as line 1, as an editor shows them.
using System.Globalization;

namespace Recur.Forecasting;

/// <summary>Daily bars in ascending date order, one array element per trading day.</summary>
public sealed class DailyBars
{
    /// <summary>The columns a file must have, as Yahoo names them.</summary>
    public static IReadOnlyList<string> RequiredColumns { get; } = ["Date", "Open", "High", "Low", "Close", "Volume"];

    /// <summary>Where the bars came from (for error messages).</summary>
    public string Source { get; }
    /// <summary>The trading days: strictly ascending from <see cref="ReadCsv"/> and <see cref="Parse"/>; the constructor does not check.</summary>
    public DateOnly[] Dates { get; }
    /// <summary>Each day's opening price.</summary>
    public double[] Open { get; }
    /// <summary>Each day's highest price.</summary>
    public double[] High { get; }
    /// <summary>Each day's lowest price.</summary>
    public double[] Low { get; }
    /// <summary>Each day's closing price (not Adj Close): the forecast's target.</summary>
    public double[] Close { get; }
    /// <summary>Each day's traded volume.</summary>
    public double[] Volume { get; }
    /// <summary>The file line each row came from (1-based, header = 1), for error messages.</summary>
    public int[] Lines { get; }

    /// <summary>Trading days.</summary>
    public int Count => Dates.Length;

    /// <summary>Bars over the given arrays (kept, not copied), which must all hold one value per date (ArgumentException); dates are not checked here. Without <paramref name="lines"/>, row i is line i + 2.</summary>
    public DailyBars(string source, DateOnly[] dates, double[] open, double[] high, double[] low, double[] close, double[] volume, int[]? lines = null)
    {
        int n = dates.Length;
        if (open.Length != n || high.Length != n || low.Length != n || close.Length != n || volume.Length != n || (lines != null && lines.Length != n))
            throw new ArgumentException("every column of daily bars must have one value per date");
        (Source, Dates, Open, High, Low, Close, Volume) = (source, dates, open, high, low, close, volume);
        Lines = lines ?? Enumerable.Range(2, n).ToArray();
    }

    /// <summary>"line 17 (2023-01-05)": where row <paramref name="i"/> is in its file.</summary>
    public string Where(int i) => $"line {Lines[i]} ({Dates[i]:yyyy-MM-dd})";

    /// <summary>Reads and validates a CSV file; throws <see cref="InvalidDataException"/> naming the file and line.</summary>
    public static DailyBars ReadCsv(string path)
    {
        string[] lines;
        try
        {
            // Decoded as the corpora are: binary, UTF-16 and Latin-1 files are named as such, not as bad cells.
            string text = Text.TextFile.DecodeUtf8(File.ReadAllBytes(path), path, "a daily CSV (Date,Open,High,Low,Close,Adj Close,Volume)");
            lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
            if (lines.Length > 0 && lines[^1].Length == 0) lines = lines[..^1];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string what = Directory.Exists(path) ? "is a directory, not a CSV file"
                : e is FileNotFoundException or DirectoryNotFoundException ? "no such file"
                : e is UnauthorizedAccessException ? "permission denied" : e.Message;
            throw new InvalidDataException($"{path}: {what}", e);
        }
        return Parse(path, lines);
    }

    /// <summary>Parses the lines of a CSV (the first is the header); <paramref name="source"/> names it in errors.</summary>
    public static DailyBars Parse(string source, IReadOnlyList<string> lines)
    {
        InvalidDataException Error(int line, string message) => new($"{source}: line {line}: {message}");

        int first = 0;
        while (first < lines.Count && string.IsNullOrWhiteSpace(lines[first])) first++;
        if (first == lines.Count) throw new InvalidDataException($"{source}: the file is empty (expected a header {string.Join(",", RequiredColumns)})");
        var header = SplitRow(lines[first]);
        if (header.Length > 0) header[0] = header[0].TrimStart('\uFEFF');
        var column = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int c = 0; c < header.Length; c++)
        {
            string name = header[c].Trim();
            if (!column.TryAdd(name, c)) throw Error(first + 1, $"column '{name}' appears twice in the header");
        }
        var missing = RequiredColumns.Where(c => !column.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            // A semicolon- or tab-separated export: the whole header is one field. There is no --delimiter here.
            string? separator = header.Length > 1 ? null : header[0].Contains('\t') ? "tabs" : header[0].Contains(';') ? "';'" : header[0].Contains('|') ? "'|'" : null;
            throw Error(first + 1, $"missing column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))} " +
                $"(the header is {Recur.IO.ErrorText.Quote(lines[first].Trim())}; expected Yahoo-style {string.Join(",", RequiredColumns)})" +
                (separator == null ? "" : $"; the header is one field: the file must be comma-separated (it looks separated by {separator}; replace them with commas)"));
        }
        int cDate = column["Date"], cOpen = column["Open"], cHigh = column["High"], cLow = column["Low"], cClose = column["Close"], cVolume = column["Volume"];

        var dates = new List<DateOnly>(lines.Count);
        var rowLines = new List<int>(lines.Count);
        var open = new List<double>(lines.Count); var high = new List<double>(lines.Count); var low = new List<double>(lines.Count);
        var close = new List<double>(lines.Count); var volume = new List<double>(lines.Count);
        for (int i = first + 1; i < lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            int line = i + 1;
            var cells = SplitRow(lines[i]);
            if (cells.Length != header.Length)
                throw Error(line, $"has {cells.Length} cells, the header has {header.Length} ('{Clip(lines[i])}')");
            string dateText = cells[cDate].Trim();
            if (!DateOnly.TryParseExact(dateText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                throw Error(line, $"Date '{Clip(dateText)}' is not a date in the form yyyy-mm-dd");
            if (dates.Count > 0)
            {
                var prev = dates[^1];
                if (date == prev) throw Error(line, $"date {date:yyyy-MM-dd} repeats line {rowLines[^1]} (each day must appear once)");
                if (date < prev) throw Error(line, $"date {date:yyyy-MM-dd} is earlier than {prev:yyyy-MM-dd} on line {rowLines[^1]} (dates must be in ascending order)");
            }
            double Number(int c, string name)
            {
                string text = cells[c].Trim();
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                    throw Error(line, $"{date:yyyy-MM-dd} {name} '{Clip(text)}' is not a number" + (text.Length == 0 || text.Equals("null", StringComparison.OrdinalIgnoreCase) ? " (a missing value: remove the row or fill it in)" : ""));
                return v;
            }
            double o = Number(cOpen, "Open"), h = Number(cHigh, "High"), l = Number(cLow, "Low"), cl = Number(cClose, "Close"), vol = Number(cVolume, "Volume");
            if (cl <= 0) throw Error(line, $"{date:yyyy-MM-dd} Close {cl} is not positive (returns divide by the close)");
            if (vol < 0) throw Error(line, $"{date:yyyy-MM-dd} Volume {vol} is negative");
            dates.Add(date); rowLines.Add(line);
            open.Add(o); high.Add(h); low.Add(l); close.Add(cl); volume.Add(vol);
        }
        if (dates.Count == 0) throw new InvalidDataException($"{source}: no data rows after the header");
        return new DailyBars(source, [.. dates], [.. open], [.. high], [.. low], [.. close], [.. volume], [.. rowLines]);
    }

    /// <summary>Splits a CSV row on commas; a double-quoted cell may hold commas ("" is a quote).</summary>
    static string[] SplitRow(string line)
    {
        if (!line.Contains('"')) return line.Split(',');
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { cell.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else cell.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { cells.Add(cell.ToString()); cell.Clear(); }
            else cell.Append(ch);
        }
        cells.Add(cell.ToString());
        return [.. cells];
    }

    /// <summary>File text for a message: control characters shown as '?', cut at 60 characters.</summary>
    static string Clip(string text)
    {
        var chars = text.Select(c => char.IsControl(c) ? '?' : c).ToArray();
        return chars.Length > 60 ? new string(chars, 0, 60) + "..." : new string(chars);
    }
}
