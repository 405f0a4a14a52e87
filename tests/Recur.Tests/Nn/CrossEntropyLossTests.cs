// CrossEntropyLoss against PyTorch 1.13 (mean and sum, ignore_index -100 and 3, a wide vocabulary,
// every row ignored), by central differences, and its ignore_index and error behaviour; the predicted class
// it reports is IndexOfMax's, ties, signed zeros and NaN included.
using Recur.Nn.Losses;
using Recur.Tests.Support;

namespace Recur.Tests.Nn;

public class CrossEntropyLossTests
{
    public static IEnumerable<object[]> Cases() => ReferenceCase.Names("loss_cross_entropy");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var c = ReferenceCase.Load(name);
        var logits = c.Get("logits");
        var targets = c.GetInts("targets");
        foreach (var (reduction, key) in new[] { (Reduction.Mean, "mean"), (Reduction.Sum, "sum") })
        {
            var loss = new CrossEntropyLoss(c.Int("ignore_index"), reduction);
            var grad = new Tensor(logits.Shape);
            float value = loss.Forward(logits, targets, grad);
            float expected = c.Get("loss_" + key)[0];
            if (float.IsNaN(expected)) Assert.True(float.IsNaN(value), $"{name} {key} loss is {value}, expected NaN (0/0)");
            else Close.Assert([expected], [value], $"{name} {key} loss");
            Close.Assert(c.Get("grad_" + key), grad, $"{name} {key} gradient");
            Assert.Equal(BitConverter.SingleToInt32Bits(value), BitConverter.SingleToInt32Bits(loss.Forward(logits, targets)));
        }
    }

    [Fact]
    public void GradientMatchesCentralDifferences()
    {
        var logits = new Tensor(5, 11);
        new Rng(3).FillNormal(logits.Span, 0, 2);
        int[] targets = [4, -100, 0, 10, 7];
        foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum })
        {
            var loss = new CrossEntropyLoss(reduction: reduction);
            var grad = new Tensor(5, 11);
            loss.Forward(logits, targets, grad);
            GradCheck.Check(logits.Span, grad.Span, () => loss.Forward(logits, targets), $"cross-entropy {reduction}", samples: 55);
        }
    }

    [Fact]
    public void IgnoredRowsCountForNothing()
    {
        var logits = new Tensor(6, 9);
        new Rng(8).FillNormal(logits.Span, 0, 3);
        int[] targets = [1, 5, 5, 0, 8, 5];
        var loss = new CrossEntropyLoss(ignoreIndex: 5);
        var grad = new Tensor(6, 9);
        grad.Span.Fill(123f); // overwritten, not accumulated
        float value = loss.Forward(logits, targets, grad);

        // The same loss over only the counted rows: identical bits, and zero gradient rows where ignored.
        var kept = new Tensor(3, 9);
        int[] keptRows = [0, 3, 4];
        for (int i = 0; i < 3; i++) logits.Span.Slice(keptRows[i] * 9, 9).CopyTo(kept.Span.Slice(i * 9, 9));
        var keptGrad = new Tensor(3, 9);
        float keptValue = loss.Forward(kept, [1, 0, 8], keptGrad);
        Assert.Equal(BitConverter.SingleToInt32Bits(keptValue), BitConverter.SingleToInt32Bits(value));
        for (int i = 0; i < 3; i++)
            Close.Exact(keptGrad.Span.Slice(i * 9, 9), grad.Span.Slice(keptRows[i] * 9, 9), $"counted row {keptRows[i]}");
        foreach (int r in new[] { 1, 2, 5 })
            Assert.All(grad.Span.Slice(r * 9, 9).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void GradientMayOverwriteTheLogits()
    {
        var logits = new Tensor(4, 40);
        new Rng(2).FillNormal(logits.Span, 0, 2);
        int[] targets = [39, 0, -100, 17];
        var loss = new CrossEntropyLoss();
        var grad = new Tensor(4, 40);
        float value = loss.Forward(logits, targets, grad);
        float inPlace = loss.Forward(logits, targets, logits);
        Assert.Equal(value, inPlace);
        Close.Exact(grad.Span, logits.Span, "in-place gradient");
    }

    [Fact]
    public void BadTargetsAreRefusedBeforeAnythingIsWritten()
    {
        var logits = new Tensor(3, 4);
        var grad = new Tensor(3, 4);
        grad.Span.Fill(7f);
        var loss = new CrossEntropyLoss();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => loss.Forward(logits, [0, 1, 4], grad));
        Assert.Contains("target 4 in row 2", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => loss.Forward(logits, [-1, 1, 2], grad));
        Assert.All(grad.Span.ToArray(), v => Assert.Equal(7f, v));
        Assert.Throws<ArgumentException>(() => loss.Forward(logits, [0, 1], grad));
        Assert.Throws<ArgumentException>(() => loss.Forward(logits, [0, 1, 2], new Tensor(4, 3)));
    }

    [Fact]
    public void TimeMajorLogitsAreRows()
    {
        var logits = new Tensor(2, 3, 7); // (T, N, V)
        new Rng(6).FillNormal(logits.Span, 0, 1);
        int[] targets = [0, 1, 2, 3, 4, 5];
        var loss = new CrossEntropyLoss();
        Assert.Equal(loss.Forward(logits.Reshape(6, 7), targets), loss.Forward(logits, targets));
    }

    [Fact]
    public void ForwardAllocatesNothing()
    {
        var logits = new Tensor(8, 100);
        new Rng(1).FillNormal(logits.Span, 0, 1);
        int[] targets = [1, 2, 3, -100, 5, 6, 7, 99];
        var grad = new Tensor(8, 100);
        var loss = new CrossEntropyLoss();
        for (int i = 0; i < 3; i++) loss.Forward(logits, targets, grad);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++) loss.Forward(logits, targets, grad);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void PredictedClassIsIndexOfMaxsEvenForTiesZerosAndNaN()
    {
        int v = 37;   // two 16-float blocks and a tail
        var rows = new List<float[]>();
        float[] Row(params (int At, float Value)[] set)
        {
            var row = new float[v];
            for (int i = 0; i < v; i++) row[i] = -1f - i * 0.01f;
            foreach (var (at, value) in set) row[at] = value;
            return row;
        }
        rows.Add(Row((5, 2f), (30, 2f)));                       // a tie: the first
        rows.Add(Row((36, 3f)));                                // in the tail
        rows.Add(Row((3, -0f), (20, 0f), (33, -0f)));           // max ±0: +0 wins over an earlier -0
        rows.Add(Row((3, -0f), (20, -0f)));                     // max -0 only
        float nanA = BitConverter.Int32BitsToSingle(0x7FC00001), nanB = BitConverter.Int32BitsToSingle(unchecked((int)0xFFC00000));
        rows.Add(Row((7, 1f), (12, nanA), (25, nanB)));        // NaN: the first, whatever its bits
        rows.Add(Row((7, 1f), (12, nanB), (25, nanA)));
        rows.Add(Row((2, 0f), (4, -0f), (6, -0f)));             // +0 first, -0 later
        rows.Add(Row((8, float.PositiveInfinity), (9, float.PositiveInfinity)));
        var all = new float[v];
        Array.Fill(all, float.NegativeInfinity);
        all[0] = -1e30f;
        rows.Add(all);                                           // every other class impossible
        var logits = new Tensor(rows.Count, v);
        for (int r = 0; r < rows.Count; r++) rows[r].CopyTo(logits.Span.Slice(r * v, v));
        var expected = rows.Select(row => System.Numerics.Tensors.TensorPrimitives.IndexOfMax<float>(row)).ToArray();
        Assert.Equal([5, 36, 20, 3, 12, 12, 2, 8, 0], expected);   // the semantics this test pins

        foreach (int ignore in new[] { -100, 1 })   // every target 1 ignored: the other path
        {
            var predicted = new int[rows.Count];
            var grad = new Tensor(rows.Count, v);
            new CrossEntropyLoss(ignoreIndex: ignore).Forward(logits, Enumerable.Repeat(1, rows.Count).ToArray(), grad, predicted);
            Assert.Equal(expected, predicted);
        }
    }
}
