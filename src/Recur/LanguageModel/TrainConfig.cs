// How a language model is trained: batching, optimizer, budgets, evaluation and checkpoints.
// Saved as JSON in the run's state file ("recur.train_config") so a resumed run continues identically.
using System.Text.Json;
using System.Text.Json.Serialization;
using Recur.IO;

namespace Recur.LanguageModel;

/// <summary>Training settings. Defaults are `recur train`'s.</summary>
public sealed record TrainConfig
{
    /// <summary>The corpus files, in order (their texts are concatenated).</summary>
    public string[] Corpus { get; init; } = [];
    /// <summary>A separate validation text used instead of a split of the corpus (null: <see cref="ValFrac"/> splits); set ValFrac to 0 with it.</summary>
    public string? ValFile { get; init; }
    /// <summary>Words mode: the most tokens the vocabulary keeps, &lt;unk&gt; included (0 = every word of the training text).</summary>
    public int MaxVocab { get; init; }
    /// <summary>How batches are cut from the text; saved as "stateful" / "windows", the CLI's words.</summary>
    [JsonConverter(typeof(LowerCaseEnum<Batching>))]
    public Batching Batching { get; init; } = Batching.Stateful;
    /// <summary>N, sequences per batch.</summary>
    public int Batch { get; init; } = 64;
    /// <summary>T, steps per sequence (truncated-BPTT length).</summary>
    public int Seq { get; init; } = 100;
    /// <summary>"adam", "adamw", "sgd" or "rmsprop".</summary>
    public string Optimizer { get; init; } = "adam";
    /// <summary>The optimizer's learning rate.</summary>
    public double Lr { get; init; } = 2e-3;
    /// <summary>The optimizer's weight decay (null: PyTorch's default for it, 0.01 for adamw and 0 for the others).</summary>
    public double? WeightDecay { get; init; }
    /// <summary>The weight decay the optimizer uses.</summary>
    [JsonIgnore]
    public double EffectiveWeightDecay => WeightDecay ?? (Optimizer == "adamw" ? Optim.AdamW.DefaultWeightDecay : 0);
    /// <summary>Momentum of "sgd" and "rmsprop" (null: 0.9 for sgd, 0 for rmsprop); Adam's moments take none.</summary>
    public double? Momentum { get; init; }
    /// <summary>The momentum the optimizer uses (0 for adam and adamw, which have none).</summary>
    [JsonIgnore]
    public double EffectiveMomentum => Momentum ?? (Optimizer == "sgd" ? DefaultSgdMomentum : 0);
    /// <summary>Recur's SGD momentum when none is given (PyTorch's SGD defaults to 0; plain SGD is --momentum 0).</summary>
    public const double DefaultSgdMomentum = 0.9;
    /// <summary>Learning rate multiplier applied after every epoch (1 = constant).</summary>
    public double LrDecay { get; init; } = 1.0;
    /// <summary>
    /// Divide the learning rate by this at every scheduled validation (each <see cref="EvalEvery"/> steps) that does not
    /// improve on the best loss so far (1 = never; PyTorch's word_language_model divides by 4 after such an epoch).
    /// </summary>
    public double LrPlateau { get; init; } = 1.0;
    /// <summary>Global gradient-norm limit (0 = no clipping).</summary>
    public double Clip { get; init; } = 5.0;
    /// <summary>Stop after this many optimizer steps in all (null = no limit).</summary>
    public long? Steps { get; init; }
    /// <summary>Stop after this many passes over the training text (null = no limit).</summary>
    public double? Epochs { get; init; }
    /// <summary>Stop after this much training time in all, across resumes (null = no limit).</summary>
    public double? TimeSeconds { get; init; }
    /// <summary>Fraction of the text, taken from the end, held out for validation.</summary>
    public double ValFrac { get; init; } = 0.1;
    /// <summary>Fraction of the text, taken from the very end, held out for a final test.</summary>
    public double TestFrac { get; init; } = 0.0;
    /// <summary>Validate every this many steps (and at the end); the best model so far is model.safetensors.</summary>
    public int EvalEvery { get; init; } = 200;
    /// <summary>Save the state (to resume) and a model snapshot every this many steps (and at the end).</summary>
    public int CheckpointEvery { get; init; } = 200;
    /// <summary>Model snapshots (checkpoint-STEP.safetensors) to keep; 0 keeps none.</summary>
    public int Keep { get; init; } = 2;
    /// <summary>Seeds the initial weights, the batch order and dropout: the same seed and settings train the same weights.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>The model file whose weights the run started from (fine-tuning); null: a random initialisation.</summary>
    public string? InitFrom { get; init; }

