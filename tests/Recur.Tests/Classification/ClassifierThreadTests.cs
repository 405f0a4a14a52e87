// The classifier's packed sweeps at 2, 3 and 4 threads give the bits of one thread, as its batches grow.
using Recur.Classification;
using Recur.Nn;
using Recur.Nn.Losses;
using Recur.Tests.Support;

namespace Recur.Tests.Classification;

// Alone (the "threads" collection): another class setting the thread count meanwhile would make a run at
// k threads a run at some other count.
[Collection("threads")]
public class ClassifierThreadTests
{
    [Theory, MemberData(nameof(ClassifierModelTests.CellShapes), MemberType = typeof(ClassifierModelTests))]
    public void TextBlocksOnSeveralThreadsGiveTheBitsOfOneThread(string cell, int layers, bool bi)
    {
        // 38 texts of 0..23 tokens and H 48 make the sweeps big enough to split: at 2 and 3 threads each
        // direction of a one-way layer runs as blocks of texts, at 4 threads each of both directions.
        var rng = new Rng(17);
        var texts = ClassifierModelTests.RandomTexts(rng, Enumerable.Range(0, 38).Select(i => i * 7 % 24).ToArray());
        var targets = texts.Select((_, i) => (float)(i % 2)).ToArray();
        (float[], Dictionary<string, float[]>) Run(int threads) => OnThreads.Run(threads, () =>
        {
            var cfg = new ClassifierConfig { Cell = cell, Embed = 16, Hidden = 48, Layers = layers, Bidirectional = bi, Fc = 8, Dropout = 0.3f };
            return ClassifierModelTests.Step(new TextClassifier(cfg, 40, new Rng(9)), texts, targets);
        });
        var (z1, g1) = Run(1);
        foreach (int threads in new[] { 2, 3, 4 })
        {
            var (z, g) = Run(threads);
            Close.Exact(z1, z, $"logits, {threads} threads");
            foreach (var (name, grad) in g1) Close.Exact(grad, g[name], $"grad {name}, {threads} threads");
        }
    }

    // One fresh model through a batch too small to split, then 38 texts (split into blocks of texts), then
    // 70 longer texts: every sweep buffer grows between batches, the last two times under split sweeps.
    [Theory, MemberData(nameof(ClassifierModelTests.CellShapes), MemberType = typeof(ClassifierModelTests))]
    public void GrowingBatchesOnSeveralThreadsGiveTheBitsOfOneThread(string cell, int layers, bool bi)
    {
        var rng = new Rng(19);
        int[][][] batches =
        [
            ClassifierModelTests.RandomTexts(rng, 3, 0, 5, 2, 4),
            ClassifierModelTests.RandomTexts(rng, Enumerable.Range(0, 38).Select(i => i * 7 % 24).ToArray()),
            ClassifierModelTests.RandomTexts(rng, Enumerable.Range(0, 70).Select(i => 1 + i * 11 % 41).ToArray()),
        ];
        float[][] Run(int threads) => OnThreads.Run<float[][]>(threads, () =>
        {
            var cfg = new ClassifierConfig { Cell = cell, Embed = 16, Hidden = 44, Layers = layers, Bidirectional = bi, Fc = 8, Dropout = 0.3f };
            var model = new TextClassifier(cfg, 40, new Rng(9));
            var results = new List<float[]>();
            foreach (var texts in batches)
            {
                var (z, g) = ClassifierModelTests.Step(model, texts, texts.Select((_, i) => (float)(i % 2)).ToArray());
                results.Add(z);
                results.AddRange(g.Values);
            }
            return [.. results];
        });
        var one = Run(1);
        for (int round = 0; round < 2; round++)
            foreach (int threads in new[] { 2, 3, 4 })
            {
                var got = Run(threads);
                for (int i = 0; i < one.Length; i++) Close.Exact(one[i], got[i], $"{cell} {layers} layers bi={bi}: result {i}, {threads} threads");
            }
    }
}
