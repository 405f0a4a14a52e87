// A trained classifier as one unit: the network, its vocabulary, its label map and the text rules it
// was trained with (max-len), saved together in one safetensors file. Tensors keep the seed's PyTorch
// names (embedding.weight, rnn.weight_ih_l0, fc1.weight, ...); everything else is string metadata:
//   format "recur.classifier/1", tokenizer "seed002", config (ClassifierConfig JSON), vocab (JSON array of
//   tokens in id order), labels (JSON [negative, positive], or the K labels in class order), max_len ("" or a number), and whatever
//   the trainer adds (training, history, best_epoch).
using System.Text.Json;
using Recur.IO;

namespace Recur.Classification;

/// <summary>A text classifier with everything needed to apply it to raw text.</summary>
public sealed class Classifier
{
    /// <summary>The file's "format" metadata, which marks a classifier file (the /1 is its version).</summary>
    public const string Format = "recur.classifier/1";
    /// <summary>The "tokenizer" metadata: seed 002's rules (<see cref="Tokenizer"/>).</summary>
    public const string TokenizerName = "seed002";
    /// <summary>At most this many texts per batch at inference; results do not depend on it.</summary>
    public const int InferenceBatch = 128;
    /// <summary>At most this many tokens per inference batch (past its first text), which bounds the caches' memory.</summary>
    public const int InferenceTokens = 16384;

