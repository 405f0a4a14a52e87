// CrossEntropyLoss splits large logits by rows over the kernel threads: the loss and gradient keep the
// bits of one thread and of the row-by-row sum, ignored rows included, and each row's predicted class.
using Recur.Kernels;
using Recur.LanguageModel;
using Recur.Nn.Losses;
using Recur.Tests.Support;

namespace Recur.Tests.Nn;

// Alone (the "threads" collection): another class setting the thread count meanwhile would change the split.
[Collection("threads")]
public class CrossEntropyThreadTests
{
    [Fact]
    public void ThreadsGiveTheBitsOfOneRowAtATime()
    {
        // 301 rows × 1,000 classes: 301K logits, several parts of the pool (at least 64K logits each).
        int rows = 301, v = 1000;
        var logits = new Tensor(rows, v);
        new Rng(4).FillNormal(logits.Span, 0, 3);
        var targets = new int[rows];
        for (int r = 0; r < rows; r++) targets[r] = r % 7 == 3 ? -100 : r * 37 % v;

        // Row by row: the documented order (double sums, rows in order), each row's gradient scaled by 1/count.
        int counted = targets.Count(t => t != -100);
        double total = 0;
        var expectedGrad = new float[rows * v];
        for (int r = 0; r < rows; r++)
            if (targets[r] != -100)
                total += Softmax.CrossEntropy(logits.Span.Slice(r * v, v), targets[r], expectedGrad.AsSpan(r * v, v), 1f / counted);
        float expected = (float)(total / counted);

        // The most likely class of each row, read before the gradient overwrites the logits in place.
        var expectedPredicted = Enumerable.Range(0, rows).Select(r => Predictions.ArgMax(logits.Span.Slice(r * v, v))).ToArray();
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var grad = new Tensor(rows, v);
            grad.Span.Fill(7f);   // ignored rows are overwritten with zeros, not left
            float value = OnThreads.Run(threads, () => new CrossEntropyLoss().Forward(logits, targets, grad));
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(value));
            Assert.True(expectedGrad.AsSpan().SequenceEqual(grad.Span), $"gradient on {threads} threads differs from the row-by-row one");

            var inPlace = new Tensor(rows, v);
            logits.Span.CopyTo(inPlace.Span);
            var predicted = new int[rows];
            float again = OnThreads.Run(threads, () => new CrossEntropyLoss().Forward(inPlace, targets, inPlace, predicted));
            Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(again));
            Assert.Equal(expectedPredicted, predicted);
            Assert.True(expectedGrad.AsSpan().SequenceEqual(inPlace.Span), $"in-place gradient on {threads} threads differs");
        }
    }
}
