// RECUR_GC_NOISE=1: a thread that collects garbage continuously while the tests run, refilling the freed pinned memory
// with NaN. A kernel that was handed only the pointer of a tensor nobody keeps alive (see Tensor.Ptr) then reads NaN
// or faults, instead of passing unless another test's allocation happens to strike mid-call. Run it with
// DOTNET_TieredCompilation=0, so that every method is optimised and a local dies at its last use from the start.
using System.Runtime.CompilerServices;

namespace Recur.Tests;

static class GcNoise
{
    /// <summary>True when the noise runs: collections then happen whatever a test does.</summary>
    public static readonly bool On = Environment.GetEnvironmentVariable("RECUR_GC_NOISE") == "1";

    [ModuleInitializer]
    internal static void Start()
    {
        if (!On) return;
        var thread = new Thread(Run) { IsBackground = true, Name = "gc noise" };
        thread.Start();
    }

    static void Run()
    {
        var kept = new List<float[]>();
        while (true)
        {
            // Pinned arrays of a few sizes land in the pinned heap where freed tensors were.
            for (int i = 0; i < 16; i++)
            {
                var a = GC.AllocateArray<float>(256 << (i % 8), pinned: true);
                Array.Fill(a, float.NaN);
                kept.Add(a);
            }
            if (kept.Count > 256) kept.Clear();
            GC.Collect();
            Thread.Sleep(1);
        }
    }
}
