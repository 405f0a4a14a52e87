// Where a run stands, saved as JSON in the state file ("recur.progress"): enough, with the tensors
// beside it (weights, optimizer moments, carried state), to continue exactly where it stopped.
using System.Text.Json;
using Recur.IO;

namespace Recur.LanguageModel;

/// <summary>Counters, generator states and history of a run. The run sets them; the setters are public for the JSON serializer.</summary>
public sealed class TrainingProgress
{
    /// <summary>Optimizer steps taken so far, in all sessions.</summary>
    public long Step { get; set; }
    /// <summary>Completed passes over the training text.</summary>
    public int Epoch { get; set; }
    /// <summary>Index of the next batch within the current epoch.</summary>
    public int BatchInEpoch { get; set; }
    /// <summary>Seed of the current epoch's window order.</summary>
    public ulong EpochSeed { get; set; }
    /// <summary>State of the run's generator (the epoch seeds), four words (<see cref="Recur.Rng.State"/>).</summary>
    public ulong[] Rng { get; set; } = [];
    /// <summary>State of the recurrent layer's inter-layer dropout generator; empty for a model without one.</summary>
    public ulong[] RnnDropoutRng { get; set; } = [];
    /// <summary>State of the dropout generator before the output layer; empty for a model without one.</summary>
    public ulong[] OutputDropoutRng { get; set; } = [];
    /// <summary>Training time in all sessions before this one.</summary>
    public double ElapsedSeconds { get; set; }
    /// <summary>Target tokens trained on so far (N·T per step), in all sessions.</summary>
    public long TokensSeen { get; set; }
    /// <summary>The lowest validation loss so far, in nats per token; +∞ before the first evaluation.</summary>
    public double BestValLoss { get; set; } = double.PositiveInfinity;
    /// <summary>
    /// The lowest loss of the scheduled validations (at multiples of --eval-every), which --lr-plateau compares with; +∞
    /// before the first. The extra validation of a run stopped between them counts for the best model, not here.
    /// </summary>
    public double ScheduledBestLoss { get; set; } = double.PositiveInfinity;
    /// <summary>Times a scheduled validation that did not improve on <see cref="ScheduledBestLoss"/> divided the learning rate by --lr-plateau.</summary>
    public int LrCuts { get; set; }
    /// <summary>The step of <see cref="BestValLoss"/> (with validation, model.safetensors holds its weights).</summary>
    public long BestStep { get; set; }
    /// <summary>
    /// (step, validation loss, accuracy, last-token accuracy) of every evaluation; the last is NaN ("NaN" in the
    /// JSON) when the validation streams are shorter than --seq, so no window has a last token. Older states hold
    /// (step, loss) rows, or a number where there was no window (Resume reads that as NaN).
    /// </summary>
    public List<double[]> ValHistory { get; set; } = [];
    /// <summary><see cref="Corpus.Hash"/> of the text the run started on; resuming on a corpus that reads otherwise is refused.</summary>
    public string CorpusHash { get; set; } = "";
    /// <summary>Tokens of the training split.</summary>
    public int TrainTokens { get; set; }
    /// <summary>Tokens of the validation split (0 without validation).</summary>
    public int ValTokens { get; set; }
    /// <summary>Tokens of the test split (0 without one).</summary>
    public int TestTokens { get; set; }

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The progress as snake_case JSON, NaN and ∞ spelled out, as the state file's "recur.progress" holds it.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads <see cref="ToJson"/>'s form; InvalidDataException for JSON that is empty or invalid.</summary>
    public static TrainingProgress FromJson(string json)
    {
        try { return JsonSerializer.Deserialize<TrainingProgress>(json, Json) ?? throw new InvalidDataException("training progress is empty"); }
        catch (JsonException e) { throw new InvalidDataException($"training progress cannot be read ({ErrorText.Json(e)})", e); }
    }
}
