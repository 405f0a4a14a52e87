// recur demo: the no-download tour. Trains a small LSTM for about a minute on Recur's own documentation
// (embedded in the tool) and prints a sample, so a fresh clone shows the whole pipeline working.
using System.CommandLine;
using System.Reflection;
using Recur.Cli.Output;
using Recur.LanguageModel;
using Recur.Text;

namespace Recur.Cli.Commands;

static class DemoCommand
{
    static readonly Option<string?> Time = new("--time") { Description = "Training time (default 60s)" };
    static readonly Option<string?> Output = new("--output", "-o") { Description = "Keep the run in this directory (default: a temporary one, removed afterwards)" };
    static readonly Option<int> Threads = CommonOptions.Threads();

    public static Command Create()
    {
        var cmd = new Command("demo", "Train a small model on Recur's own documentation for about a minute and print a sample (no download needed)");
        foreach (var o in new Option[] { Time, Output, Threads }) cmd.Add(o);
        cmd.SetAction(Run);
        return cmd;
    }

    /// <summary>The text of README.md and docs/*.md as built into the tool.</summary>
    public static string Corpus()
    {
        var asm = Assembly.GetExecutingAssembly();
        var names = asm.GetManifestResourceNames().Where(n => n.StartsWith("demo/")).Order();
        return string.Join("\n\n", names.Select(n =>
        {
            using var s = asm.GetManifestResourceStream(n)!;
            return new StreamReader(s).ReadToEnd().Replace("\r\n", "\n");
        }));
    }

    static int Run(ParseResult p)
    {
        var reporter = new Reporter(json: false);
        CommonOptions.UseThreads(p.GetValue(Threads));
        double seconds = p.GetValue(Time) is string t ? CommonOptions.ParseDuration(t) : 60;
        string? keep = p.GetValue(Output);
        string dir = keep ?? Path.Combine(Path.GetTempPath(), $"recur-demo-{Environment.ProcessId}");
        // The demo writes corpus.txt and run/ into -o DIR: an existing directory must be empty, so nothing of the user's is
        // overwritten; it is locked (another demo there is refused) until the demo ends.
        if (keep != null) IO.DirectoryLock.ThrowIfInUse(keep);
        void RequireEmpty() => Cli.Require(keep == null || !Directory.Exists(keep) || Directory.EnumerateFileSystemEntries(keep).All(IO.DirectoryLock.IsLockFile),
            $"demo directory '{keep}' is not empty; give a new or empty directory");
        RequireEmpty();
        string? made = null;
        IO.DirectoryLock? held = null;
        bool done = false;
        try
        {
            if (keep != null) (held, made) = Cli.CreateLockedDirectory(dir, "demo directory", RequireEmpty);
            else Cli.CreateOutputDirectory(dir, "demo directory");   // this process's own temporary directory
            string corpus = Path.Combine(dir, "corpus.txt");
            IO.AtomicFile.WriteAllText(corpus, Corpus());
            var model = new ModelConfig { Cell = "lstm", Layers = 2, Hidden = 256, Embed = 32, Dropout = 0.1f };
            var train = new TrainConfig
            {
                Corpus = [corpus], Batch = 32, Seq = 64, Lr = 3e-3, TimeSeconds = seconds, ValFrac = 0.05,
                EvalEvery = 100, CheckpointEvery = 1_000_000, Keep = 0,
            };
            using var run = TrainingRun.Create(Path.Combine(dir, "run"), model, train, new TextOptions());
            reporter.Line($"recur demo: training a {model.Cell} {model.Layers}×{model.Hidden} on {run.Corpus.Length:N0} characters of Recur's own documentation for {CommonOptions.FormatDuration(seconds)} ({Workers.Count} thread{(Workers.Count == 1 ? "" : "s")})...");
            TrainOutcome outcome = null!;
            reporter.WithProgress("demo", sink => outcome = Trainer.Run(run, new TrainMonitor(sink)));
            reporter.Line($"{outcome.Steps:N0} steps at {outcome.TokensPerSecond:N0} tokens/s; best validation loss {run.Progress.BestValLoss:0.000} nats/char");
            reporter.Line("");
            reporter.Line("A sample (temperature 0.8), primed with \"Recur \":");
            reporter.Line("");
            var loaded = LanguageModelFile.Load(run.Directory);
            var text = new Sampler(loaded.Model, loaded.Vocabulary).Generate(new SampleOptions { Prime = "Recur ", Length = 600, Temperature = 0.8, Seed = 1 })[0];
            reporter.Line(text);
            reporter.Line("");
            reporter.Line(keep != null ? $"The run is in {IO.PathText.Show(run.Directory)}; try: recur sample {IO.PathText.Arg(run.Directory)} --prime \"The \"" : "Next: train on a book, e.g. recur train ../shared/data/tinyshakespeare.txt -o runs/shakespeare --time 30m");
            done = true;
            return Cli.Ok;
        }
        finally
        {
            // A temporary directory always goes; a kept one only when this demo made it and failed, removed
            // while the demo still holds it (Cli.RemoveCreated releases the lock).
            if (keep == null) try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
            else if (!done) Cli.RemoveCreated(made, dir, held);
            else held?.Dispose();
        }
    }
}
