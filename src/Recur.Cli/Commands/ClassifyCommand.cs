// `recur classify`: train, evaluate and apply an LSTM text classifier (seed 002's IMDb sentiment
// model). This file holds the parent command and what its subcommands share: where the label and
// text are in a CSV file, which model file a MODEL argument means, and the thread count.
using System.CommandLine;
using Recur.Classification;
using Recur.IO;

namespace Recur.Cli.Commands;

static class ClassifyCommand
{
    public const string ModelFileName = ModelFile.InRunDirectory;

    public static Command Create()
    {
        var command = new Command("classify", "Train and apply an LSTM, GRU or RNN text classifier (binary sentiment, as seed 002's IMDb project, or more classes).");
        command.Add(ClassifyTrain.Create());
        command.Add(ClassifyEval.Create());
        command.Add(ClassifyPredict.Create());
        return command;
    }

    /// <summary>The options that locate label and text in a CSV file.</summary>
    internal sealed class LayoutOptions
    {
        readonly Option<string> label = new("--label-column") { Description = "CSV header name of the label column", DefaultValueFactory = _ => "label" };
        readonly Option<string> text = new("--text-column") { Description = "CSV header name of the text column", DefaultValueFactory = _ => "text" };
        readonly Option<string> delimiter = new("--delimiter") { Description = "CSV field separator (one character; \\t for tab)", DefaultValueFactory = _ => "," };

        public void AddTo(Command command)
        {
            command.Add(label);
            command.Add(text);
            command.Add(delimiter);
        }

        /// <summary>True when --delimiter or --text-column was given: the user means a table, whatever the file is called.</summary>
        public bool Given(ParseResult parse) => CommonOptions.Given(parse, delimiter) || CommonOptions.Given(parse, text);

        /// <summary>
        /// The layout for reading <paramref name="source"/>: the options read a table, so they are refused where
        /// there is none (a folder of class folders, or texts on the command line) rather than ignored.
        /// </summary>
        public CsvLayout Get(ParseResult parse, string source)
        {
            if (FirstGiven(parse) is { } given)
                Cli.RequireUsage(!Directory.Exists(source), $"{given.Name} reads a CSV file, but '{source}' is a folder, whose class folders are the labels; leave {given.Name} out");
            return Get(parse);
        }

        /// <summary>Refuses the options when the texts come from the command line, where there is no table to read.</summary>
        public void RequireNone(ParseResult parse)
        {
            if (FirstGiven(parse) is { } given)
                Cli.RequireUsage(false, $"{given.Name} reads a table given with --file; texts on the command line are read whole: leave {given.Name} out");
        }

        Option? FirstGiven(ParseResult parse) => new Option[] { label, text, delimiter }.FirstOrDefault(o => CommonOptions.Given(parse, o));

        public CsvLayout Get(ParseResult parse)
        {
            string d = parse.GetValue(delimiter)!;
            if (d == "\\t") d = "\t";
            Cli.Require(d.Length == 1 && d is not ("\"" or "\r" or "\n"), $"--delimiter '{d}' must be one character other than a quote or a line break");
            return new CsvLayout(parse.GetValue(label)!, parse.GetValue(text)!, d[0]);
        }
    }

    internal static Option<double> ThresholdOption(string description) => new("--threshold") { Description = description, DefaultValueFactory = _ => 0.5 };

    /// <summary>The --threshold value, checked to be a probability.</summary>
    internal static double Threshold(ParseResult parse, Option<double> option)
    {
        double th = parse.GetValue(option);
        Cli.Require(th >= 0 && th <= 1, $"--threshold {th} must be in [0, 1]");
        return th;
    }

    /// <summary>Refuses --threshold for a model of more than two classes, which predicts the most likely class instead.</summary>
    internal static void RequireNoThreshold(ParseResult parse, Option<double> option, LabelMap labels) =>
        Cli.Require(labels.Count == 2 || !CommonOptions.Given(parse, option),
            $"--threshold applies to a model of two classes; this one has {labels.Count} and predicts the most likely: leave --threshold out");

    internal static Option<int> ThreadsOption() => new("--threads")
    {
        Description = "Threads for the kernels, every core by default",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    /// <summary>A model file, or a run directory holding model.safetensors.</summary>
    internal static string ModelPath(string path) => ModelFile.Resolve(path, "recur classify train");

    /// <summary>Labelled or unlabelled data from a CSV file or a folder of class folders, with a clear error if it is neither.</summary>
    internal static List<LabeledText> LoadData(string path, CsvLayout layout, bool requireLabels = true)
    {
        Cli.Require(File.Exists(path) || Directory.Exists(path), $"data '{path}' does not exist (give a CSV file or a folder of class folders)");
        return TextData.Load(path, layout, requireLabels);
    }

    internal static string Percent(double x) => double.IsNaN(x) ? "n/a" : $"{100 * x:F2} %";
}
