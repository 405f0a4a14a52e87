// Everything that defines a forecasting run, in one immutable record whose defaults are seed 002's
// stock-price LSTM. It is printed when training starts and saved (as JSON) in the model file, so a
// model always says how it was made. Flag by flag: docs/forecast.md.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Recur.Forecasting;

/// <summary>The recurrent layer of a forecasting model.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CellKind>))]
public enum CellKind
{
    /// <summary>nn.LSTM (the seed).</summary>
    [JsonStringEnumMemberName("lstm")] Lstm,
    /// <summary>nn.GRU.</summary>
    [JsonStringEnumMemberName("gru")] Gru,
    /// <summary>Elman RNN with tanh.</summary>
    [JsonStringEnumMemberName("rnn")] Rnn,
}

/// <summary>Data, model and training settings of a forecaster; the defaults reproduce seed 002.</summary>
public sealed record ForecastConfig
{
    // ---- data ----
    /// <summary>First training day; null = the first day that has every feature.</summary>
    public DateOnly? TrainStart { get; init; }
    /// <summary>Last training day (inclusive).</summary>
    public DateOnly TrainEnd { get; init; } = new(2022, 12, 31);
    /// <summary>First test day (inclusive); must come after <see cref="TrainEnd"/>.</summary>
    public DateOnly TestStart { get; init; } = new(2023, 1, 1);
    /// <summary>Last test day (inclusive).</summary>
    public DateOnly TestEnd { get; init; } = new(2023, 6, 30);
    /// <summary>Consecutive days per input sequence; the label is the close of the last one.</summary>
    public int Window { get; init; } = 5;
    /// <summary>Standardise the target with the training closes' mean and std (the seed does not).</summary>
    public bool ScaleTarget { get; init; }

    // ---- model: rnn (Cell, Layers × Hidden) → fc1 (Hidden → FcHidden) → ReLU → fc2 (FcHidden → 1) ----
    /// <summary>The recurrent layer's cell (seed: LSTM).</summary>
    public CellKind Cell { get; init; } = CellKind.Lstm;
    /// <summary>Hidden units of each recurrent layer.</summary>
    public int Hidden { get; init; } = 16;
    /// <summary>Stacked recurrent layers.</summary>
    public int Layers { get; init; } = 2;
    /// <summary>Width of fc1.</summary>
    public int FcHidden { get; init; } = 16;
    /// <summary>Dropout between recurrent layers (PyTorch's dropout= of nn.LSTM), training only.</summary>
    public float Dropout { get; init; }

    // ---- training ----
    /// <summary>Passes over the training windows (seed: 1,000).</summary>
    public int Epochs { get; init; } = 1000;
    /// <summary>Windows per step (seed: 128).</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Adam's learning rate (the book's text says 0.01; its repository's ch12 script 0.003).</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Seeds the initial weights, the batch order and dropout.</summary>
    public ulong Seed { get; init; } = 42;
    /// <summary>
    /// Models trained (member k with seed Seed + k, each exactly as a run of that seed alone); the forecast
    /// is their mean. 1: one model, the seed's.
    /// </summary>
    public int Ensemble { get; init; } = 1;

    /// <summary>Most members an ensemble may have.</summary>
    public const int MaxEnsemble = 1000;

    /// <summary>Member <paramref name="k"/>'s own config: seed Seed + k, trained and initialised as a one-model run of that seed.</summary>
    public ForecastConfig Member(int k) => this with { Seed = unchecked(Seed + (ulong)k), Ensemble = 1 };

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The config as one line of JSON (snake_case keys), as saved in a model file.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// The keys <see cref="ToJson"/> writes, every one of which a saved config must have, but "ensemble": files
    /// from before it hold one model, its default.
    /// </summary>
    static readonly string[] Keys = [.. JsonDocument.Parse(new ForecastConfig().ToJson()).RootElement.EnumerateObject().Select(p => p.Name).Where(k => k != "ensemble")];