    /// <summary>The values <see cref="Optimizer"/> accepts, as --optimizer lists them.</summary>
    public static IReadOnlyList<string> Optimizers { get; } = ["adam", "adamw", "sgd", "rmsprop"];

    /// <summary>Throws ArgumentException with a one-line reason (naming the `recur train` option) if a value is out of range.</summary>
    public void Validate()
    {
        if (Batch < 1) throw new ArgumentException($"--batch must be at least 1 (got {Batch})");
        if (Seq < 1) throw new ArgumentException($"--seq must be at least 1 (got {Seq})");
        if (!Optimizers.Contains(Optimizer)) throw new ArgumentException($"unknown optimizer '{Optimizer}'; choose one of {string.Join(", ", Optimizers)}");
        if (!(Lr > 0) || double.IsInfinity(Lr)) throw new ArgumentException($"--lr must be positive and finite (got {Lr})");
        if (WeightDecay is double wd && !(wd >= 0 && wd < double.PositiveInfinity)) throw new ArgumentException($"--weight-decay must be 0 or positive and finite (got {wd})");
        if (!(LrDecay > 0 && LrDecay <= 1)) throw new ArgumentException($"--lr-decay must be in (0, 1] (got {LrDecay})");
        if (!(LrPlateau >= 1 && double.IsFinite(LrPlateau))) throw new ArgumentException($"--lr-plateau must be 1 (off) or more and finite (got {LrPlateau})");
        if (Momentum is double m)
        {
            if (Optimizer is not ("sgd" or "rmsprop")) throw new ArgumentException($"--momentum applies to --optimizer sgd or rmsprop ({Optimizer} keeps its own moments); leave it out");
            if (!(m >= 0 && m < 1)) throw new ArgumentException($"--momentum must be in [0, 1) (got {m})");
        }
        if (!(Clip >= 0)) throw new ArgumentException($"--clip must be 0 (off) or positive (got {Clip})");
        if (Steps is <= 0) throw new ArgumentException($"--steps must be positive (got {Steps})");
        // An infinite budget is no budget, and cannot be stored: JSON has no infinity.
        if (Epochs is double e && !(e > 0 && double.IsFinite(e))) throw new ArgumentException($"--epochs must be positive and finite (got {e})");
        if (TimeSeconds is not null && !(TimeSeconds > 0)) throw new ArgumentException("--time must be positive");
        if (!(ValFrac >= 0 && ValFrac < 1)) throw new ArgumentException($"--val-frac must be in [0, 1) (got {ValFrac})");
        if (!(TestFrac >= 0 && TestFrac < 1) || ValFrac + TestFrac >= 1) throw new ArgumentException($"--test-frac must be in [0, 1) and leave text for training (got {TestFrac})");
        if (ValFile != null && ValFrac != 0) throw new ArgumentException("--val-file replaces the validation split; leave --val-frac out");
        if (MaxVocab is < 0 or 1) throw new ArgumentException($"--max-vocab must be 0 (no limit) or at least 2 (got {MaxVocab})");
        if (EvalEvery < 1) throw new ArgumentException($"--eval-every must be at least 1 (got {EvalEvery})");
        if (CheckpointEvery < 1) throw new ArgumentException($"--checkpoint-every must be at least 1 (got {CheckpointEvery})");
        if (Keep < 0) throw new ArgumentException($"--keep must be 0 or more (got {Keep})");
    }

    // Written in lower case; read in any case, so files saved as "Stateful" (before 2026-11-23) still load.
    sealed class LowerCaseEnum<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.SnakeCaseLower) where T : struct, Enum;

    // Unknown fields are ignored here, unlike in ModelConfig: a training setting does not change what network the
    // saved weights are, so a state file with one this version lacks still resumes (without that setting).
    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>One line of snake_case JSON, as the state file holds it in "recur.train_config".</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads <see cref="ToJson"/>'s form (missing fields take their defaults), without validating; InvalidDataException for bad JSON.</summary>
    public static TrainConfig FromJson(string json)
    {
        try { return JsonSerializer.Deserialize<TrainConfig>(json, Json) ?? throw new InvalidDataException("training config is empty"); }
        catch (JsonException e) { throw new InvalidDataException($"training config cannot be read ({ErrorText.Json(e)})", e); }
    }
}
