// Test code at a given kernel thread count, with the process-wide count put back after. Tests that use it
// belong to the "threads" collection, which xunit runs alone, so no other test changes the count meanwhile.
namespace Recur.Tests.Support;

static class OnThreads
{
    public static T Run<T>(int threads, Func<T> body)
    {
        int saved = Workers.Count;
        Workers.SetThreads(threads);
        try { return body(); }
        finally { Workers.SetThreads(saved); }
    }
}
