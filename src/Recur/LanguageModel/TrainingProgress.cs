// Where a run stands, saved as JSON in the state file ("recur.progress"): enough, with the tensors
// beside it (weights, optimizer moments, carried state), to continue exactly where it stopped.
using System.Text.Json;

namespace Recur.LanguageModel;

/// <summary>Counters, generator states and history of a run.</summary>
public sealed class TrainingProgress
{
    public long Step { get; set; }
    /// <summary>Completed passes over the training text.</summary>
    public int Epoch { get; set; }
    /// <summary>Index of the next batch within the current epoch.</summary>
    public int BatchInEpoch { get; set; }
    /// <summary>Seed of the current epoch's window order.</summary>
    public ulong EpochSeed { get; set; }
    public ulong[] Rng { get; set; } = [];
    public ulong[] RnnDropoutRng { get; set; } = [];
    public ulong[] OutputDropoutRng { get; set; } = [];
    /// <summary>Training time in all sessions before this one.</summary>
    public double ElapsedSeconds { get; set; }
    public long TokensSeen { get; set; }
    public double BestValLoss { get; set; } = double.PositiveInfinity;
    public long BestStep { get; set; }
    /// <summary>
    /// (step, validation loss, accuracy, last-token accuracy) of every evaluation; the last is NaN ("NaN" in the
    /// JSON) when the validation streams are shorter than --seq, so no window has a last token. Older states hold
    /// (step, loss) rows, or a number where there was no window (Resume reads that as NaN).
    /// </summary>
    public List<double[]> ValHistory { get; set; } = [];
    public string CorpusHash { get; set; } = "";
    public int TrainTokens { get; set; }
    public int ValTokens { get; set; }
    public int TestTokens { get; set; }

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static TrainingProgress FromJson(string json)
    {
        try { return JsonSerializer.Deserialize<TrainingProgress>(json, Json) ?? throw new InvalidDataException("training progress is empty"); }
        catch (JsonException e) { throw new InvalidDataException($"training progress is not valid JSON ({e.Message})"); }
    }
}
