// The two configuration records of a text classifier, with the seed's values as defaults. The model
// config is stored in the model file (metadata "config"); the training config in "training".
using System.Text.Json;
using System.Text.Json.Serialization;
using Recur.IO;

namespace Recur.Classification;

/// <summary>
/// The network: Embedding(V, Embed) → RNN → Linear(features, Fc) → ReLU → Linear(Fc, outputs): one output
/// and a sigmoid for two classes (the seed), one per class and a softmax for more.
/// </summary>
public sealed record ClassifierConfig
{
    /// <summary>Recurrent cell: "lstm" (the seed), "gru" or "rnn" (tanh).</summary>
    public string Cell { get; init; } = "lstm";
    /// <summary>E, the embedding size (seed: 32).</summary>
    public int Embed { get; init; } = 32;
    /// <summary>H, the recurrent hidden size (seed: 50).</summary>
    public int Hidden { get; init; } = 50;
    /// <summary>Stacked recurrent layers (seed: 1; its "stacked" variant: 2).</summary>
    public int Layers { get; init; } = 1;
    /// <summary>Read each review both ways (the seed's exercise).</summary>
    public bool Bidirectional { get; init; }
    /// <summary>Width of fc1 (seed: 32).</summary>
    public int Fc { get; init; } = 32;
    /// <summary>Dropout on the recurrent features fed to fc1 and between recurrent layers (seed: 0).</summary>
    public float Dropout { get; init; }
    /// <summary>K, the number of classes (seed: 2); training sets it from the data's labels.</summary>
    public int Classes { get; init; } = 2;

    /// <summary>The most classes a classifier may have: more is almost surely a text column read as labels.</summary>
    public const int MaxClasses = 1000;

    /// <summary>2 when bidirectional, else 1.</summary>
    [JsonIgnore] public int Directions => Bidirectional ? 2 : 1;
    /// <summary>Width of what fc1 reads: the last layer's final state, both directions side by side.</summary>
    [JsonIgnore] public int Features => Directions * Hidden;
    /// <summary>Width of fc2: 1 for two classes (a logit of the positive class), else K (a logit per class).</summary>
    [JsonIgnore] public int Outputs => Classes == 2 ? 1 : Classes;

    /// <summary>Throws ArgumentException naming the first bad value, or the option to lower when a tensor would be too large for one array.</summary>
    public ClassifierConfig Validate()
    {
        if (Cell is not ("lstm" or "gru" or "rnn")) throw new ArgumentException($"--cell {Cell} is not one of lstm, gru, rnn");
        if (Embed < 1) throw new ArgumentException($"--embed must be at least 1 (got {Embed})");
        if (Hidden < 1) throw new ArgumentException($"--hidden must be at least 1 (got {Hidden})");
        if (Layers < 1) throw new ArgumentException($"--layers must be at least 1 (got {Layers})");
        if (Fc < 1) throw new ArgumentException($"--fc must be at least 1 (got {Fc})");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"--dropout must be in [0, 1) (got {Dropout})");
        if (Classes is < 2 or > MaxClasses) throw new ArgumentException($"a classifier has 2 to {MaxClasses} classes (got {Classes})");
        ModelSize.CheckParameters(this);
        return this;
    }

    /// <summary>One line of snake_case JSON, as a classifier file's "config" metadata holds it.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json.Options);
    /// <summary>
    /// Reads <see cref="ToJson"/>'s form (missing fields take their defaults) and validates it; InvalidDataException, as the
    /// language model's config throws, for bad JSON, an unknown field, a value of the wrong type or out of range.
    /// </summary>
    public static ClassifierConfig FromJson(string json)
    {
        ClassifierConfig? c;
        try { c = JsonSerializer.Deserialize<ClassifierConfig>(json, Json.Options); }
        catch (JsonException e) { throw new InvalidDataException($"model config cannot be read ({ErrorText.Json(e)})", e); }
        if (c == null) throw new InvalidDataException("model config is empty (JSON null)");
        try { return c.Validate(); }
        catch (ArgumentException e) { throw new InvalidDataException($"model config is invalid: {e.Message}", e); }
    }
}

/// <summary>How training runs (the seed's values by default).</summary>
public sealed record ClassifierTrainConfig
{
    /// <summary>Passes over the training texts (seed: 10).</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Texts per step (seed: 32).</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Adam's learning rate (seed: 0.003).</summary>
    public double LearningRate { get; init; } = 0.003;
    /// <summary>Seeds initialisation, the validation split, shuffling and dropout.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Fraction of the training texts held out to pick the best epoch (0 = none, as the seed).</summary>
    public double ValSplit { get; init; }
    /// <summary>Keep only each text's first MaxLen tokens (null = whole texts, as the seed).</summary>
    public int? MaxLen { get; init; }
    /// <summary>Batch texts of similar length together to cut padding (batches still come in random order).</summary>
    public bool Bucket { get; init; }
    /// <summary>Words seen fewer times in training map to &lt;unk&gt; (seed: 1, keep all).</summary>
    public int MinFreq { get; init; } = 1;
    /// <summary>Keep at most this many words, most frequent first (null = all).</summary>
    public int? MaxVocab { get; init; }
    /// <summary>Clip the gradients' global 2-norm to this (null = no clipping, as the seed).</summary>
    public double? Clip { get; init; }
    /// <summary>Run the engine's padded Recurrent layer instead of PackedRecurrent: the same logits for the same weights, slower (for comparison).</summary>
    public bool Padded { get; init; }

    /// <summary>Returns this config; throws ArgumentException naming the first bad value (and its `recur classify train` option).</summary>
    public ClassifierTrainConfig Validate()
    {
        if (Epochs < 1) throw new ArgumentException($"--epochs must be at least 1 (got {Epochs})");
        if (BatchSize < 1) throw new ArgumentException($"--batch-size must be at least 1 (got {BatchSize})");
        if (!(LearningRate > 0 && double.IsFinite(LearningRate))) throw new ArgumentException($"--lr must be positive and finite (got {LearningRate})");
        if (!(ValSplit >= 0 && ValSplit < 1)) throw new ArgumentException($"--val-split must be in [0, 1) (got {ValSplit})");
        if (MaxLen is < 1) throw new ArgumentException($"--max-len must be at least 1 (got {MaxLen})");
        if (MinFreq < 1) throw new ArgumentException($"--min-freq must be at least 1 (got {MinFreq})");
        if (MaxVocab is < 1) throw new ArgumentException($"--max-vocab must be at least 1 (got {MaxVocab})");
        if (Clip is double c && !(c > 0 && double.IsFinite(c))) throw new ArgumentException($"--clip must be positive and finite (got {c})");
        return this;
    }

    /// <summary>One line of snake_case JSON, as a classifier file's "training" metadata holds it.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json.Options);
}

static class Json
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };
}
