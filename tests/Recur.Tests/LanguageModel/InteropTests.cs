// PyTorch ↔ Recur model files: a PyTorch text generator's state dict (seed 002's names) loads into
// Recur's CharModel by strict name and gives PyTorch's logits (also a tied model, whose state dict holds
// the one table as both embedding.weight and fc.weight); Recur's own state dict has exactly the
// names and shapes PyTorch's module has (tools/reference/interop.py writes the cases and can check a
// Recur-saved file in PyTorch with load_state_dict(strict=True)).
using Recur.LanguageModel;
using Recur.Tests.Support;

namespace Recur.Tests.LanguageModel;

public class InteropTests
{
    public static IEnumerable<object[]> Cases() => ReferenceCase.Names("interop_");

    static CharModel Build(ReferenceCase rc) => new(new ModelConfig
    {
        Cell = rc.Str("cell"), Layers = rc.Int("layers"), Hidden = rc.Int("hidden"), Embed = rc.Int("embed"), VocabSize = rc.Int("vocab_size"),
        Tie = rc.Bool("tie"),
    }, new Rng(1));

    [Theory, MemberData(nameof(Cases))]
    public void PyTorchStateDictLoadsAndComputesTheSameLogits(string name)
    {
        var rc = ReferenceCase.Load(name);
        var model = Build(rc);
        model.LoadStateDict(rc.Tensors.Where(kv => kv.Key.StartsWith("param.")).ToDictionary(kv => kv.Key[6..], kv => kv.Value), strict: true);
        model.Eval();
        var tokens = rc.GetInts("tokens");
        var expected = rc.Get("logits");
        var logits = model.Forward(tokens, expected.Shape[0], expected.Shape[1], null);
        Close.Assert(expected, logits, $"{name} logits");
    }

    [Theory, MemberData(nameof(Cases))]
    public void RecurStateDictHasPyTorchsNamesAndShapes(string name)
    {
        var rc = ReferenceCase.Load(name);
        var mine = Build(rc).StateDict().ToDictionary(p => p.Name, p => p.Data.Shape);
        var theirs = rc.Tensors.Where(kv => kv.Key.StartsWith("param.")).ToDictionary(kv => kv.Key[6..], kv => kv.Value.Shape);
        Assert.Equal(theirs.Keys.Order(), mine.Keys.Order());
        foreach (var (key, shape) in theirs) Assert.Equal(shape, mine[key]);
    }
}
