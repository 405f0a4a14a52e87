// Labelled texts from a CSV file (a label column and a text column, chosen by header name) or from a
// folder holding one sub-folder of text files per class. Every problem a user can fix — a missing
// column, a duplicated one, a short record, an empty label or text, unreadable quoting, a binary or
// non-UTF-8 file — is an InvalidDataException naming the file and line (or the file in a class folder).
using Recur.IO;

namespace Recur.Classification;

/// <summary>One labelled text and where it came from ("data/train.csv line 12", "data/pos/3.txt"): the path as given, for messages.</summary>
public sealed record LabeledText(string Label, string Text, string Where);

/// <summary>Where the label and text are in a CSV file.</summary>
/// <param name="LabelColumn">Header name of the label column ("label").</param>
/// <param name="TextColumn">Header name of the text column ("text").</param>
/// <param name="Delimiter">Field separator (',').</param>
public sealed record CsvLayout(string LabelColumn = "label", string TextColumn = "text", char Delimiter = ',');

/// <summary>Reads labelled texts from CSV files and class folders.</summary>
public static class TextData
{
    static readonly CsvLayout Defaults = new();

    /// <summary>A CSV file, or a folder of class sub-folders when <paramref name="path"/> is a directory.</summary>
    /// <param name="path">The CSV file or the folder.</param>
    /// <param name="layout">Where label and text are in a CSV file (default: "label", "text", ',').</param>
    /// <param name="requireLabels">False for unlabelled input (prediction): a missing label column is allowed and labels are "".</param>
    public static List<LabeledText> Load(string path, CsvLayout? layout = null, bool requireLabels = true)
    {
        if (Directory.Exists(path)) return LoadFolders(path);
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: no such file or folder");
        return LoadCsv(path, layout ?? new CsvLayout(), requireLabels);
    }

    /// <summary>Rows of a CSV file with a header naming its columns.</summary>
    public static List<LabeledText> LoadCsv(string path, CsvLayout layout, bool requireLabels = true)
    {
        var items = new List<LabeledText>();
        int labelAt = -1, textAt = -1, width = 0;
        foreach (var record in CsvReader.ReadFile(path, layout.Delimiter))
        {
            var f = record.Fields;
            if (width == 0)
            {
                width = f.Count;
                string at = $"{path} line {record.Line}";
                labelAt = Column(f, layout.LabelColumn, "--label-column", at);
                textAt = Column(f, layout.TextColumn, "--text-column", at);
                // A file without a header has a text for a "name": each is cut short.
                string header = string.Join(", ", f.Take(12).Select(h => ErrorText.Quote(h, 40))) + (f.Count > 12 ? ", ..." : "");
                string? other = OtherDelimiter(f, layout.Delimiter);
                string fix(string option, string what) => other == null ? $"name the {what} column with {option}"
                    : $"the header is one field: if '{other}' separates its columns, give --delimiter '{other}'";
                if (textAt < 0)
                    throw new InvalidDataException($"{path} line {record.Line}: no column '{layout.TextColumn}' in the header ({header}); {fix("--text-column", "text")}");
                if (labelAt < 0 && requireLabels)
                    throw new InvalidDataException($"{path} line {record.Line}: no column '{layout.LabelColumn}' in the header ({header}); {fix("--label-column", "label")}");
                // Either option may be the one to change (--text-column label meets the default label column), so neither is blamed.
                if (labelAt == textAt)
                    throw new InvalidDataException($"{path} line {record.Line}: --label-column '{layout.LabelColumn}' and --text-column '{layout.TextColumn}' name the same column; " +
                        $"pick different columns for the two: the labels' with --label-column (default '{Defaults.LabelColumn}'), the texts' with --text-column (default '{Defaults.TextColumn}')");
                continue;
            }
            string where = $"{path} line {record.Line}";
            if (f.Count != width)
                throw new InvalidDataException($"{path} line {record.Line}: {f.Count} field{(f.Count == 1 ? "" : "s")}, but the header has {width}" +
                    (f.Count < width ? " (a missing column, or a delimiter inside text that should be quoted)" : " (a delimiter inside text that should be quoted?)"));
            string label = labelAt >= 0 ? f[labelAt].Trim() : "";
            string text = f[textAt];
            if (labelAt >= 0 && requireLabels && label.Length == 0)
                throw new InvalidDataException($"{path} line {record.Line}: empty label");
            if (string.IsNullOrWhiteSpace(text))
                throw new InvalidDataException($"{path} line {record.Line}: empty text");
            items.Add(new LabeledText(label, text, where));
        }
        if (width == 0) throw new InvalidDataException($"{path}: the file is empty (expected a header line, then one row per text)");
        if (items.Count == 0) throw new InvalidDataException($"{path}: a header but no rows");
        return items;
    }

