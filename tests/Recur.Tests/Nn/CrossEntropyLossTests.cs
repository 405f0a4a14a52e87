// CrossEntropyLoss against PyTorch 1.13 (mean and sum, ignore_index -100 and 3, a wide vocabulary,
// every row ignored), by central differences, and its ignore_index and error behaviour.
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
}
