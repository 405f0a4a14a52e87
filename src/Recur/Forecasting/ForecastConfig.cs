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
    [JsonStringEnumMemberName("lstm")] Lstm,
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
    public int Epochs { get; init; } = 1000;
    public int BatchSize { get; init; } = 128;
    /// <summary>Adam's learning rate (the book's text says 0.01; its repository's ch12 script 0.003).</summary>
    public double LearningRate { get; init; } = 0.01;
    /// <summary>Seeds the initial weights, the batch order and dropout.</summary>
    public ulong Seed { get; init; } = 42;

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>The config as one line of JSON (snake_case keys), as saved in a model file.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses <see cref="ToJson"/>'s output; unknown keys are an error. Throws <see cref="InvalidDataException"/>.</summary>
    public static ForecastConfig FromJson(string json)
    {
        ForecastConfig? config;
        try { config = JsonSerializer.Deserialize<ForecastConfig>(json, Json); }
        catch (JsonException e) { throw new InvalidDataException($"forecast config is not valid: {Recur.IO.ErrorText.FirstLine(e.Message)}"); }
        if (config == null) throw new InvalidDataException("forecast config is null");
        try { config.Validate(); }
        catch (ArgumentException e) { throw new InvalidDataException($"forecast config is not valid: {e.Message}"); }
        return config;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        static void Require(bool ok, string message) { if (!ok) throw new ArgumentException(message); }
        Require(Window >= 1, $"window {Window} must be at least 1");
        Require(Hidden >= 1, $"hidden size {Hidden} must be at least 1");
        Require(Layers >= 1, $"layers {Layers} must be at least 1");
        Require(FcHidden >= 1, $"fc hidden size {FcHidden} must be at least 1");
        Require(Dropout >= 0 && Dropout < 1, $"dropout {Dropout} must be in [0, 1)");
        Require(Epochs >= 0, $"epochs {Epochs} must not be negative");
        Require(BatchSize >= 1, $"batch size {BatchSize} must be at least 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), $"learning rate {LearningRate} must be positive");
        Require(Enum.IsDefined(Cell), $"cell {Cell} is not lstm, gru or rnn");
        Require(TrainStart == null || TrainStart <= TrainEnd, $"train start {TrainStart:yyyy-MM-dd} is after train end {TrainEnd:yyyy-MM-dd}");
        Require(TestStart <= TestEnd, $"test start {TestStart:yyyy-MM-dd} is after test end {TestEnd:yyyy-MM-dd}");
        Require(TrainEnd < TestStart, $"the test range must start after the training range ends (train end {TrainEnd:yyyy-MM-dd}, test start {TestStart:yyyy-MM-dd})");
    }
}