    /// <summary>
    /// Parses <see cref="ToJson"/>'s output; unknown and missing keys are errors (a missing key would
    /// silently take its default, so a damaged file would evaluate as another model). Throws <see cref="InvalidDataException"/>.
    /// </summary>
    public static ForecastConfig FromJson(string json)
    {
        ForecastConfig config;
        string[] missing;
        try
        {
            config = JsonSerializer.Deserialize<ForecastConfig>(json, Json) ?? throw new InvalidDataException("forecast config is null");
            using var doc = JsonDocument.Parse(json);
            missing = [.. Keys.Where(k => !doc.RootElement.TryGetProperty(k, out _))];
        }
        catch (JsonException e) { throw new InvalidDataException($"forecast config is not valid: {Recur.IO.ErrorText.Json(e)}", e); }
        if (missing.Length > 0)
            throw new InvalidDataException($"forecast config lacks {string.Join(", ", missing)}: the file is damaged or not a forecaster made by 'recur forecast train'");
        try { config.Validate(); }
        catch (ArgumentException e) { throw new InvalidDataException($"forecast config is not valid: {e.Message}"); }
        return config;
    }

    // ---- size limits ----
    // Far above any useful forecaster of daily bars, low enough that every tensor stays under
    // int.MaxValue elements and a run fails at once with the option to change instead of allocating
    // for minutes and dying out of memory (or with a tensor-shape error that names no option).

    /// <summary>Most parameters a model may have: 100 M floats are 1.6 GB with gradients and Adam's two moments.</summary>
    public const long MaxParameters = 100_000_000;
    /// <summary>Most floats of recurrent activations one batch may hold (2 GB); see <see cref="ActivationsPerWindow"/>.</summary>
    public const long MaxActivations = 500_000_000;
    /// <summary>Most epochs: each keeps one loss (8 bytes) in memory and in loss.csv.</summary>
    public const int MaxEpochs = 10_000_000;

    /// <summary>Gates per recurrent cell: LSTM i, f, g, o; GRU r, z, n; RNN one.</summary>
    [JsonIgnore] public int Gates => Cell switch { CellKind.Lstm => 4, CellKind.Gru => 3, _ => 1 };

    /// <summary>The model's parameter count for F features (double, so absurd sizes cannot overflow).</summary>
    public double ParameterCount(int features)
    {
        // Each layer: W_ih (gH, in), W_hh (gH, H) and two (gH) biases, in = F for the first and H after it.
        double g = Gates, h = Hidden, fc = FcHidden;
        double rnn = g * h * (features + h + 2) + (Layers - 1.0) * g * h * (2 * h + 2);
        return rnn + h * fc + fc + fc + 1;   // fc1 (FcHidden, H) + bias, fc2 (1, FcHidden) + bias
    }

    /// <summary>
    /// Floats of activations that training keeps per window, about: for every step and layer, the gates
    /// (gH), their gradient (gH) and six H-wide buffers (outputs, states, cell values and their gradients).
    /// </summary>
    [JsonIgnore] public double ActivationsPerWindow => (double)Window * Layers * (2.0 * Gates + 6) * Hidden;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when a batch of <paramref name="windows"/> windows would need more
    /// than <see cref="MaxActivations"/> floats, naming the options that set it.
    /// </summary>
    public void CheckBatch(int windows)
    {
        double need = ActivationsPerWindow * windows;
        if (need <= MaxActivations) return;
        string batch = windows == BatchSize ? $"--batch-size {BatchSize}" : $"batches of {windows:N0} windows (--batch-size {BatchSize})";
        throw new ArgumentException($"{batch} of --window {Window} days through --layers {Layers} × --hidden {Hidden} would need about {need:N0} floats of activations, " +
            $"more than the {MaxActivations:N0} allowed; choose a smaller --batch-size, --window, --hidden or --layers");
    }

