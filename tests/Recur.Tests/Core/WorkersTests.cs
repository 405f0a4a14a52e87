// The fork-join pool: every part runs exactly once, failures surface, replacing the pool while other
// threads are forking never strands a caller, SetThreads sets how many threads run parts, and Serially keeps a
// thread's forks on it.
namespace Recur.Tests.Core;

public class WorkersTests
{
    internal sealed class Count(int parts) : IParallelWork
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

}

// Alone: every class that sets the process-wide thread count belongs here, so that no other test changes
// the count under it (a comparison meant for k threads would silently run at another count).
[CollectionDefinition("threads", DisableParallelization = true)]
public class ThreadsCollection;

[Collection("threads")]
public class WorkersThreadCountTests
{
    // The kernels' "any thread count gives the same bits" tests compare runs at two counts; if SetThreads did
    // nothing they would compare a count with itself. One thread runs every part on the caller; k threads run k
    // parts at once (each part waits at a barrier until all k have arrived, which fewer threads never reach).
    // Four threads fork jobs of 1..12 parts while the pool is replaced for two seconds. Before the
    // ticket was closed between jobs, a worker of a pool disposed before its first job claimed parts
    // under generation 0, and a worker holding the last job's ticket claimed parts of the next: within
    // two seconds parts ran twice, or on a job already cleared (NullReferenceException), every time.
    [Fact]
    public async Task ReplacingThePoolWhileForkingRunsEveryPartOnceAndNeverHangs()
    {
        int saved = Workers.Count;
        using var stop = new CancellationTokenSource();
        var forks = Enumerable.Range(0, 4).Select(seed => Task.Factory.StartNew(() =>
        {
            var random = new Random(seed);
            while (!stop.IsCancellationRequested)
            {
                int parts = 1 + random.Next(12);
                var work = new WorkersTests.Count(parts);
                Workers.Run(work, parts);
                Assert.All(work.Hits, h => Assert.Equal(1, h));
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int i = 0; clock.Elapsed < TimeSpan.FromSeconds(2) && !forks.Any(f => f.IsCompleted); i++)
                Workers.SetThreads(1 + i % 3);
            stop.Cancel();
            var all = Task.WhenAll(forks);
            var first = await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30)));
            Assert.True(first == all, "a fork was stranded by a pool replacement");
            await all; // its assertion failures, if any
        }
        finally { Workers.SetThreads(saved); }
    }

    [Fact]
    public void SetThreadsSetsHowManyPartsRunAtOnce()
    {
        int saved = Workers.Count;
        try
        {
            Workers.SetThreads(1);
            Assert.Equal(1, Workers.Count);
            var threads = new int[6];
            Workers.Run(new Recording(threads), threads.Length);
            Assert.All(threads, id => Assert.Equal(Environment.CurrentManagedThreadId, id));

            foreach (int k in new[] { 2, 3 })
            {
                Workers.SetThreads(k);
                Assert.Equal(k, Workers.Count);
                var meet = new Meeting(k);
                Workers.Run(meet, k);
                Assert.True(meet.Met.All(m => m), $"{k} threads: only {meet.Met.Count(m => m)} of {k} parts ran at once");
            }
        }
        finally { Workers.SetThreads(saved); }
    }

    [Fact]
    public void SeriallyRunsEveryForkOnTheCallingThread()
    {
        int saved = Workers.Count;
        try
        {
            Workers.SetThreads(2);
            var threads = new int[6];
            // Two parts that wait 300 ms for each other: run one after the other, neither meets the other.
            var apart = new Meeting(2, TimeSpan.FromMilliseconds(300));
            Workers.Serially(() =>
            {
                Workers.Serially(() => { });   // nested: the outer scope still holds after it
                Workers.Run(new Recording(threads), threads.Length);
                Workers.Run(apart, 2);
            });
            Assert.All(threads, id => Assert.Equal(Environment.CurrentManagedThreadId, id));
            Assert.False(apart.Met.Any(m => m), "inside Serially, two parts ran at once");
            // Outside the scope forks use the pool again: two parts meet on two threads.
            var meet = new Meeting(2);
            Workers.Run(meet, 2);
            Assert.True(meet.Met.All(m => m), "after Serially, the two parts did not run at once");
        }
        finally { Workers.SetThreads(saved); }
    }

    sealed class Recording(int[] threads) : IParallelWork
    {
        public void Run(int part) => threads[part] = Environment.CurrentManagedThreadId;
    }

    sealed class Meeting(int parts, TimeSpan? wait = null) : IParallelWork
    {
        readonly Barrier barrier = new(parts);
        public readonly bool[] Met = new bool[parts];
        public void Run(int part) => Met[part] = barrier.SignalAndWait(wait ?? TimeSpan.FromSeconds(20));
    }
}
