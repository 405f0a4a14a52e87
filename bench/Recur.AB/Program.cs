// A/B timing of two builds of Recur in one process. This VM's speed drifts ±20 % minute to minute, more
// than most changes win, so separate runs cannot tell them apart; here both builds are loaded side by
// side (one AssemblyLoadContext each) and timed in alternating bursts, so drift hits both alike.
//
//   Recur.AB DIR_A DIR_B SECONDS gemm THREADS NN|NT|TN|TT M N K
//   Recur.AB DIR_A DIR_B SECONDS step THREADS lstm|gru LAYERS HIDDEN INPUT BATCH STEPS
//   Recur.AB DIR_A DIR_B SECONDS linear THREADS ROWS IN OUT
//   Recur.AB DIR_A DIR_B SECONDS loss THREADS ROWS CLASSES
// Each DIR holds a Recur.Core.dll and Recur.AB.Probe.dll (bench/ab.sh builds them from two commits).
using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;

if (args.Length < 5) { Console.Error.WriteLine("usage: Recur.AB DIR_A DIR_B SECONDS gemm|step|linear|loss THREADS ..."); return 2; }
double seconds = double.Parse(args[2]);
string what = args[3];
var rest = args[4..];
var work = new List<Action>();
foreach (var dir in args[..2])
{
    var probe = new BuildContext(dir).LoadFromAssemblyPath(Path.GetFullPath(Path.Combine(dir, "Recur.AB.Probe.dll"))).GetType("Recur.AB.Probe")!;
    object[] call = what switch
    {
        "gemm" => [int.Parse(rest[0]), rest[1][0] == 'T', rest[1][1] == 'T', int.Parse(rest[2]), int.Parse(rest[3]), int.Parse(rest[4])],
        "step" => [int.Parse(rest[0]), rest[1], int.Parse(rest[2]), int.Parse(rest[3]), int.Parse(rest[4]), int.Parse(rest[5]), int.Parse(rest[6])],
        "linear" => [int.Parse(rest[0]), int.Parse(rest[1]), int.Parse(rest[2]), int.Parse(rest[3])],
        "loss" => [int.Parse(rest[0]), int.Parse(rest[1]), int.Parse(rest[2])],
        _ => throw new ArgumentException($"unknown work '{what}'; choose gemm, step, linear or loss"),
    };
    work.Add((Action)probe.GetMethod(char.ToUpperInvariant(what[0]) + what[1..])!.Invoke(null, call)!);
}
foreach (var w in work) { w(); w(); }   // compiled and warm

// Bursts of ~50 ms per side; before each, one untimed call and a pause while the other build's idle
// workers stop spinning.
var times = new List<double>[] { new(), new() };
var clock = Stopwatch.StartNew();
while (clock.Elapsed.TotalSeconds < seconds)
    for (int v = 0; v < 2; v++)
    {
        work[v]();
        Thread.Sleep(5);
        int burst = times[v].Count == 0 ? 1 : Math.Clamp((int)(0.05 / times[v].Min()), 1, 1000);
        for (int i = 0; i < burst; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            work[v]();
            times[v].Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
    }

double flops = what == "gemm" ? 2.0 * int.Parse(rest[2]) * int.Parse(rest[3]) * int.Parse(rest[4]) : 0;
for (int v = 0; v < 2; v++)
{
    var t = times[v].Order().ToArray();
    double best = t[0], median = t[t.Length / 2];
    string rate = flops > 0 ? $", {flops / median / 1e9:0.0} GFLOP/s at the median" : "";
    Console.WriteLine($"{"AB"[v]} {string.Join(' ', args[3..])}: median {median * 1e3:0.000} ms, best {best * 1e3:0.000} ms{rate} ({t.Length} calls; {args[v]})");
}
return 0;

/// <summary>Loads one build's Recur.Core and probe from its directory; everything else from the default context.</summary>
sealed class BuildContext : AssemblyLoadContext
{
    readonly string dir;

    public BuildContext(string dir) : base(dir) => this.dir = dir;

    protected override Assembly? Load(AssemblyName name)
    {
        if (name.Name is not ("Recur.Core" or "Recur.AB.Probe")) return null;
        return LoadFromAssemblyPath(Path.GetFullPath(Path.Combine(dir, name.Name + ".dll")));
    }
}
