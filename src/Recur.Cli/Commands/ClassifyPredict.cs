// `recur classify predict MODEL TEXT... | --file F`: the probability of the positive class and the
// predicted label of each text (for more than two classes, the most likely label and its probability, and in
// --json every class's). A file holds one text per line (a table: its text column).
using System.CommandLine;
using System.Text;
using Recur.Classification;
using Recur.Cli.Output;

namespace Recur.Cli.Commands;

static class ClassifyPredict
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "A run directory from 'recur classify train' or its model .safetensors file" };
        var texts = new Argument<string[]>("TEXT") { Description = "Texts to classify (quote each one)", Arity = ArgumentArity.ZeroOrMore };
        var file = new Option<string?>("--file", "-f") { Description = "Read texts from a file, one per line (- for stdin; a .csv or .tsv file, or one given --delimiter or --text-column: its text column) (default: none)" };
        var layout = new ClassifyCommand.LayoutOptions();
        var threshold = ClassifyCommand.ThresholdOption("A text is labelled positive when its probability is at least this (two classes only)");
        var threads = ClassifyCommand.ThreadsOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON object {\"predictions\": [{\"probability\", \"label\", \"text\"}, ...]} on stdout (more than two classes: and \"probabilities\", each label's) (default: off)", DefaultValueFactory = _ => false };

        var command = new Command("predict", "Classify texts: the probability of the positive class and the predicted label of each (more than two classes: the most likely label and its probability).");
        command.Add(model);
        command.Add(texts);
        command.Add(file);
        layout.AddTo(command);
        command.Add(threshold);
        command.Add(threads);
        command.Add(json);
        command.SetAction(parse =>
        {
            var reporter = new Reporter(parse.GetValue(json));
            double th = ClassifyCommand.Threshold(parse, threshold);
            CommonOptions.UseThreads(parse.GetValue(threads));
            var given = parse.GetValue(texts) ?? [];
            string? path = parse.GetValue(file);
            Cli.RequireUsage(given.Length > 0 || path != null, "give texts to classify, or --file with one text per line");
            Cli.RequireUsage(given.Length == 0 || path == null, "give texts or --file, not both");
            if (path == null) layout.RequireNone(parse);
            var inputs = path == null ? given.ToList() : ReadTexts(path, layout.Get(parse), layout.Given(parse));
            for (int i = 0; i < inputs.Count; i++)
                Cli.Require(!string.IsNullOrWhiteSpace(inputs[i]), $"text {i + 1} is empty");

            var classifier = Classifier.Load(ClassifyCommand.ModelPath(parse.GetValue(model)!));
            var labels = classifier.Labels;
            ClassifyCommand.RequireNoThreshold(parse, threshold, labels);
            var p = classifier.ClassProbabilities(classifier.Encode(inputs));
            var predicted = Classifier.Predicted(p);
            var rows = new List<Dictionary<string, object?>>();
            for (int i = 0; i < inputs.Count; i++)
            {
                // Two classes: P(positive) and the label at the threshold; more: the most likely label and its probability.
                float shown = labels.Count == 2 ? p[i][1] : p[i][predicted[i]];
                string label = labels.Count == 2 ? labels.Of(shown, th) : labels.Names[predicted[i]];
                reporter.Line($"{shown:F4}  {label}  {Snippet(inputs[i])}");
                var row = new Dictionary<string, object?> { ["probability"] = shown, ["label"] = label, ["text"] = inputs[i] };
                if (labels.Count > 2) row["probabilities"] = labels.Names.Select((n, c) => (n, c)).ToDictionary(x => x.n, x => p[i][x.c]);
                rows.Add(row);
            }
            reporter.Result(new Dictionary<string, object?> { ["predictions"] = rows, ["labels"] = classifier.Labels.Names });
            return Cli.Ok;
        });
        return command;
    }

    /// <summary>
    /// Texts of a file: one per non-blank line, or the text column of a table (a .csv or .tsv file, or
    /// any file when --delimiter or --text-column says it is one). The file (or stdin) must be UTF-8
    /// text: a binary file or another encoding is refused, not classified line by line.
    /// </summary>
    static List<string> ReadTexts(string path, CsvLayout layout, bool table)
    {
        if (path == "-")
        {
            Cli.RequireUsage(!table, "--delimiter and --text-column read a table from a file; stdin is read as one text per line: save the table to a file and give it to --file");
            using var stdin = Console.OpenStandardInput();
            var lines = Lines(TextInput.ReadStream(stdin, "stdin", "UTF-8 text, one text per line"));
            Cli.Require(lines.Count > 0, "no texts on stdin");
            return lines;
        }
        Cli.ExistingFile(path, "--file");
        if (table || path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase))
            return TextData.LoadCsv(path, layout, requireLabels: false).Select(t => t.Text).ToList();
        var texts = Lines(TextInput.ReadFile(path, "a UTF-8 text file, one text per line"));
        Cli.Require(texts.Count > 0, $"--file '{path}' holds no texts");
        return texts;
    }

    /// <summary>The non-blank lines of a text (split at LF, CRLF or CR, as File.ReadLines splits).</summary>
    static List<string> Lines(string text)
    {
        var lines = new List<string>();
        using var reader = new StringReader(text);
        while (reader.ReadLine() is { } line) if (!string.IsNullOrWhiteSpace(line)) lines.Add(line);
        return lines;
    }

    /// <summary>
    /// The text on one line, each run of whitespace one space, cut to 67 characters and "..." when longer than 70:
    /// string.Join(' ', text.Split(null, RemoveEmptyEntries)), built only as far as the cut (a text may be a whole review).
    /// </summary>
    static string Snippet(string text)
    {
        var flat = new StringBuilder(71);
        bool gap = false;   // whitespace since the last word
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c)) { gap = flat.Length > 0; continue; }
            if (gap) { flat.Append(' '); gap = false; }
            flat.Append(c);
            if (flat.Length > 70) return flat.ToString(0, 67) + "...";
        }
        return flat.ToString();
    }
}
