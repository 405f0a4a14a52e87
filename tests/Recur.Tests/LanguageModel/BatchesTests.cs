// The two batch layouts: stateful streams continue across batches; windows cover every start once per epoch,
// in an order shuffled by the epoch's seed.
using Recur.LanguageModel;

namespace Recur.Tests.LanguageModel;

public class BatchesTests
{
    static readonly int[] Text = Enumerable.Range(0, 101).ToArray();

    [Fact]
    public void StatefulStreamsContinueAcrossBatches()
    {
        var b = new Batches(Text, Batching.Stateful, batch: 4, steps: 5);
        Assert.Equal(5, b.PerEpoch); // (101 - 1) / 4 = 25 per stream, 5 batches of 5
        b.Fill(0);
        var first = b.Input.ToArray();
        b.Fill(1);
        for (int n = 0; n < 4; n++)
        {
            Assert.Equal(first[4 * 4 + n] + 1, b.Input[n]); // stream n's step 5 follows its step 4
            for (int t = 0; t < 5; t++) Assert.Equal(b.Input[t * 4 + n] + 1, b.Target[t * 4 + n]);
        }
        Assert.Equal(new[] { 0, 25, 50, 75 }, first.Take(4));
    }

    [Fact]
    public void WindowsCoverEveryStartOncePerEpoch()
    {
        var b = new Batches(Text, Batching.Windows, batch: 8, steps: 4);
        Assert.Equal((101 - 4) / 8, b.PerEpoch);
        b.StartEpoch(42);
        var starts = new List<int>();
        for (int i = 0; i < b.PerEpoch; i++)
        {
            b.Fill(i);
            starts.AddRange(b.Input.Take(8));
            for (int k = 0; k < b.Input.Length; k++) Assert.Equal(b.Input[k] + 1, b.Target[k]);
        }
        Assert.Equal(starts.Count, starts.Distinct().Count());
        Assert.All(starts, s => Assert.InRange(s, 0, 101 - 4 - 1));   // 97 starts leave a target after each window
        Assert.NotEqual(starts.Order(), starts);                        // shuffled, not read in order
        b.StartEpoch(42);
        b.Fill(0);
        Assert.Equal(starts.Take(8), b.Input.Take(8)); // same seed, same order
        b.StartEpoch(43);
        b.Fill(0);
        Assert.NotEqual(starts.Take(8), b.Input.Take(8)); // each epoch's seed its own order
    }

    [Fact]
    public void TooShortTextIsRefusedClearly()
    {
        var e = Assert.Throws<ArgumentException>(() => new Batches(Enumerable.Range(0, 50).ToArray(), Batching.Stateful, 64, 100));
        Assert.Contains("lower --batch or --seq", e.Message);
        Assert.Contains("which needs 6,401", e.Message);
        Assert.Equal(104, Batches.Needed(Batching.Windows, 4, 100));
        // One token makes no batch at any size: lowering --batch or --seq cannot help.
        e = Assert.Throws<ArgumentException>(() => new Batches([7], Batching.Windows, 1, 1));
        Assert.DoesNotContain("lower --batch", e.Message);
    }
}
