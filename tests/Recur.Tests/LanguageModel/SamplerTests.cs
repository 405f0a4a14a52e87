// Sampling: a fixed seed reproduces a sample, greedy decoding is deterministic, top-k and top-p keep
// to their candidates, draws follow softmax(logits / T) renormalised over those candidates, the prime
// is honoured, and a batch of samples equals samples drawn one by one.
using Recur.LanguageModel;
using Recur.Tests.Support;
using Recur.Text;

namespace Recur.Tests.LanguageModel;

public class SamplerTests
{
    static LoadedModel Trained(TempDir dir, string tokens = ModelConfig.Chars)
    {
        string corpus = dir.Write("c.txt", TempDir.Corpus(4000));
        var config = new TrainConfig { Corpus = [corpus], Batch = 8, Seq = 16, Steps = 40, Lr = 5e-3, EvalEvery = 40, CheckpointEvery = 40 };
        Trainer.Run(TrainingRun.Create(dir.File("run"), new ModelConfig { Hidden = 32, Layers = 1, Tokens = tokens, Embed = tokens == ModelConfig.Words ? 16 : 0 }, config, new TextOptions()));
        return LanguageModelFile.Load(dir.File("run"));
    }

    [Fact]
    public void SameSeedSameSampleDifferentSeedDifferentSample()
    {
        using var dir = new TempDir();
        var m = Trained(dir);
        var s = new Sampler(m.Model, m.Vocabulary);
        var o = new SampleOptions { Prime = "the ", Length = 120, Seed = 5 };
        string a = s.Generate(o)[0], b = s.Generate(o)[0], c = s.Generate(o with { Seed = 6 })[0];
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.StartsWith("the ", a);
        Assert.Equal(4 + 120, a.Length);
    }

    [Fact]
    public void AVocabularyOfAnotherSizeIsRefused()
    {
        var model = TokenModel.Create(new ModelConfig { Hidden = 8, Layers = 1, VocabSize = 5 }, new Rng(1));
        // Another model's vocabulary failed later, e.g. as a prime of characters "the model never saw".
        var e = Assert.Throws<ArgumentException>(() => new Sampler(model, Vocabulary.FromCharacters("abcdefgh")));
        Assert.Contains("a vocabulary of 8 tokens does not fit a model of 5", e.Message);
        Assert.NotNull(new Sampler(model, Vocabulary.FromCharacters("abcde")));
    }

    [Fact]
    public void StreamedTokensMakeTheSample()
    {
        using var dir = new TempDir();
        var m = Trained(dir);
        var streamed = new System.Text.StringBuilder();
        string? prime = null;
        var text = new Sampler(m.Model, m.Vocabulary).Generate(new SampleOptions { Prime = "a", Length = 50 }, (_, t) => streamed.Append(t), p => prime = p)[0];
        Assert.Equal(text, prime + streamed);
    }

    [Fact]
    public void GreedyIgnoresTheSeedAndTopKOneIsGreedy()
    {
        using var dir = new TempDir();
        var m = Trained(dir);
        var s = new Sampler(m.Model, m.Vocabulary);
        string g1 = s.Generate(new SampleOptions { Prime = "the", Length = 60, Temperature = 0, Seed = 1 })[0];
        string g2 = s.Generate(new SampleOptions { Prime = "the", Length = 60, Temperature = 0, Seed = 99 })[0];
        string k1 = s.Generate(new SampleOptions { Prime = "the", Length = 60, TopK = 1, Seed = 7 })[0];
        Assert.Equal(g1, g2);
        Assert.Equal(g1, k1);
    }

    [Fact]
    public void TopKAndTopPKeepToTheirCandidates()
    {
        var logits = new float[] { 0.1f, 3f, 2f, -1f, 2.5f };
        var rng = new Rng(1);
        var scratch = new Sampler.Scratch(5);
        var topK = new HashSet<int>();
        var topP = new HashSet<int>();
        var narrow = new HashSet<int>();
        for (int i = 0; i < 2000; i++)
        {
            topK.Add(Sampler.Choose(logits, new SampleOptions { TopK = 2 }, rng, scratch));
            topP.Add(Sampler.Choose(logits, new SampleOptions { TopP = 0.7 }, rng, scratch));
            narrow.Add(Sampler.Choose(logits, new SampleOptions { TopP = 0.45 }, rng, scratch));
        }
        // Probabilities: id 1 0.488, id 4 0.296, id 2 0.180, id 0 0.027, id 3 0.009.
        Assert.Equal(new HashSet<int> { 1, 4 }, topK);
        Assert.Equal(new HashSet<int> { 1, 4 }, topP);
        Assert.Equal(new HashSet<int> { 1 }, narrow);
    }

