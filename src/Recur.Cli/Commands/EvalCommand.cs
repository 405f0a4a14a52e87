// recur eval MODEL FILE: the model's loss on a text file, in nats and bits per character, and perplexity.
using System.CommandLine;
using Recur.Cli.Output;
using Recur.LanguageModel;
using Recur.Text;

namespace Recur.Cli.Commands;

static class EvalCommand
{
    static readonly Argument<string> Model = new("MODEL") { Description = "A run directory or a .safetensors model file" };
    static readonly Argument<string> File = new("FILE") { Description = "UTF-8 text to evaluate on" };
    static readonly Option<int> Batch = new("--batch") { Description = "Sequences evaluated side by side", DefaultValueFactory = _ => 64 };
    static readonly Option<int> Seq = new("--seq") { Description = "Steps per forward pass", DefaultValueFactory = _ => 100 };
    static readonly Option<int> Threads = CommonOptions.Threads();
    static readonly Option<bool> Json = CommonOptions.Json();

    public static Command Create()
    {
        var cmd = new Command("eval", "Loss, bits per character and perplexity of a model on a text file");
        cmd.Add(Model);
        cmd.Add(File);
        foreach (var o in new Option[] { Batch, Seq, Threads, Json }) cmd.Add(o);
        cmd.SetAction(Run);
        return cmd;
    }

    static int Run(ParseResult p)
    {
        var reporter = new Reporter(p.GetValue(Json));
        Cli.Require(p.GetValue(Batch) >= 1 && p.GetValue(Seq) >= 1, "--batch and --seq must be at least 1");
        CommonOptions.UseThreads(p.GetValue(Threads));
        var loaded = LanguageModelFile.Load(p.GetValue(Model)!);
        string path = Cli.ExistingFile(p.GetValue(File)!, "text file");
        var cfg = loaded.Model.Config;
        string text = TextFile.Read(path, new TextOptions(cfg.Lowercase, cfg.Ascii));
        var unknown = new Dictionary<string, int>();
        var tokens = loaded.Vocabulary.EncodeCharacters(text, unknown);
        int skipped = unknown.Values.Sum();
        if (skipped > 0)
            reporter.Warn($"{skipped:N0} characters are not in the model's vocabulary and were skipped: " +
                string.Join(", ", unknown.OrderByDescending(kv => kv.Value).Take(8).Select(kv => $"{Vocabulary.Describe(kv.Key)} ×{kv.Value}")));
        Cli.Require(tokens.Length >= 2, $"{path}: fewer than two characters the model knows; nothing to evaluate");
        var r = Evaluator.Evaluate(loaded.Model, tokens, p.GetValue(Batch), p.GetValue(Seq));
        reporter.Line($"{path}: loss {r.Loss:0.0000} nats/char, {r.Bits:0.0000} bits/char, perplexity {r.Perplexity:0.000} over {r.Tokens:N0} predicted characters" +
            (skipped > 0 ? $" ({skipped:N0} unknown characters skipped)" : ""));
        reporter.Result(new Dictionary<string, object?>
        {
            ["loss"] = r.Loss, ["bpc"] = r.Bits, ["perplexity"] = r.Perplexity, ["chars"] = r.Tokens, ["unknown"] = skipped,
        });
        return Cli.Ok;
    }
}
