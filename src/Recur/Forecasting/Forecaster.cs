// A forecaster is everything needed to turn a daily CSV into predicted closes: the config, the
// feature scaler fit on the training range (and the target's when --scale-target), and the model, or
// with --ensemble K the K models whose mean is the forecast. It saves as one safetensors file: the
// state dict under the seed's PyTorch names (members.k.* for an ensemble), and in __metadata__ the
// format tag, the config JSON, the feature names and the scaler statistics (JSON arrays of doubles,
// which round-trip exactly). docs/forecast.md lists every key.
using System.Text.Json;
using Recur.IO;

namespace Recur.Forecasting;

/// <summary>Config, scalers and model of a stock-close forecaster; see <see cref="ForecastTrainer"/> to train one.</summary>
public sealed class Forecaster
{
    /// <summary>The value of the "format" metadata key.</summary>
    public const string Format = "recur-forecast/1";

    /// <summary>The settings the forecaster was made (or loaded) with.</summary>
    public ForecastConfig Config { get; }
    /// <summary>The models, Config.Ensemble of them; member k is initialised and trained with seed Config.Seed + k.</summary>
    public IReadOnlyList<ForecastModel> Members { get; }
    /// <summary>The first member: the model, unless Config.Ensemble is above 1.</summary>
    public ForecastModel Model => Members[0];
    /// <summary>Feature standardisation, fit on the training range only.</summary>
    public StandardScaler Scaler { get; }
    /// <summary>The close's standardisation (one column) when <see cref="ForecastConfig.ScaleTarget"/>; otherwise null.</summary>
    public StandardScaler? TargetScaler { get; }

    /// <summary>Read from a file by <see cref="Load(string)"/>: its window is the model's, not an option the user can lower.</summary>
    readonly bool loaded;

    Forecaster(ForecastConfig config, ForecastModel[] members, StandardScaler scaler, StandardScaler? targetScaler, bool loaded = false) =>
        (Config, Members, Scaler, TargetScaler, this.loaded) = (config, members, scaler, targetScaler, loaded);

    /// <summary>Config.Ensemble models for F features, member k's weights drawn from Rng(Seed + k) as PyTorch would initialise them.</summary>
    static ForecastModel[] NewMembers(ForecastConfig config, int features) =>
        [.. Enumerable.Range(0, config.Ensemble).Select(k => new ForecastModel(features, config, new Rng(config.Member(k).Seed)))];

    /// <summary>What is saved and loaded: the model itself, or the members under members.k (all left in evaluation mode).</summary>
    Nn.Module Weights
    {
        get
        {
            if (Members.Count == 1) return Model;
            var ensemble = new ForecastEnsemble(Members);
            ensemble.Eval();
            return ensemble;
        }
    }

    /// <summary>
    /// A new, untrained forecaster for <paramref name="config"/>: scalers fit on the training range of
    /// <paramref name="table"/>, weights drawn from Rng(config.Seed) (+ k for member k) as PyTorch would initialise them.
    /// </summary>
    public static Forecaster Create(ForecastConfig config, FeatureTable table)
    {
        config.Validate();
        var (start, end) = TrainRows(config, table);
        var scaler = StandardScaler.Fit(table.Values, table.FeatureCount, start, end);
        var targetScaler = config.ScaleTarget ? StandardScaler.Fit(table.Close, 1, start, end) : null;
        return new Forecaster(config, NewMembers(config, table.FeatureCount), scaler, targetScaler);
    }

    /// <summary>The training range's windows (scaled with this forecaster's scaler).</summary>
    public WindowSet TrainWindows(FeatureTable table)
    {
        var (start, end) = TrainRows(Config, table);
        return WindowSet.From(table, start, end, Scaler, Config.Window);
    }

    /// <summary>Windows over [from, to] (default: the config's test range) of any file with the same features.</summary>
    public WindowSet Windows(FeatureTable table, DateOnly? from = null, DateOnly? to = null)
    {
        var (start, end) = Rows(table, from ?? Config.TestStart, to ?? Config.TestEnd, Config.Window, "test range", windowFixed: loaded);
        return WindowSet.From(table, start, end, Scaler, Config.Window);
    }