    [Fact]
    public void DrawsFollowTheSoftmaxOfTheLogitsOverTheTemperatureAmongTheCandidates()
    {
        // Frequencies of 20,000 draws against softmax(logits / T) worked out here, renormalised over the candidates
        // top-k and top-p keep (the sets alone, above, pass with the temperature ignored or the nucleus not renormalised).
        float[] logits = [0.1f, 3f, 2f, -1f, 2.5f];
        var scratch = new Sampler.Scratch(5);
        double[] Softmax(double t, params int[] candidates)
        {
            var p = new double[logits.Length];
            foreach (int j in candidates) p[j] = Math.Exp(logits[j] / t);
            double sum = p.Sum();
            return p.Select(x => x / sum).ToArray();
        }
        int[] all = [0, 1, 2, 3, 4];
        foreach (var (o, expected) in new (SampleOptions, double[])[]
                 {
                     (new SampleOptions(), Softmax(1, all)),
                     (new SampleOptions { Temperature = 0.5 }, Softmax(0.5, all)),   // id 1 0.67, id 4 0.24, id 2 0.09
                     (new SampleOptions { Temperature = 2 }, Softmax(2, all)),
                     (new SampleOptions { TopK = 3, Temperature = 0.7 }, Softmax(0.7, 1, 4, 2)),
                     (new SampleOptions { TopP = 0.7 }, Softmax(1, 1, 4)),           // 0.488 + 0.296 reach 0.7: id 1 0.62, id 4 0.38
                 })
        {
            var rng = new Rng(21);
            var counts = new int[logits.Length];
            const int draws = 20_000;
            for (int i = 0; i < draws; i++) counts[Sampler.Choose(logits, o, rng, scratch)]++;
            // The standard error of a frequency is at most 0.0036 here: 0.015 is four of them.
            for (int j = 0; j < logits.Length; j++)
                Assert.True(Math.Abs(counts[j] / (double)draws - expected[j]) <= 0.015,
                    $"{o}: id {j} drawn {counts[j] / (double)draws:F4} of the time, expected {expected[j]:F4}");
        }
    }

    [Fact]
    public void TopKSelectsWhatSortingEveryLogitSelects()
    {
        // The heap selection of the k largest, against a sort of the whole row: the same ids in the same order.
        var rng = new Rng(5);
        foreach (int v in new[] { 1, 2, 7, 100, 10_000 })
            foreach (int k in new[] { 1, 2, 3, 40, v - 1, v }.Where(k => k >= 1 && k <= v).Distinct())
            {
                var logits = new float[v];
                rng.FillNormal(logits, 0, 3);
                var keys = new float[v];
                var order = new int[v];
                Sampler.LargestFirst(logits, k, keys, order);
                var expected = Enumerable.Range(0, v).OrderByDescending(j => logits[j]).Take(k).ToArray();
                Assert.Equal(expected, order.Take(k).ToArray());
            }
    }

    [Fact]
    public void TopPThresholdIsTheEdgeOfTheSortedNucleus()
    {
        // The selection's threshold against a sort: walk the weights largest first until they hold p of the total;
        // the last one taken is the threshold. Rows with ties and with zeros (exps that underflowed) included.
        var rng = new Rng(9);
        foreach (int v in new[] { 1, 2, 3, 7, 100, 10_000 })
            foreach (string kind in new[] { "normal", "ties", "zeros" })
                foreach (double p in new[] { 1e-6, 0.1, 0.5, 0.9, 0.999 })
                {
                    var logits = new float[v];
                    rng.FillNormal(logits, 0, 3);
                    var w = logits.Select(x => kind switch
                    {
                        "ties" => MathF.Round(MathF.Exp(x) * 4) / 4,
                        "zeros" => x < 0 ? 0f : MathF.Exp(x),
                        _ => MathF.Exp(x),
                    }).ToArray();
                    if (w.All(x => x == 0)) w[0] = 1;
                    var sorted = w.OrderByDescending(x => x).ToArray();
                    double total = w.Sum(x => (double)x), cumulative = 0;
                    float expected = sorted[^1];
                    foreach (float x in sorted)
                        if ((cumulative += x) >= p * total) { expected = x; break; }
                    Assert.Equal(expected, Sampler.NucleusThreshold(w, v, p, new Sampler.Scratch(v)));
                }
    }

    [Fact]
    public void GreedyBatchEqualsSingleSamples()
    {
        using var dir = new TempDir();
        var m = Trained(dir);
        var s = new Sampler(m.Model, m.Vocabulary);
        var one = s.Generate(new SampleOptions { Prime = "a dog", Length = 40, Temperature = 0 })[0];
        var batch = s.Generate(new SampleOptions { Prime = "a dog", Length = 40, Temperature = 0, Count = 3 });
        Assert.All(batch, x => Assert.Equal(one, x));
    }

    [Fact]
    public void StopStringEndsTheSample()
    {
        using var dir = new TempDir();
        var m = Trained(dir);
        var text = new Sampler(m.Model, m.Vocabulary).Generate(new SampleOptions { Prime = "the", Length = 400, Stop = "." })[0];
        Assert.EndsWith(".", text);
        Assert.Equal(1, text.Count(c => c == '.'));
    }

    [Theory]
    [InlineData("mat .", "mat.")]    // spaced as the tokenizer cuts it, not as it is printed
    [InlineData("mat.", "mat.")]
    [InlineData("at.", "at.")]       // the first token may end a longer word
    public void WordStopMatchesTokensWhateverTheSpacing(string stop, string printed)
    {
        // A word model prints "mat." for the tokens mat and .; a stop matched on text would need the printed spacing.
        using var dir = new TempDir();
        var m = Trained(dir, ModelConfig.Words);
        var text = new Sampler(m.Model, m.Vocabulary).Generate(new SampleOptions { Prime = "the", Length = 400, Stop = stop })[0];
        Assert.True(text.IndexOf(printed, StringComparison.Ordinal) == text.Length - printed.Length, $"the sample did not stop at the first '{printed}': {text}");
    }

    [Fact]
    public void WordStopWithNoTokenIsRefused()
    {
        using var dir = new TempDir();
        var m = Trained(dir, ModelConfig.Words);
        var e = Assert.Throws<ArgumentException>(() => new Sampler(m.Model, m.Vocabulary).Generate(new SampleOptions { Stop = "  " }));
        Assert.Contains("no word, mark or line break", e.Message);
    }
}
