// Opening a trained language model: MODEL may be a run directory (its model.safetensors) or a file.
using Recur.IO;
using Recur.Text;

namespace Recur.LanguageModel;

/// <summary>A language model loaded from disk with its vocabulary and metadata.</summary>
public sealed record LoadedModel(TokenModel Model, Vocabulary Vocabulary, IReadOnlyDictionary<string, string> Metadata, string Path);

/// <summary>Opens language models written by <see cref="TrainingRun"/> (or `recur train`) for sampling and evaluation.</summary>
public static class LanguageModelFile
{
    /// <summary>The model file a MODEL argument names: DIR/model.safetensors for a directory, else the path itself.</summary>
    public static string Resolve(string modelArgument) => ModelFile.Resolve(modelArgument, "recur train");

    /// <summary>
    /// Loads a run directory's model.safetensors, or a model or checkpoint file, in evaluation mode; anything
    /// unusable (no such file, a training state, another kind of model, damaged tensors) is one InvalidDataException
    /// line naming the file.
    /// </summary>
    public static LoadedModel Load(string modelArgument)
    {
        string path = Resolve(modelArgument);
        var contents = ModelFile.Load(path);
        if (contents.Metadata.ContainsKey("recur.progress"))
            throw new InvalidDataException($"{PathText.Show(path)}: a run's training state (weights and optimizer), not a model; give the run directory, its {TrainingRun.ModelFileName} or a checkpoint");
        if (ModelKind.Mismatch(path, contents.Metadata, ModelKind.LanguageModel) is { } wrong) throw wrong;
        if (!contents.Metadata.TryGetValue("recur.config", out var configJson) || !contents.Metadata.TryGetValue("recur.vocab", out var vocabJson))
            throw new InvalidDataException($"{PathText.Show(path)}: not a Recur language model (its metadata has no recur.config and recur.vocab)");
        var config = ErrorText.ReadMetadata(path, "recur.config", configJson, ModelConfig.FromJson);
        var vocab = ErrorText.ReadMetadata(path, "recur.vocab", vocabJson, Vocabulary.FromJson);
        if (vocab.Count != config.VocabSize)
            throw new InvalidDataException($"{PathText.Show(path)}: the vocabulary has {vocab.Count} tokens but the config says {config.VocabSize}");
        if (config.Tokens == ModelConfig.Words && !vocab.TryGetId(Vocabulary.Unknown, out _))
            throw new InvalidDataException($"{PathText.Show(path)}: a word model's vocabulary must hold {Vocabulary.Unknown}");
        // Text is read and printed one Unicode scalar value per token: an entry of none or of two would crash or print wrong.
        if (config.Tokens == ModelConfig.Chars)
            for (int i = 0; i < vocab.Count; i++)
                if (!(vocab[i].Length > 0 && System.Text.Rune.TryGetRuneAt(vocab[i], 0, out var r) && r.Utf16SequenceLength == vocab[i].Length))
                    throw new InvalidDataException($"{PathText.Show(path)}: a character model's vocabulary holds {ErrorText.Quote(vocab[i], 40)} (entry {i + 1}), which is not one character; the file is damaged");
        var model = TokenModel.Create(config, new Rng(0));
        try { model.LoadStateDict(contents.Tensors); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{PathText.Show(path)}: {e.Message}", e); }
        // A NaN weight makes every output NaN, which samples as the last token over and over: refuse it here.
        if (model.FirstNonFinite() is { } bad)
            throw new InvalidDataException($"{PathText.Show(path)}: tensor {bad.Name} holds NaN or infinite values; the model is damaged (a diverged run's?): use an earlier checkpoint");
        model.Eval();
        return new LoadedModel(model, vocab, contents.Metadata, path);
    }
}
