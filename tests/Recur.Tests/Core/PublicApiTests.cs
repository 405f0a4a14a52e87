// The library's public surface: no two top-level exported types share a simple name, so a file may open any
// of Recur.Core's namespaces together (using Recur.LanguageModel; using Recur.Classification; ...) without
// CS0104 ambiguous references.
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
}
