// A small fork-join pool for the kernels. Parallel.For allocates per call and wakes slowly; the
// recurrent layers fork hundreds of times per training step, so workers spin briefly before sleeping
// and a call allocates nothing. Parts write disjoint outputs, so results never depend on which
// thread ran which part: a fixed thread count (indeed any count) gives bit-identical results.
//
// Parts are claimed from a ticket that carries the job's generation in its high half and the next
// part in its low half, and the caller waits for *parts done*, not for workers to check in: a worker
// the OS has not scheduled (a busy machine) simply finds nothing left to do, and the caller never
// waits for it. The ticket is closed (its part set past any count) between jobs and before the first,
// so a worker holding a stale ticket can never claim a part of a job that is not the one it read.
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

    /// <summary>True on a thread running a part, or inside <see cref="Serially"/>: its forks run inline.</summary>
    [ThreadStatic] static bool insideWork;

    /// <summary>Runs parts 0..parts-1 of <paramref name="work"/> across the pool and waits for all.</summary>
    public static void Run(IParallelWork work, int parts) => pool.Run(work, parts);

    /// <summary>
    /// Runs <paramref name="body"/> with every fork it makes on this thread run serially, on this thread: for work
    /// already split at a coarser grain, one piece per thread (an ensemble's models), where forking would put a
    /// third thread on two cores and spin. The bits are the same as ever (parts never depend on who runs them).
    /// </summary>
    public static void Serially(Action body)
    {
        bool outer = insideWork;
        insideWork = true;
        try { body(); }
        finally { insideWork = outer; }
    }

    sealed class Pool : IDisposable
    {
        public readonly int Threads;
        readonly object gate = new();

        IParallelWork? work;
        int parts, busy, done;
        long ticket = Closed; // (generation << 32) | next part to claim
        const long Closed = int.MaxValue; // the part of a ticket no job reaches
        long generation;    // of the job most recently published
        volatile bool stopping;
        ExceptionDispatchInfo? failure;

        public Pool(int count)
        {
            Threads = count;
            for (int i = 1; i < count; i++)
                new Thread(WorkerLoop) { IsBackground = true, Name = $"recur-worker-{i}" }.Start();
        }

        public void Run(IParallelWork job, int count)
        {
            if (count <= 0) return;
            // Serial when there is one part, no helpers, a nested call, or another caller owns the pool.
            if (count == 1 || Threads == 1 || insideWork || stopping || Interlocked.Exchange(ref busy, 1) == 1)
            {
                RunInline(job, count);
                return;
            }
            work = job; parts = count; failure = null;
            Volatile.Write(ref done, 0);
            long gen = generation + 1;
            lock (gate)
            {
                generation = gen;
                Volatile.Write(ref ticket, gen << 32);
                Monitor.PulseAll(gate);
            }
            Claim(gen);
            var spin = new SpinWait();
            while (Volatile.Read(ref done) < count) spin.SpinOnce(sleep1Threshold: -1);
            // Close the ticket before the next caller sets a new part count: a worker that read
            // (gen, count) must not find count < the next job's parts and claim from this ticket.
            Interlocked.Exchange(ref ticket, gen << 32 | Closed);
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

        /// <summary>Claims and runs parts of job <paramref name="gen"/> until none are left.</summary>
        void Claim(long gen)
        {
            insideWork = true;
            try
            {
                while (true)
                {
                    long t = Volatile.Read(ref ticket);
                    if (t >> 32 != gen) return;                    // a later job: this one is over
                    int part = (int)(t & 0xFFFFFFFF);
                    if (part >= parts) return;                      // nothing left to claim
                    if (Interlocked.CompareExchange(ref ticket, t + 1, t) != t) continue;
                    try { work!.Run(part); }
                    catch (Exception e) { Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null); }
                    Interlocked.Increment(ref done);
                }
            }
            finally { insideWork = false; }
        }

        void WorkerLoop()
        {
            long seen = 0;
            while (!stopping)
            {
                // Spin ~tens of microseconds for the next fork; then sleep until pulsed.
                for (int i = 0; i < 2000 && Volatile.Read(ref ticket) >> 32 == seen && !stopping; i++) Thread.SpinWait(20);
                long gen;
                lock (gate)
                {
                    while (generation == seen && !stopping) Monitor.Wait(gate);
                    gen = generation;
                }
                if (gen == seen) continue;   // woken to stop, not for a job
                seen = gen;
                Claim(gen);
            }
        }

        public void Dispose()
        {
            lock (gate) { stopping = true; Monitor.PulseAll(gate); }
        }
    }
}
