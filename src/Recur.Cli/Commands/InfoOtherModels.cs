// recur info for the two model kinds that are not language models: a classifier from `recur classify
// train` and a forecaster from `recur forecast train`. Both show the architecture, size, data rules and
// the training facts their metadata holds; --json gives the same as one object with "kind".
using System.Globalization;
using System.Text.Json;
using Recur.Classification;
using Recur.Cli.Output;
using Recur.Forecasting;

namespace Recur.Cli.Commands;

static class InfoOtherModels
{
    public static void Classifier(string path, Reporter reporter)
    {
        var classifier = Recur.Classification.Classifier.Load(path);
        var c = classifier.Model.Config;
        var meta = classifier.Metadata;
        long parameters = classifier.Model.ParameterCount();
        string rnn = $"{c.Cell} {c.Layers}×{c.Hidden}{(c.Bidirectional ? ", bidirectional" : "")}";
        reporter.Line($"model file: {IO.PathText.Show(path)}");
        reporter.Line($"text classifier (recur classify): embedding {c.Embed} → {rnn} → linear {c.Fc} → ReLU → {(c.Classes == 2 ? "linear 1 → sigmoid" : $"linear {c.Classes} → softmax")}, " +
            $"dropout {c.Dropout}; {parameters:N0} parameters");
        reporter.Line($"labels: {classifier.Labels}");
        var tokens = classifier.Vocab.Tokens;
        reporter.Line($"tokenizer {meta.GetValueOrDefault("tokenizer", "?")}, vocabulary {tokens.Count:N0}: {string.Join(' ', tokens.Take(30))}" +
            $"{(tokens.Count > 30 ? $" … and {tokens.Count - 30:N0} more" : "")}; {(classifier.MaxLen is int m ? $"texts cut to {m:N0} tokens" : "texts read whole")}");
        // The training record is shown as far as it reads; a damaged one (edited, or cut) is a warning, as a
        // language model's summary is: the model itself loaded.
        var training = Json(meta, "training", JsonValueKind.Object, out bool trainingDamaged);
        var history = Json(meta, "history", JsonValueKind.Array, out bool historyDamaged);
        int? bestEpoch = meta.TryGetValue("best_epoch", out var be) && int.TryParse(be, CultureInfo.InvariantCulture, out int e) ? e : null;
        if (training is { } t)
            reporter.Line($"training: {Get(t, "epochs")} epoch{(Get(t, "epochs") == "1" ? "" : "s")}, batch {Get(t, "batch_size")}, lr {Get(t, "learning_rate")}, seed {Get(t, "seed")}, " +
                $"validation split {Get(t, "val_split")}");
        // The saved model's epoch (the best validated one, else the last).
        if (history is { } h && h.GetArrayLength() > 0)
        {
            if (h.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Object))
            {
                var saved = h.EnumerateArray().LastOrDefault(x => bestEpoch is int b && x.TryGetProperty("epoch", out var n) && n.ValueKind == JsonValueKind.Number && n.GetInt32() == b);
                if (saved.ValueKind != JsonValueKind.Object) saved = h[h.GetArrayLength() - 1];
                string val = saved.TryGetProperty("val_accuracy", out var va) && va.ValueKind == JsonValueKind.Number ? $", validation accuracy {va.GetDouble():P2}" : "";
                reporter.Line($"the model is epoch {Get(saved, "epoch")}'s: training loss {Get(saved, "train_loss", "0.0000")}, accuracy {Get(saved, "train_accuracy", "P2")}{val}");
            }
            else historyDamaged = true;
        }
        if (trainingDamaged || historyDamaged)
            reporter.Warn("the file's training record (metadata training and history) is damaged; showing the model only");
        reporter.Result(new Dictionary<string, object?>
        {
            ["path"] = path,
            ["kind"] = "classifier",
            ["config"] = JsonDocument.Parse(c.ToJson()).RootElement,
            ["parameters"] = parameters,
            ["labels"] = classifier.Labels.Names,
            ["vocab_size"] = tokens.Count,
            ["max_len"] = classifier.MaxLen,
            ["training"] = training,
            ["best_epoch"] = bestEpoch,
            ["history"] = history,
        });
    }

    public static void Forecaster(string path, Reporter reporter)
    {
        var forecaster = Recur.Forecasting.Forecaster.Load(path, out var meta);
        var c = forecaster.Config;
        long each = forecaster.Model.ParameterCount(), parameters = each * c.Ensemble;
        string models = c.Ensemble > 1
            ? $"; {c.Ensemble} models (seeds {c.Seed} to {c.Member(c.Ensemble - 1).Seed}) of {each:N0} parameters, forecasting their mean"
            : $"; {each:N0} parameters";
        reporter.Line($"model file: {IO.PathText.Show(path)}");
        reporter.Line($"forecaster (recur forecast): {c.Cell.ToString().ToLowerInvariant()} {c.Layers}×{c.Hidden} → linear {c.FcHidden} → ReLU → linear 1, " +
            $"dropout {c.Dropout}{models}");
        reporter.Line($"input: windows of {c.Window} days of the {StockFeatures.Names.Count} features, scaled by the training range's mean and deviation; " +
            $"the close {(c.ScaleTarget ? "scaled too" : "in price units")}");
        string source = meta.TryGetValue("source", out var s) ? $" of {s}" : "";
        string days = meta.TryGetValue("train_days", out var d) ? d.Replace("..", " to ") : $"up to {c.TrainEnd:yyyy-MM-dd}";
        reporter.Line($"training: {days}{source}; {c.Epochs:N0} epoch{(c.Epochs == 1 ? "" : "s")}, batch {c.BatchSize}, lr {c.LearningRate.ToString(CultureInfo.InvariantCulture)}" +
            (meta.TryGetValue("final_loss", out var fl) && double.TryParse(fl, CultureInfo.InvariantCulture, out double loss) ? $"; final training MSE {loss:0.0}" : ""));
        // train saves test_r2 empty where R² was undefined (see RegressionMetrics).
        string trained = !meta.TryGetValue("test_r2", out var r) ? ""
            : double.TryParse(r, CultureInfo.InvariantCulture, out double r2) ? $"; R² {r2:0.0000} when trained"
            : r.Length == 0 ? $"; R² {Recur.Forecasting.RegressionMetrics.R2Undefined} when trained" : "";
        reporter.Line($"test range: {c.TestStart:yyyy-MM-dd} to {c.TestEnd:yyyy-MM-dd}{trained}");
        reporter.Result(new Dictionary<string, object?>
        {
            ["path"] = path,
            ["kind"] = "forecaster",
            ["config"] = JsonDocument.Parse(c.ToJson()).RootElement,
            ["parameters"] = parameters,
            ["features"] = StockFeatures.Names,
            ["source"] = meta.GetValueOrDefault("source"),
            ["train_days"] = meta.GetValueOrDefault("train_days"),
            ["test_r2"] = meta.TryGetValue("test_r2", out var tr) && double.TryParse(tr, CultureInfo.InvariantCulture, out double v) ? v : null,
        });
    }

    /// <summary>
    /// A metadata value that is JSON of <paramref name="kind"/>, or null when it is missing or damaged (not JSON, or
    /// another kind: <paramref name="damaged"/>); info shows what it can.
    /// </summary>
    static JsonElement? Json(IReadOnlyDictionary<string, string> meta, string key, JsonValueKind kind, out bool damaged)
    {
        damaged = false;
        if (!meta.TryGetValue(key, out var text)) return null;
        try
        {
            var e = JsonDocument.Parse(text).RootElement;
            if (e.ValueKind == kind) return e;
        }
        catch (JsonException) { }
        damaged = true;
        return null;
    }

    static string Get(JsonElement e, string key, string format = "") =>
        !e.TryGetProperty(key, out var v) ? "?"
        : v.ValueKind == JsonValueKind.Number && format.Length > 0 ? v.GetDouble().ToString(format, CultureInfo.InvariantCulture)
        : v.ValueKind == JsonValueKind.Null ? "none" : v.ToString();
}
