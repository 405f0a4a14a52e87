// The shape of a language model, saved as JSON in every model file ("recur.config").
using System.Text.Json;
using System.Text.Json.Serialization;
using Recur.IO;

namespace Recur.LanguageModel;

/// <summary>A language model's architecture. Defaults are `recur train`'s.</summary>
public sealed record ModelConfig
{
    /// <summary>"lstm", "gru", "rnn" (tanh), "rnn-relu", or "loop" (seed 004's recurrence, <see cref="LoopModel"/>).</summary>
    public string Cell { get; init; } = "lstm";
    /// <summary>Stacked recurrent layers.</summary>
    public int Layers { get; init; } = 2;
    /// <summary>Hidden units per layer.</summary>
    public int Hidden { get; init; } = 512;
    /// <summary>Embedding size; 0 feeds one-hot vectors (seeds 000, 001, 003). For "loop" it is the hidden size.</summary>
    public int Embed { get; init; } = 0;
    /// <summary>Dropout between recurrent layers and before the output layer.</summary>
    public float Dropout { get; init; } = 0f;
    /// <summary>The output layer's weight is the embedding table (weight tying, Press and Wolf 2017); needs Embed == Hidden.</summary>
    public bool Tie { get; init; }
    /// <summary>Number of tokens (set from the corpus).</summary>
    public int VocabSize { get; init; }
    /// <summary>"chars" (one token per Unicode character) or "words".</summary>
    public string Tokens { get; init; } = "chars";
    /// <summary>Text was lowercased before training (sampling primes are too).</summary>
    public bool Lowercase { get; init; }
    /// <summary>Text was transliterated to ASCII before training (sampling primes are too).</summary>
    public bool Ascii { get; init; }

    /// <summary>The values <see cref="Cell"/> accepts, as --cell lists them.</summary>
    public static IReadOnlyList<string> Cells { get; } = ["lstm", "gru", "rnn", "rnn-relu", LoopModel.CellName];

    /// <summary>The token kinds: one per Unicode character, or words and punctuation marks (WordTokenizer).</summary>
    public const string Chars = "chars", Words = "words";

    /// <summary>The deepest stack `recur train` builds.</summary>
    public const int MaxLayers = 64;

    /// <summary>Throws ArgumentException with a one-line reason if a value is out of range.</summary>
    public void Validate()
    {
        if (!Cells.Contains(Cell)) throw new ArgumentException($"unknown cell '{Cell}'; choose one of {string.Join(", ", Cells)}");
        if (Layers < 1) throw new ArgumentException($"--layers must be at least 1 (got {Layers})");
        if (Hidden < 1) throw new ArgumentException($"--hidden must be at least 1 (got {Hidden})");
        if (Embed < 0) throw new ArgumentException($"--embed must be 0 (one-hot) or positive (got {Embed})");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentException($"--dropout must be in [0, 1) (got {Dropout})");
        if (VocabSize < 1) throw new ArgumentException("the vocabulary is empty");
        if (Tie && (Cell == LoopModel.CellName || Embed != Hidden))
            throw new ArgumentException(Cell == LoopModel.CellName ? "--tie is for the lstm, gru and rnn cells (--cell loop has its own output layer)"
                : $"--tie makes the output layer's weight the embedding table, so --embed must equal --hidden ({Hidden}; got {Embed})");
        if (Tokens is not (Chars or Words)) throw new ArgumentException($"unknown token kind '{Tokens}'; choose chars or words");
        if (Layers > MaxLayers) throw new ArgumentException($"--layers {Layers} is more than {MaxLayers}; stacks deeper than a few layers do not train");
        // Every weight must fit one tensor (at most 2^31 - 1 floats): the recurrent layers' (G·H, max(input, H))
        // and the output layer's (V, H).
        int gates = Cell switch { "lstm" => 4, "gru" => 3, _ => 1 };
        long input = Embed > 0 ? Embed : VocabSize;
        if ((long)gates * Hidden * Math.Max(input, Hidden) > int.MaxValue)
            throw new ArgumentException($"--hidden {Hidden}{(Embed > Hidden ? $" with --embed {Embed}" : "")} makes a recurrent weight of {(long)gates * Hidden:N0} × {Math.Max(input, Hidden):N0}, more than one tensor holds (2^31 values); choose smaller sizes");
        if ((long)VocabSize * Math.Max(Hidden, Embed) > int.MaxValue)
            throw new ArgumentException($"a vocabulary of {VocabSize:N0} with --hidden {Hidden} makes an output weight larger than one tensor holds (2^31 values); use --max-vocab or a smaller --hidden");
        // The parameters (and their gradients) live in one array each, so their total must fit one too.
        double total = (double)VocabSize * Embed + (double)gates * Hidden * (input + Hidden + 2)
            + (Layers - 1.0) * gates * Hidden * (2.0 * Hidden + 2) + (double)VocabSize * (Hidden + 1);
        if (total > Array.MaxLength)
            throw new ArgumentException($"--layers {Layers} of --hidden {Hidden} make {total:N0} parameters, more than one array holds ({Array.MaxLength:N0}); lower --layers or --hidden");
        if (Cell == LoopModel.CellName)
        {
            // The seed's recurrence is one layer whose embedding is added to the hidden state.
            if (Layers != 1) throw new ArgumentException($"--cell loop has exactly one layer (got --layers {Layers})");
            if (Embed != Hidden) throw new ArgumentException($"--cell loop adds the embedding to the hidden state, so --embed must equal --hidden ({Hidden}; got {Embed})");
            if (Dropout != 0) throw new ArgumentException("--cell loop has no dropout (as in seed 004); leave --dropout out");
        }
    }

    // An unknown field is refused (a newer version's model, or a damaged file: ignoring it could build another
    // network than the file's), as the classifier's and forecaster's configs do.
    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>One line of snake_case JSON, as model files hold it in "recur.config".</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads <see cref="ToJson"/>'s form (missing fields take their defaults) and validates it; InvalidDataException for bad JSON, an unknown field or a bad value.</summary>
    public static ModelConfig FromJson(string json)
    {
        ModelConfig? c;
        try { c = JsonSerializer.Deserialize<ModelConfig>(json, Json); }
        catch (JsonException e) { throw new InvalidDataException($"model config cannot be read ({ErrorText.Json(e)})", e); }
        if (c == null) throw new InvalidDataException("model config is empty");
        try { c.Validate(); }
        catch (ArgumentException e) { throw new InvalidDataException($"model config is invalid: {e.Message}"); }
        return c;
    }
}