    /// <summary>The predicted close (price units) of every window of <paramref name="set"/>, in order: the members' mean.</summary>
    public double[] Predict(WindowSet set, int batchSize = 512) => Mean(PredictMembers(set, batchSize));

    /// <summary>The forecast from <see cref="PredictMembers"/>'s output: the members' mean (one member's closes as they are).</summary>
    public static double[] Mean(IReadOnlyList<double[]> each)
    {
        if (each.Count == 1) return each[0];
        var mean = new double[each[0].Length];
        foreach (var p in each)
            for (int i = 0; i < mean.Length; i++) mean[i] += p[i];
        for (int i = 0; i < mean.Length; i++) mean[i] /= each.Count;
        return mean;
    }

    /// <summary>Each member's predicted closes (price units) of every window of <paramref name="set"/>.</summary>
    public double[][] PredictMembers(WindowSet set, int batchSize = 512)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        CheckFits(set);
        return [.. Members.Select(m => Predict(m, set, batchSize))];
    }

    double[] Predict(ForecastModel model, WindowSet set, int batchSize)
    {
        model.Eval();
        var result = new double[set.Count];
        // A large model takes fewer windows at a time, so a batch's activations stay within the config's limit.
        batchSize = Config.BatchFor(batchSize);
        var ids = new int[Math.Min(batchSize, set.Count)];
        Tensor? x = null;
        for (int start = 0; start < set.Count; start += ids.Length)
        {
            int b = Math.Min(ids.Length, set.Count - start);
            for (int j = 0; j < b; j++) ids[j] = start + j;
            if (x == null || x.Shape[1] != b) x = new Tensor(set.Window, b, set.Features);
            set.Gather(ids.AsSpan(0, b), x);
            var y = model.Forward(x).Span;
            for (int j = 0; j < b; j++) result[start + j] = Unscale(y[j]);
        }
        return result;
    }

    /// <summary>The model's output (float) in price units.</summary>
    internal double Unscale(float y) => TargetScaler == null ? y : y * TargetScaler.Std[0] + TargetScaler.Mean[0];

    /// <summary>A close in the units the model is trained on.</summary>
    internal float Scale(double close) => TargetScaler == null ? (float)close : (float)((close - TargetScaler.Mean[0]) / TargetScaler.Std[0]);

    internal void CheckFits(WindowSet set)
    {
        if (set.Features != Scaler.Width || set.Window != Config.Window)
            throw new ArgumentException($"windows of {set.Window} days × {set.Features} features do not fit a forecaster of {Config.Window} × {Scaler.Width}");
    }

    // ---- files ----

    /// <summary>Writes the model and its metadata atomically; <paramref name="extra"/> adds string metadata (run facts).</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? extra = null)
    {
        var meta = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["config"] = Config.ToJson(),
            ["features"] = JsonSerializer.Serialize(StockFeatures.Names),
            ["scaler_mean"] = JsonSerializer.Serialize(Scaler.Mean),
            ["scaler_std"] = JsonSerializer.Serialize(Scaler.Std),
        };
        if (TargetScaler != null)
        {
            meta["target_mean"] = JsonSerializer.Serialize(TargetScaler.Mean[0]);
            meta["target_std"] = JsonSerializer.Serialize(TargetScaler.Std[0]);
        }
        if (extra != null)
            foreach (var (k, v) in extra)
                if (!meta.TryAdd(k, v)) throw new ArgumentException($"metadata key '{k}' is reserved");
        ModelFile.Save(path, Weights, meta);
    }

    /// <summary>Reads a file written by <see cref="Save"/>; anything wrong is one <see cref="InvalidDataException"/> line naming the file.</summary>
    public static Forecaster Load(string path) => Load(path, out _);

    /// <summary>As <see cref="Load(string)"/>, also returning all of the file's metadata.</summary>
    public static Forecaster Load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        var contents = ModelFile.Load(path);
        var meta = metadata = contents.Metadata;
        InvalidDataException Bad(string what) => new($"{PathText.Show(path)}: {what}");
        string Get(string key) => meta.TryGetValue(key, out var v) ? v : throw Bad($"no '{key}' in the metadata: not a forecast model (made by 'recur forecast train')");
        T Parse<T>(string key)
        {
            try { return JsonSerializer.Deserialize<T>(Get(key)) ?? throw Bad($"metadata '{key}' is null; the file is damaged"); }
            catch (JsonException e) { throw Bad($"metadata {ErrorText.Metadata(key, e)}; the file is damaged"); }
        }
        if (ModelKind.Mismatch(path, meta, ModelKind.Forecaster) is { } wrong) throw wrong;
        if (Get("format") != Format) throw Bad($"format {ErrorText.Quote(Get("format"))} is not {Format}");
        string configJson = Get("config");   // outside the try: its message already names the file
        var config = ErrorText.ReadMetadata(path, "config", configJson, ForecastConfig.FromJson);
        var features = Parse<string[]>("features");
        if (!features.SequenceEqual(StockFeatures.Names))
            throw Bad($"its {features.Length} features are not the {StockFeatures.Names.Count} this version computes");
        StandardScaler scaler;
        StandardScaler? target;
        try
        {
            scaler = new StandardScaler(Parse<double[]>("scaler_mean"), Parse<double[]>("scaler_std"));
            target = config.ScaleTarget ? new StandardScaler([Parse<double>("target_mean")], [Parse<double>("target_std")]) : null;
        }
        catch (ArgumentException e) { throw Bad($"scaler statistics are not valid: {e.Message}"); }
        if (scaler.Width != features.Length) throw Bad($"the scaler has {scaler.Width} columns for {features.Length} features");
        var forecaster = new Forecaster(config, NewMembers(config, features.Length), scaler, target, loaded: true);
        var weights = forecaster.Weights;
        try { weights.LoadStateDict(contents.Tensors); }
        catch (InvalidDataException e) { throw Bad(e.Message); }
        // A NaN or infinite weight makes every prediction NaN, and R² NaN would read as a score.
        if (weights.DescribeNonFinite() is { } bad)
            throw Bad($"{bad}: the model is damaged; retrain it (with a lower --lr if training diverged)");
        return forecaster;
    }

    // ---- date ranges ----

    static (int Start, int End) TrainRows(ForecastConfig config, FeatureTable table) =>
        Rows(table, config.TrainStart, config.TrainEnd, Math.Max(config.Window, 2), "training range");

    /// <summary>
    /// Rows of [from, to], with a clear error when they cannot fill <paramref name="minRows"/>; <paramref name="windowFixed"/>:
    /// the window is a trained model's (eval, predict), so the error cannot advise a lower --window.
    /// </summary>
    static (int Start, int End) Rows(FeatureTable table, DateOnly? from, DateOnly to, int minRows, string what, bool windowFixed = false)
    {
        var (start, end) = table.RowsBetween(from, to);
        if (end - start >= minRows) return (start, end);
        string range = from is { } f ? $"{f:yyyy-MM-dd} to {to:yyyy-MM-dd}" : $"up to {to:yyyy-MM-dd}";
        string have = table.Count == 0 ? "" :
            $"; its days with every feature run from {table.Dates[0]:yyyy-MM-dd} (line {table.Lines[0]}) to {table.Dates[^1]:yyyy-MM-dd} (line {table.Lines[^1]})";
        string advice = windowFixed ? $"the model reads windows of {minRows:N0} days: choose"
            : minRows > 2 && end - start >= 2 ? "lower --window or choose" : "choose";
        throw new InvalidDataException($"{table.Source}: the {what} {range} has {end - start:N0} day{(end - start == 1 ? "" : "s")} with every feature, " +
            $"fewer than the {minRows:N0} it needs{have}; {advice} other dates");
    }
}
