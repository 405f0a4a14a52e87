// recur info MODEL: what a model file holds: configuration, vocabulary, size, training summary; a
// classifier's or forecaster's file is shown by InfoOtherModels.
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Recur.Cli.Output;
using Recur.IO;
using Recur.LanguageModel;
using Recur.Text;

namespace Recur.Cli.Commands;

static class InfoCommand
{
    static readonly Argument<string> Model = new("MODEL") { Description = "A run directory or a .safetensors model file" };
    static readonly Option<bool> Json = CommonOptions.Json();

    public static Command Create()
    {
        var cmd = new Command("info", "Show a model's configuration, vocabulary, parameter count and training summary (language models, classifiers and forecasters)");
        cmd.Add(Model);
        cmd.Add(Json);
        cmd.SetAction(Run);
        return cmd;
    }

    static int Run(ParseResult p)
    {
        var reporter = new Reporter(p.GetValue(Json));
        string model = p.GetValue(Model)!;
        Cli.Require(!Directory.Exists(model) || File.Exists(Path.Combine(model, TrainingRun.ModelFileName)),
            $"{model}: no {TrainingRun.ModelFileName} in this directory; give a run directory (from 'recur train', 'recur classify train' or 'recur forecast train') or a .safetensors file");
        string path = LanguageModelFile.Resolve(model);
        string? kind = ModelKind.Name(ModelFile.LoadMetadata(path));
        if (kind == ModelKind.Classifier) { InfoOtherModels.Classifier(path, reporter); return Cli.Ok; }
        if (kind == ModelKind.Forecaster) { InfoOtherModels.Forecaster(path, reporter); return Cli.Ok; }
        var loaded = LanguageModelFile.Load(path);
        var c = loaded.Model.Config;
        long parameters = loaded.Model.ParameterCount();
        var run = loaded.Metadata.TryGetValue("recur.run", out var runJson) ? RunSummary(runJson, reporter) : null;
        reporter.Line($"model file: {PathText.Show(loaded.Path)}");
        reporter.Line($"architecture: {Architecture(c)}; {parameters:N0} parameters");
        reporter.Line($"text: {c.Tokens}{(c.Lowercase ? ", lowercased" : "")}{(c.Ascii ? ", ASCII only" : "")}");
        var tokens = loaded.Vocabulary.Tokens;
        reporter.Line(c.Tokens == ModelConfig.Words
            ? $"vocabulary ({tokens.Count}, by frequency): {string.Join(' ', tokens.Take(60))}{(tokens.Count > 60 ? $" … and {tokens.Count - 60:N0} more" : "")}"
            : $"vocabulary ({tokens.Count}): {string.Concat(tokens.Select(Show))}");
        if (run is { } r)
            try { ShowRun(r, c, reporter); }
            catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
            {
                reporter.Warn("the file's training summary (metadata recur.run) is damaged; showing the model only");
            }
        reporter.Result(new Dictionary<string, object?>
        {
            ["path"] = loaded.Path,
            ["kind"] = "language_model",
            ["config"] = JsonDocument.Parse(c.ToJson()).RootElement,
            ["parameters"] = parameters,
            ["vocab"] = loaded.Vocabulary.Tokens,
            ["run"] = run,
        });
        return Cli.Ok;
    }

    static void ShowRun(JsonElement r, ModelConfig c, Reporter reporter)
    {
        string unit = TokenText.Unit(c.Tokens);
        string val = r.TryGetProperty("val_loss", out var v) && v.GetDouble() >= 0
            ? $"{v.GetDouble():0.0000} nats/{unit} (perplexity {CommonOptions.FormatPerplexity(Math.Exp(v.GetDouble()))}) at step {r.GetProperty("best_step").GetInt64():N0}" : "none";
        reporter.Line($"training: step {r.GetProperty("step").GetInt64():N0}, epoch {r.GetProperty("epoch").GetDouble():0.00}, {r.GetProperty("tokens_seen").GetInt64():N0} tokens seen; best validation loss {val}");
        if (r.TryGetProperty("corpus", out var corpus)) reporter.Line($"corpus: {string.Join(", ", corpus.EnumerateArray().Select(e => e.GetString()))}");
        if (r.TryGetProperty("train", out var train) && train.TryGetProperty("val_file", out var valFile) && valFile.ValueKind == JsonValueKind.String)
            reporter.Line($"validation file: {valFile.GetString()}");
        if (r.TryGetProperty("train", out train) && train.TryGetProperty("init_from", out var initFrom) && initFrom.ValueKind == JsonValueKind.String)
            reporter.Line($"fine-tuned from: {initFrom.GetString()}");
    }

    /// <summary>The training summary a model file carries; a damaged one is a warning, the model itself still loads.</summary>
    static JsonElement? RunSummary(string json, Reporter reporter)
    {
        try
        {
            var r = JsonDocument.Parse(json).RootElement;
            if (r.ValueKind == JsonValueKind.Object) return r;
        }
        catch (JsonException) { }
        reporter.Warn("the file's training summary (metadata recur.run) is damaged; showing the model only");
        return null;
    }

    /// <summary>"lstm 2×512, embedding 64, dropout 0.2", or for the seed's recurrence "loop (seed 004) 64 hidden, embedding added to h, batch norm".</summary>
    public static string Architecture(ModelConfig c) => c.Cell == LoopModel.CellName
        ? $"loop (seed 004's recurrence), {c.Hidden} hidden, embedding {c.Embed} added to h, ReLU, batch norm"
        : $"{c.Cell} {c.Layers}×{c.Hidden}, {(c.Embed > 0 ? $"embedding {c.Embed}{(c.Tie ? " tied to the output layer" : "")}" : "one-hot input")}, dropout {c.Dropout}";

    // A character that prints as nothing or as a plain space (a control such as U+0093 from a Latin-1
    // misreading, a no-break or zero-width space) is shown by its code point, so it can be seen and found.
    static string Show(string token) => token switch
    {
        "\n" => "\\n", "\t" => "\\t", "\r" => "\\r", " " => "␠",
        _ when Rune.TryGetRuneAt(token, 0, out var r) && r.Utf16SequenceLength == token.Length &&
            (Rune.IsControl(r) || Rune.IsWhiteSpace(r) || Rune.GetUnicodeCategory(r) == UnicodeCategory.Format)
            => $"\\u{r.Value:X4}",
        _ => token,
    };
}
