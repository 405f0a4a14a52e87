// A small fork-join pool for the kernels. Parallel.For allocates per call and wakes slowly; the
// recurrent layers fork hundreds of times per training step, so workers spin briefly before sleeping
// and a call allocates nothing. Parts write disjoint outputs, so results never depend on which
// thread ran which part: a fixed thread count (indeed any count) gives bit-identical results.
using System.Runtime.ExceptionServices;

namespace Recur;

/// <summary>A unit of parallel work split into numbered parts.</summary>
public interface IParallelWork
{
    /// <summary>Runs part <paramref name="part"/> of the work; parts must not write the same memory.</summary>
    void Run(int part);
}

/// <summary>The process-wide pool that runs kernel work on the machine's cores.</summary>
public static class Workers
{
    static Pool pool = new(Environment.ProcessorCount);
    static readonly object configLock = new();

    /// <summary>Threads used by kernels, the calling thread included.</summary>
    public static int Count => pool.Threads;

    /// <summary>Sets the number of threads (1 = run everything on the calling thread).</summary>
    public static void SetThreads(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), "threads must be at least 1");
        lock (configLock)
        {
            if (threads == pool.Threads) return;
            var old = pool;
            pool = new Pool(threads);
            old.Dispose();
        }
    }

    /// <summary>Runs parts 0..parts-1 of <paramref name="work"/> across the pool and waits for all.</summary>
    public static void Run(IParallelWork work, int parts) => pool.Run(work, parts);

    sealed class Pool : IDisposable
    {
        public readonly int Threads;
        readonly Thread[] threads;
        readonly object gate = new();
        [ThreadStatic] static bool insideWork;

        IParallelWork? work;
        int parts, next, pending, busy;
        long generation;
        bool stopping;
        ExceptionDispatchInfo? failure;

        public Pool(int count)
        {
            Threads = count;
            threads = new Thread[count - 1];
            for (int i = 0; i < threads.Length; i++)
            {
                threads[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"recur-worker-{i + 1}" };
                threads[i].Start();
            }
        }

        public void Run(IParallelWork job, int count)
        {
            if (count <= 0) return;
            // Serial when there is one part, no helpers, a nested call, or another caller owns the pool.
            if (count == 1 || threads.Length == 0 || insideWork || Interlocked.Exchange(ref busy, 1) == 1)
            {
                RunInline(job, count);
                return;
            }
            work = job; parts = count; next = 0; failure = null;
            Volatile.Write(ref pending, threads.Length);
            bool replaced;
            lock (gate)
            {
                replaced = stopping;
                if (!replaced) { generation++; Monitor.PulseAll(gate); }
            }
            if (replaced)
            {
                // A pool being replaced (SetThreads on another thread) runs the work here instead.
                Volatile.Write(ref busy, 0);
                RunInline(job, count);
                return;
            }
            RunParts();
            var spin = new SpinWait();
            while (Volatile.Read(ref pending) != 0) spin.SpinOnce(sleep1Threshold: -1);
            work = null;
            var f = failure;
            Volatile.Write(ref busy, 0);
            f?.Throw();
        }

        static void RunInline(IParallelWork job, int count)
        {
            bool outer = insideWork;
            insideWork = true;
            try { for (int p = 0; p < count; p++) job.Run(p); }
            finally { insideWork = outer; }
        }

        void RunParts()
        {
            insideWork = true;
            try
            {
                int p;
                while ((p = Interlocked.Increment(ref next) - 1) < parts) work!.Run(p);
            }
            catch (Exception e)
            {
                failure ??= ExceptionDispatchInfo.Capture(e);
                Volatile.Write(ref next, parts);
            }
            finally { insideWork = false; }
        }

        void WorkerLoop()
        {
            long seen = 0;
            while (true)
            {
                // Spin ~tens of microseconds for the next fork; then sleep until pulsed. A fork issued
                // before Dispose is always served, so its caller never waits on a worker that left.
                for (int i = 0; i < 2000 && Volatile.Read(ref generation) == seen && !Volatile.Read(ref stopping); i++) Thread.SpinWait(20);
                lock (gate)
                {
                    while (generation == seen && !stopping) Monitor.Wait(gate);
                    if (generation == seen) return; // stopping, nothing left to serve
                    seen = generation;
                }
                RunParts();
                Interlocked.Decrement(ref pending);
            }
        }

        public void Dispose()
        {
            lock (gate) { stopping = true; Monitor.PulseAll(gate); }
        }
    }
}
