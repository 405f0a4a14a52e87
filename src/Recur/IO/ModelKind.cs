// Which of recur's commands made a model file, so that a file handed to another command (a classifier
// to 'recur sample', a language model to 'recur forecast eval') is named for what it is, with the
// commands that use it.
namespace Recur.IO;

/// <summary>The kinds of model file Recur writes, told apart by their metadata, for messages.</summary>
public static class ModelKind
{
    /// <summary>Three of the kinds <see cref="Name"/> returns (the fourth is a training state), worded for messages ("a language model").</summary>
    public const string LanguageModel = "a language model", Classifier = "a text classifier", Forecaster = "a forecaster";

    /// <summary>What a file made by one of recur's commands is and which commands use it; null for a file none of them made.</summary>
    static (string Kind, string Use)? Of(IReadOnlyDictionary<string, string> meta) =>
        meta.TryGetValue("format", out var f) && f.StartsWith("recur.classifier", StringComparison.Ordinal) ? (Classifier, "'recur classify eval', 'recur classify predict' or 'recur info'")
        : f != null && f.StartsWith("recur-forecast", StringComparison.Ordinal) ? (Forecaster, "'recur forecast eval', 'recur forecast predict' or 'recur info'")
        : meta.ContainsKey("recur.progress") ? ("a language model's training state", "'recur train --resume' on its run directory")
        : meta.ContainsKey("recur.config") ? (LanguageModel, "'recur sample', 'recur eval' or 'recur info'")
        : null;

    /// <summary>Which model a file's metadata describes (<see cref="LanguageModel"/>, <see cref="Classifier"/>, <see cref="Forecaster"/>, or a training state); null for a file none of recur's commands made.</summary>
    public static string? Name(IReadOnlyDictionary<string, string> meta) => Of(meta)?.Kind;

    /// <summary>The error for a file of recur's that is another kind of model than <paramref name="wanted"/>; null otherwise.</summary>
    public static InvalidDataException? Mismatch(string path, IReadOnlyDictionary<string, string> meta, string wanted) =>
        Of(meta) is var (kind, use) && kind != wanted ? new($"{PathText.Show(path)}: {kind}, not {wanted}; use it with {use}") : null;
}