    /// <summary>
    /// The index of a header column: an exact match, else the one match ignoring case; -1 if none. Two
    /// columns that both match are an error (<paramref name="at"/>: "path line 1"): which one holds the
    /// labels or texts cannot be guessed, and reading either silently would be a coin toss.
    /// </summary>
    static int Column(IReadOnlyList<string> header, string name, string option, string at)
    {
        var exact = Enumerable.Range(0, header.Count).Where(i => header[i].Trim() == name).ToList();
        if (exact.Count > 1)
            throw new InvalidDataException($"{at}: the header names column {ErrorText.Quote(name, 40)} {exact.Count} times (fields {string.Join(", ", exact.Select(i => i + 1))}); " +
                "rename or remove the duplicate column");
        if (exact.Count == 1) return exact[0];
        var loose = Enumerable.Range(0, header.Count).Where(i => string.Equals(header[i].Trim(), name, StringComparison.OrdinalIgnoreCase)).ToList();
        if (loose.Count > 1)
            throw new InvalidDataException($"{at}: columns {string.Join(", ", loose.Select(i => ErrorText.Quote(header[i].Trim(), 40)))} all match {ErrorText.Quote(name, 40)} " +
                $"ignoring case; give one's exact name with {option}");
        return loose.Count == 1 ? loose[0] : -1;
    }

    /// <summary>
    /// A folder with one sub-folder per class (its name is the label), each holding text files (UTF-8),
    /// one text per file. Hidden entries are skipped; files are read in ordinal name order.
    /// </summary>
    public static List<LabeledText> LoadFolders(string path)
    {
        var classes = Listing(path, Directory.GetDirectories).Where(d => !Path.GetFileName(d).StartsWith('.'))
            .OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal).ToList();
        if (classes.Count == 0)
            throw new InvalidDataException($"{path}: no class sub-folders (expected one folder of text files per class, e.g. {PathText.Show(path + "/neg")} and {PathText.Show(path + "/pos")})");
        var items = new List<LabeledText>();
        foreach (var dir in classes)
        {
            string label = Path.GetFileName(dir);
            var files = Listing(dir, Directory.GetFiles).Where(f => !Path.GetFileName(f).StartsWith('.'))
                .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToList();
            if (files.Count == 0) throw new InvalidDataException($"{PathText.Show(dir)}: class folder '{label}' holds no files");
            foreach (var file in files)
            {
                string text = TextInput.ReadFile(file, "a UTF-8 text file (one text per file)");
                if (string.IsNullOrWhiteSpace(text)) throw new InvalidDataException($"{PathText.Show(file)}: empty text");
                items.Add(new LabeledText(label, text, file));
            }
        }
        return items;
    }

    /// <summary>
    /// The separator a one-field header holds when it is not <paramref name="delimiter"/> (a file written with ';'
    /// or tabs, read with ','), as --delimiter spells it; null otherwise.
    /// </summary>
    static string? OtherDelimiter(IReadOnlyList<string> header, char delimiter)
    {
        if (header.Count != 1) return null;
        foreach (char c in ",;\t|")
            if (c != delimiter && header[0].Contains(c)) return c == '\t' ? "\\t" : c.ToString();
        return null;
    }

    /// <summary>A folder's entries; a folder that cannot be read is one InvalidDataException line naming it.</summary>
    static string[] Listing(string dir, Func<string, string[]> list)
    {
        try { return list(dir); }
        catch (UnauthorizedAccessException e) { throw new InvalidDataException($"{PathText.Show(dir)}: permission denied (cannot list the folder)", e); }
    }
}
