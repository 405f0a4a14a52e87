// The library's public surface: no two top-level exported types share a simple name, so a file may open any
// of Recur.Core's namespaces together (using Recur.LanguageModel; using Recur.Classification; ...) without
// CS0104 ambiguous references; and the main entry points refuse a null argument by name instead of failing
// somewhere inside with a NullReferenceException.
using Recur.Classification;
using Recur.LanguageModel;
using Recur.Nn;
using Recur.Text;

namespace Recur.Tests.Core;

public class PublicApiTests
{
    [Fact]
    public void NoTwoExportedTypesShareASimpleName()
    {
        var assembly = typeof(Tensor).Assembly;
        Assert.Equal("Recur.Core", assembly.GetName().Name);
        // Nested types are reached through their outer type, so only top-level ones can clash. Type.Name keeps
        // a generic's arity (Foo`1), as C# does: Foo and Foo<T> do not clash.
        var clashes = assembly.GetExportedTypes()
            .Where(t => t.DeclaringType == null)
            .GroupBy(t => t.Name)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(t => t.FullName).Order(StringComparer.Ordinal))}")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(clashes.Count == 0, $"exported types share a simple name:\n{string.Join("\n", clashes)}");
    }

    public static TheoryData<string, string, Action> NullArguments() => new()
    {
        { "Lstm", "rng", () => _ = new Lstm(2, 3, null!) },
        { "Gru", "rng", () => _ = new Gru(2, 3, null!) },
        { "LstmCell", "rng", () => _ = new LstmCell(2, 3, null!) },
        { "Linear", "rng", () => _ = new Linear(2, 3, null!) },
        { "Embedding", "rng", () => _ = new Embedding(2, 3, null!) },
        { "Tensor", "shape", () => _ = new Tensor(null!) },
        { "ParameterSet", "model", () => _ = new ParameterSet((Module)null!) },
        { "Sampler", "model", () => _ = new Sampler(null!, Vocabulary.FromCharacters("ab")) },
        { "Sampler", "vocab", () => _ = new Sampler(TokenModel.Create(new ModelConfig { Hidden = 4, Layers = 1, VocabSize = 2 }, new Rng(1)), null!) },
        { "ClassifierVocabulary.Encode", "text", () => new ClassifierVocabulary(["<pad>", "<unk>", "a"]).Encode((string)null!) },
        { "TrainingRun.Create", "config", () => TrainingRun.Create("unused", new ModelConfig(), null!, new TextOptions()) },
    };

    [Theory]
    [MemberData(nameof(NullArguments))]
    public void ANullArgumentIsNamed(string what, string parameter, Action call)
    {
        var e = Assert.Throws<ArgumentNullException>(call);
        Assert.True(e.ParamName == parameter, $"{what}: ParamName {e.ParamName}, expected {parameter}");
    }
}
