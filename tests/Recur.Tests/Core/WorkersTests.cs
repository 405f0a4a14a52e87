// The fork-join pool: every part runs exactly once, failures surface, and replacing the pool while
// other threads are forking never strands a caller.
namespace Recur.Tests.Core;

public class WorkersTests
{
    sealed class Count(int parts) : IParallelWork
    {
        public readonly int[] Hits = new int[parts];
        public void Run(int part) => Interlocked.Increment(ref Hits[part]);
    }

    sealed class Throw : IParallelWork
    {
        public void Run(int part) { if (part == 3) throw new InvalidOperationException("part 3"); }
    }

    [Fact]
    public void EveryPartRunsOnce()
    {
        for (int parts = 1; parts < 40; parts++)
        {
            var work = new Count(parts);
            Workers.Run(work, parts);
            Assert.All(work.Hits, h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void FailureReachesTheCaller()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Workers.Run(new Throw(), 8));
        Assert.Equal("part 3", e.Message);
        var work = new Count(4);
        Workers.Run(work, 4); // the pool still works afterwards
        Assert.All(work.Hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public async Task ReplacingThePoolWhileForkingNeverHangs()
    {
        int saved = Workers.Count;
        using var stop = new CancellationTokenSource();
        var forks = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var work = new Count(6);
                Workers.Run(work, 6);
                Assert.All(work.Hits, h => Assert.Equal(1, h));
            }
        });
        try
        {
            for (int i = 0; i < 300; i++) Workers.SetThreads(1 + i % 3);
            stop.Cancel();
            var first = await Task.WhenAny(forks, Task.Delay(TimeSpan.FromSeconds(30)));
            Assert.True(first == forks, "a fork was stranded by a pool replacement");
            await forks; // its assertion failures, if any
        }
        finally { Workers.SetThreads(saved); }
    }
}
