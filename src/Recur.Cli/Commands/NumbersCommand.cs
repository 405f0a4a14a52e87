// recur numbers -o DIR: writes seed 004's "human numbers" corpus, the numbers in English words separated
// by " , " tokens: DIR/train.txt holds 1..8000 and DIR/valid.txt 8001..9999, each file one line.
using System.CommandLine;
using Recur.Cli.Output;
using Recur.IO;
using Recur.Text;

namespace Recur.Cli.Commands;

static class NumbersCommand
{
    static readonly Option<string?> Output = new("--output", "-o") { Description = "Directory for train.txt and valid.txt (created if needed)", HelpName = "DIR" };

    public static Command Create()
    {
        var cmd = new Command("numbers", "Write seed 004's counting corpus: 1..8000 (train.txt) and 8001..9999 (valid.txt) in English words");
        cmd.Add(Output);
        cmd.SetAction(Run);
        return cmd;
    }

    static int Run(ParseResult p)
    {
        var reporter = new Reporter(json: false);
        string? dir = p.GetValue(Output);
        Cli.RequireUsage(dir != null, "give the output directory with -o DIR");
        Cli.OutputDirectory(dir!, "output directory");
        var files = new[] { ("train.txt", 1, HumanNumbers.TrainLast), ("valid.txt", HumanNumbers.TrainLast + 1, HumanNumbers.ValidLast) }
            .Select(f => (Path: Path.Combine(dir!, f.Item1), First: f.Item2, Last: f.Item3, Text: HumanNumbers.Text(f.Item2, f.Item3))).ToArray();
        // Both are checked before either is written, so a refused valid.txt leaves no new train.txt behind.
        foreach (var (path, _, _, text) in files)
        {
            Cli.Require(!Directory.Exists(path), $"{PathText.Show(path)} is a directory; give an output directory without train.txt and valid.txt directories in it");
            // Writing the same corpus again is harmless; anything else in its place is the user's file.
            Cli.Require(!File.Exists(path) || File.ReadAllText(path) == text, $"{PathText.Show(path)} already exists and holds other text; choose another directory or move it away");
        }
        // Both are written before anything is printed: a stdout that fails (a full disk) must not leave train.txt alone.
        foreach (var (path, _, _, text) in files) AtomicFile.WriteAllText(path, text);
        foreach (var (path, first, last, text) in files)
            reporter.Line($"{PathText.Show(path)}: {first:N0}..{last:N0}, {WordTokenizer.Tokenize(text).Count:N0} word tokens");
        reporter.Line($"train a model on it with e.g.: recur train {PathText.Arg(files[0].Path)} --val-file {PathText.Arg(files[1].Path)} --tokens words --cell gru -o runs/numbers-gru");
        return Cli.Ok;
    }
}
