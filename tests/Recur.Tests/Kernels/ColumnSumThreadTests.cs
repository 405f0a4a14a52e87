// Reduce.AddColumnSums splits large operands by columns over the kernel threads: every column keeps the bits
// of its rows added in order on one thread (narrow parts in registers, wide ones row by row), and nothing
// outside the columns is written. The two-sink form (a
// recurrent layer's b_ih and b_hh) gives each sink the bits of its own call, whether it reads one operand or two.
using Recur.Kernels;
using Recur.Tests.Support;

namespace Recur.Tests.Kernels;

// Alone (the "threads" collection): another class setting the thread count meanwhile would change the split.
[Collection("threads")]
public class ColumnSumThreadTests
{
    [Theory]
    [InlineData(700, 10_000)]   // a word model's output bias: several parts on any thread count
    [InlineData(5_000, 33)]     // few columns: at most 3 groups of 16 to share
    [InlineData(9, 7)]          // too small to split
    [InlineData(7_600, 200)]    // a classifier's gate gradients (4·50): narrow parts, summed in registers
    [InlineData(640, 64)]       // a forecaster's (4·16)
    [InlineData(50, 123)]       // 123 = 4·16 + 3·16 + 8 + 3: every width's loops and the one-lane tail
    public void ThreadsGiveTheBitsOfRowsAddedInOrder(int rows, int cols)
    {
        var x = new float[rows * cols];
        var rng = new Rng(8);
        rng.FillNormal(x, 0, 1);
        var start = new float[cols + 1];
        rng.FillNormal(start, 0, 1);
        var expected = (float[])start.Clone();
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++) expected[j] += x[r * cols + j];

        foreach (int threads in new[] { 1, 2, 3 })
        {
            var sums = (float[])start.Clone();
            OnThreads.Run(threads, () => { Reduce.AddColumnSums(x, rows, cols, sums.AsSpan(0, cols)); return 0; });
            Assert.True(expected.AsSpan().SequenceEqual(sums), $"column sums of ({rows}, {cols}) on {threads} threads differ from rows added in order");
        }
    }

    [Theory]
    [InlineData(700, 2_048, true)]    // an LSTM layer's gate gradients: one operand, several parts
    [InlineData(700, 2_048, false)]   // a GRU's: two operands
    [InlineData(9, 7, true)]
    [InlineData(7_600, 200, true)]    // a classifier LSTM's, in registers
    [InlineData(50, 123, false)]
    public void TwoSinksGetTheBitsOfTheirOwnCalls(int rows, int cols, bool shared)
    {
        var rng = new Rng(9);
        var a = new float[rows * cols];
        var b = shared ? a : new float[rows * cols];
        rng.FillNormal(a, 0, 1);
        rng.FillNormal(b, 0, 1);
        var startA = new float[cols];
        var startB = new float[cols];
        rng.FillNormal(startA, 0, 1);
        rng.FillNormal(startB, 0, 1);
        var expectedA = (float[])startA.Clone();
        var expectedB = (float[])startB.Clone();
        Reduce.AddColumnSums(a, rows, cols, expectedA);
        Reduce.AddColumnSums(b, rows, cols, expectedB);

        foreach (int threads in new[] { 1, 2, 3 })
        {
            var sumsA = (float[])startA.Clone();
            var sumsB = (float[])startB.Clone();
            OnThreads.Run(threads, () => { Reduce.AddColumnSums(a, sumsA, b, sumsB, rows, cols); return 0; });
            Assert.True(expectedA.AsSpan().SequenceEqual(sumsA), $"first sink of ({rows}, {cols}) on {threads} threads");
            Assert.True(expectedB.AsSpan().SequenceEqual(sumsB), $"second sink of ({rows}, {cols}) on {threads} threads");
        }
    }
}