    /// <summary>The network.</summary>
    public TextClassifier Model { get; }
    /// <summary>The word ids the network was trained on (&lt;pad&gt; 0, &lt;unk&gt; 1).</summary>
    public ClassifierVocabulary Vocab { get; }
    /// <summary>The label of each class: with two, which the network's output calls positive, and which negative.</summary>
    public LabelMap Labels { get; }
    /// <summary>Texts are cut to their first MaxLen tokens (null: whole texts).</summary>
    public int? MaxLen { get; }
    /// <summary>The metadata read from the model file (empty for a model built in memory).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Bundles a network with its vocabulary (ArgumentException unless it has one embedding row per word), labels and text rules.</summary>
    public Classifier(TextClassifier model, ClassifierVocabulary vocab, LabelMap labels, int? maxLen, IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (model.VocabSize != vocab.Count)
            throw new ArgumentException($"the model has {model.VocabSize} embedding rows for a vocabulary of {vocab.Count}");
        if (model.Config.Classes != labels.Count)
            throw new ArgumentException($"the model has {model.Config.Classes} classes and {labels.Count} labels");
        (Model, Vocab, Labels, MaxLen) = (model, vocab, labels, maxLen);
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    /// <summary>Token ids of a text, cut to <see cref="MaxLen"/>.</summary>
    public int[] Encode(string text) => Cut(Vocab.Encode(text), MaxLen);

    /// <summary>Token ids of many texts (tokenized in parallel; the result is in order).</summary>
    public int[][] Encode(IReadOnlyList<string> texts)
    {
        var result = new int[texts.Count][];
        Parallel.For(0, texts.Count, i => result[i] = Encode(texts[i]));
        return result;
    }

    internal static int[] Cut(int[] ids, int? maxLen) => maxLen is int m && ids.Length > m ? ids[..m] : ids;

    /// <summary>
    /// P(positive) for each encoded text, for a classifier of two classes (InvalidOperationException for more: see
    /// <see cref="ClassProbabilities"/>). Batching is by length; each text's result is the same alone or in any batch.
    /// </summary>
    public float[] Probabilities(IReadOnlyList<int[]> sequences, Action<int>? textsDone = null)
    {
        if (Labels.Count != 2)
            throw new InvalidOperationException($"a classifier of {Labels.Count} classes has no one probability per text; use ClassProbabilities");
        var result = new float[sequences.Count];
        Run(sequences, (i, p) => result[i] = p[0], textsDone);
        return result;
    }

    /// <summary>
    /// Every class's probability for each encoded text, result[i][c] for class c (<see cref="LabelMap.Names"/>[c]); for
    /// two classes [1 − P(positive), P(positive)]. Each text's result is the same alone or in any batch.
    /// </summary>
    public float[][] ClassProbabilities(IReadOnlyList<int[]> sequences, Action<int>? textsDone = null)
    {
        var result = new float[sequences.Count][];
        Run(sequences, (i, p) => result[i] = p.Length == 1 ? [1 - p[0], p[0]] : p.ToArray(), textsDone);
        return result;
    }

    /// <summary>
    /// The predicted class of each row of <see cref="ClassProbabilities"/>: of two classes the positive one from
    /// P(positive) = 0.5 up (the seed's rule); of more, the most likely (the first on a tie).
    /// </summary>
    public static int[] Predicted(IReadOnlyList<float[]> probabilities) =>
        probabilities.Select(p => p.Length == 2 ? (p[1] >= 0.5f ? 1 : 0) : System.Numerics.Tensors.TensorPrimitives.IndexOfMax(p)).ToArray();

    delegate void RowSink(int item, ReadOnlySpan<float> probabilities);

    /// <summary>The network over <paramref name="sequences"/> in batches of similar length; each text's output row goes to <paramref name="sink"/>.</summary>
    void Run(IReadOnlyList<int[]> sequences, RowSink sink, Action<int>? textsDone)
    {
        var batch = new Batch();
        int done = 0, width = Model.Config.Outputs;
        Model.Eval();
        foreach (var which in BatchPlan.ByLength(sequences, InferenceBatch, InferenceTokens))
        {
            batch.Fill(sequences, default, which);
            var p = Model.Predict(batch);
            var items = batch.Items;
            for (int j = 0; j < items.Length; j++) sink(items[j], p.Slice(j * width, width));
            done += which.Length;
            textsDone?.Invoke(done);
        }
    }

    /// <summary>P(positive) of one raw text (two classes).</summary>
    public float Probability(string text) => Probabilities([Encode(text)])[0];

    /// <summary>Writes the model and its metadata atomically; <paramref name="extra"/> adds keys (training, history).</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? extra = null)
    {
        var meta = new Dictionary<string, string>();
        if (extra != null) foreach (var (k, v) in extra) meta[k] = v;
        meta["format"] = Format;
        meta["tokenizer"] = TokenizerName;
        meta["config"] = Model.Config.ToJson();
        meta["labels"] = JsonSerializer.Serialize(Labels.Names);
        meta["max_len"] = MaxLen?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "";
        meta["vocab"] = JsonSerializer.Serialize(Vocab.Tokens);
        ModelFile.Save(path, Model, meta);
    }

    /// <summary>
    /// Reads a classifier saved by <see cref="Save"/>. Anything unusable — not a classifier file, a
    /// missing or malformed key, tensors that do not fit the config or hold NaN or infinity — is one InvalidDataException line naming the file.
    /// </summary>
    public static Classifier Load(string path)
    {
        var contents = ModelFile.Load(path);
        var meta = contents.Metadata;
        string Key(string key) => meta.TryGetValue(key, out var v) ? v
            : throw new InvalidDataException($"{PathText.Show(path)}: not a recur classifier model (no '{key}' in its metadata)");
        if (ModelKind.Mismatch(path, meta, ModelKind.Classifier) is { } wrong) throw wrong;
        if (Key("format") != Format)
            throw new InvalidDataException($"{PathText.Show(path)}: model format {ErrorText.Quote(Key("format"))} is not {Format}");
        if (Key("tokenizer") != TokenizerName)
            throw new InvalidDataException($"{PathText.Show(path)}: unknown tokenizer {ErrorText.Quote(Key("tokenizer"))} (this recur knows {TokenizerName})");
        // Read outside the try: a missing key is not damage, and its message already names the file.
        string configJson = Key("config"), vocabJson = Key("vocab"), labelsJson = Key("labels"), m = Key("max_len");
        ClassifierConfig config;
        ClassifierVocabulary vocab;
        LabelMap labels;
        int? maxLen;
        try
        {
            try { config = ClassifierConfig.FromJson(configJson); }
            catch (InvalidDataException e) when (e.InnerException is JsonException j) { throw new InvalidDataException(ErrorText.Metadata("config", j), e); }
            vocab = new ClassifierVocabulary(Strings("vocab", vocabJson));
            var names = Strings("labels", labelsJson);
            if (names.Length != config.Classes)
                throw new InvalidDataException($"'labels' should be a list of {config.Classes} names (the config's classes), not {names.Length}");
            labels = new LabelMap(names);
            maxLen = ParseMaxLen(m);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            throw new InvalidDataException($"{PathText.Show(path)}: damaged classifier metadata: {ErrorText.FirstLine(e.Message)}", e);
        }
        var model = new TextClassifier(config, vocab.Count, new Rng(0));
        try { model.LoadStateDict(contents.Tensors); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{PathText.Show(path)}: {e.Message}", e); }
        // A NaN or infinite weight makes every probability NaN, which would read as label 0 and as metrics.
        if (model.DescribeNonFinite() is { } bad)
            throw new InvalidDataException($"{PathText.Show(path)}: {bad}: the model is damaged; retrain it");
        model.Eval();
        return new Classifier(model, vocab, labels, maxLen, meta);
    }

    /// <summary>A metadata value that is a JSON list of strings (its entries may still be null).</summary>
    static string[] Strings(string key, string json)
    {
        try { return JsonSerializer.Deserialize<string[]>(json) ?? throw new InvalidDataException($"'{key}' should be a list of strings, not null"); }
        catch (JsonException e) { throw new InvalidDataException(ErrorText.Metadata(key, e), e); }
    }

    /// <summary>max_len: "" for whole texts, else a whole number of 1 or more.</summary>
    static int? ParseMaxLen(string m) =>
        m.Length == 0 ? null
        : int.TryParse(m, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1 ? n
        : throw new InvalidDataException($"'max_len' should be empty (whole texts) or a whole number of 1 or more, not {ErrorText.Quote(m, 40)}");
}