    /// <summary>At most <paramref name="wanted"/> windows, fewer when a model's windows are so large that the batch would pass <see cref="MaxActivations"/>.</summary>
    public int BatchFor(int wanted) => (int)Math.Clamp(MaxActivations / ActivationsPerWindow, 1, Math.Max(wanted, 1));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range (and its command-line option).</summary>
    public void Validate()
    {
        static void Require(bool ok, string message) { if (!ok) throw new ArgumentException(message); }
        Require(Window >= 1, $"--window must be at least 1 (got {Window})");
        Require(Hidden >= 1, $"--hidden must be at least 1 (got {Hidden})");
        Require(Layers >= 1, $"--layers must be at least 1 (got {Layers})");
        Require(FcHidden >= 1, $"--fc-hidden must be at least 1 (got {FcHidden})");
        Require(Dropout >= 0 && Dropout < 1, $"--dropout must be in [0, 1) (got {Dropout})");
        Require(Epochs >= 0, $"--epochs must not be negative (got {Epochs})");
        Require(Epochs <= MaxEpochs, $"--epochs must be at most {MaxEpochs:N0} (got {Epochs})");
        Require(BatchSize >= 1, $"--batch-size must be at least 1 (got {BatchSize})");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), $"--lr must be positive and finite (got {LearningRate})");
        Require(Ensemble >= 1 && Ensemble <= MaxEnsemble, $"--ensemble must be between 1 and {MaxEnsemble:N0} (got {Ensemble})");
        Require(Enum.IsDefined(Cell), $"--cell {Cell} is not lstm, gru or rnn");
        Require(TrainStart == null || TrainStart <= TrainEnd, $"--train-start {TrainStart:yyyy-MM-dd} is after --train-end {TrainEnd:yyyy-MM-dd}");
        Require(TestStart <= TestEnd, $"--test-start {TestStart:yyyy-MM-dd} is after --test-end {TestEnd:yyyy-MM-dd}");
        Require(TrainEnd < TestStart, $"the test range must start after the training range ends (--train-end {TrainEnd:yyyy-MM-dd}, --test-start {TestStart:yyyy-MM-dd})");
        CheckSizes();
    }

    /// <summary>The model's size: each option alone first (with the others at 1), so the message names the one at fault.</summary>
    void CheckSizes()
    {
        int f = StockFeatures.Names.Count;
        void Limit(ForecastConfig alone, string option, int value)
        {
            if (alone.ParameterCount(f) > MaxParameters)
                throw new ArgumentException($"{option} {value} is too large: the model would have more than the {MaxParameters:N0} parameters allowed; choose a smaller {option}");
        }
        var one = this with { Hidden = 1, Layers = 1, FcHidden = 1 };
        Limit(one with { Hidden = Hidden }, "--hidden", Hidden);
        Limit(one with { Layers = Layers }, "--layers", Layers);
        Limit(one with { FcHidden = FcHidden }, "--fc-hidden", FcHidden);
        double total = ParameterCount(f);
        if (total > MaxParameters)
            throw new ArgumentException($"--hidden {Hidden}, --layers {Layers} and --fc-hidden {FcHidden} give a model of {total:N0} parameters (--cell {Cell.ToString().ToLowerInvariant()}), " +
                $"more than the {MaxParameters:N0} allowed; choose smaller sizes");
        if (total * Ensemble > MaxParameters)
            throw new ArgumentException($"--ensemble {Ensemble} models of {total:N0} parameters each are more than the {MaxParameters:N0} parameters allowed; choose a smaller --ensemble or model");
        // One window must fit however small the batch (predicting shrinks its batch to fit; training checks its own).
        if (ActivationsPerWindow > MaxActivations)
            throw new ArgumentException($"--window {Window} days through --layers {Layers} × --hidden {Hidden} would need about {ActivationsPerWindow:N0} floats of activations per window, " +
                $"more than the {MaxActivations:N0} allowed; choose a smaller --window, --hidden or --layers");
    }
}
