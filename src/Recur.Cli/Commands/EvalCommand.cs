// recur eval MODEL FILE: the model's loss on a text file (nats and bits per token, perplexity), its argmax
// accuracy, and with --continuation K seed 004's test: how often a greedy K-token continuation of each
// K-token window is entirely right.
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
    static readonly Option<int> Seq = new("--seq") { Description = "Steps per forward pass; last-token accuracy is measured at the end of each", DefaultValueFactory = _ => 100 };
    static readonly Option<int> ContinuationOpt = new("--continuation")
    {
        Description = "Also continue every K-token window greedily for K tokens and report how often all K are right (seed 004 uses 20)", HelpName = "K",
    };
    static readonly Option<int> Threads = CommonOptions.Threads();
    static readonly Option<bool> Json = CommonOptions.Json();

    public static Command Create()
    {
        var cmd = new Command("eval", "Loss, perplexity and accuracy of a model on a text file, and greedy continuations");
        cmd.Add(Model);
        cmd.Add(File);
        foreach (var o in new Option[] { Batch, Seq, ContinuationOpt, Threads, Json }) cmd.Add(o);
        cmd.SetAction(Run);
        return cmd;
    }

    static int Run(ParseResult p)
    {
        var reporter = new Reporter(p.GetValue(Json));
        Cli.Require(p.GetValue(Batch) >= 1 && p.GetValue(Seq) >= 1, "--batch and --seq must be at least 1");
        bool continuing = CommonOptions.Given(p, ContinuationOpt);
        int k = p.GetValue(ContinuationOpt);
        Cli.Require(!continuing || k >= 1, $"--continuation must be at least 1 (got {k})");
        CommonOptions.UseThreads(p.GetValue(Threads));
        var loaded = LanguageModelFile.Load(p.GetValue(Model)!);
        string path = Cli.ExistingFile(p.GetValue(File)!, "text file");
        var cfg = loaded.Model.Config;
        string text = TextFile.Read(path, new TextOptions(cfg.Lowercase, cfg.Ascii));
        if (TokenText.CarriageReturnNote(cfg.Tokens, path, TokenText.CarriageReturns(text)) is string crNote) reporter.Warn(crNote);
        var unknown = new Dictionary<string, int>();
        var tokens = TokenText.Encode(text, cfg.Tokens, loaded.Vocabulary, unknown);
        int skipped = unknown.Values.Sum();
        if (skipped > 0)
            reporter.Warn($"{TokenText.UnknownNote(cfg.Tokens, skipped)}: " +
                string.Join(", ", unknown.OrderByDescending(kv => kv.Value).Take(8).Select(kv => $"{Vocabulary.Describe(kv.Key)} ×{kv.Value}")));
        string unit = TokenText.Unit(cfg.Tokens);
        Cli.Require(tokens.Length >= 2, $"{path}: fewer than two tokens the model knows; nothing to evaluate");
        Cli.Require(!continuing || tokens.Length >= 2L * k, $"{path}: {tokens.Length:N0} tokens are too few for --continuation {k:N0} (it needs {2L * k:N0})");
        var r = Evaluator.Evaluate(loaded.Model, tokens, p.GetValue(Batch), p.GetValue(Seq));
        reporter.Line($"{path}: loss {r.Loss:0.0000} nats/{unit}, {r.Bits:0.0000} bits/{unit}, perplexity {CommonOptions.FormatPerplexity(r.Perplexity, 3)} over {r.Tokens:N0} predicted {unit}{(r.Tokens == 1 ? "" : "s")}" +
            (skipped > 0 ? $" ({skipped:N0} unknown)" : ""));
        // Streams shorter than --seq hold no window, so there is no last token of one to score.
        bool windowed = r.FullWindows > 0;
        reporter.Line($"accuracy {r.TokenAccuracy:P2} over every token, " + (windowed
            ? $"{r.LastTokenAccuracy:P2} on the last token of each {p.GetValue(Seq)}-token window"
            : $"none on the last token of a {p.GetValue(Seq)}-token window (no stream of the text fills one; lower --seq, or --batch to make the streams longer)"));
        var c = continuing ? Continuation.Evaluate(loaded.Model, tokens, k, p.GetValue(Batch)) : null;
        if (c != null)
            reporter.Line($"greedy {k}-token continuations of {k}-token windows: {c.Exact:N0} of {c.Windows:N0} entirely right ({c.ExactRate:P2}); {c.TokenRate:P2} of their tokens right");
        var result = new Dictionary<string, object?>
        {
            ["loss"] = r.Loss, ["bpc"] = r.Bits, ["perplexity"] = r.Perplexity, ["tokens"] = r.Tokens, ["unknown"] = skipped,
            ["token_accuracy"] = r.TokenAccuracy, ["last_token_accuracy"] = windowed ? r.LastTokenAccuracy : null,
        };
        if (cfg.Tokens == ModelConfig.Chars) result["chars"] = r.Tokens;
        if (c != null)
        {
            result["exact_continuation"] = c.ExactRate;
            result["continuation_token_accuracy"] = c.TokenRate;
            result["continuations"] = c.Windows;
        }
        reporter.Result(result);
        return Cli.Ok;
    }
}
