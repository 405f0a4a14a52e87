// Recur benchmarks. Usage: dotnet run -c Release --project bench/Recur.Bench -- COMMAND [options]
//   gemm      GEMM GFLOP/s at the layers' shapes, beside OpenBLAS
//   compare   the language-model speed table (Recur vs PyTorch), see docs/performance.md
//   measure CONFIG train|sample1|sample32   one Recur measurement (compare runs these)
//   profile CONFIG [--vocab N], micro       where a training step's time goes (--vocab: a word model's output layer)
//   micro-sample [CONFIG]                   where a batch-1 sampling step's time goes
using Recur.Bench;

const string Usage = "usage: Recur.Bench [gemm | compare [--configs A,B] | measure CONFIG train|sample1|sample32 | profile CONFIG [--vocab N] | micro | micro-sample [CONFIG]] [--threads N] [--seconds S]";
string what = args.Length > 0 ? args[0] : "gemm";
try
{
    int threads = Arg("--threads", Environment.ProcessorCount);
    double seconds = Arg("--seconds", 3.0);
    switch (what)
    {
        case "gemm": GemmBench.Run(threads, seconds); break;
        case "measure": LmBench.Measure(Positional(1, "CONFIG"), Positional(2, "train|sample1|sample32"), seconds, threads); break;
        case "micro": Micro.Run(threads, seconds); break;
        case "micro-sample": MicroSample.Run(threads, seconds, args.Length > 1 && !args[1].StartsWith("--") ? args[1] : "lstm2x512-onehot"); break;
        case "compare": return Compare.Run(Arg("--reps", 3), Arg("--seconds", 10.0), threads,
            (Array.IndexOf(args, "--configs") is int ci and >= 0 ? Positional(ci + 1, "--configs A,B").Split(',') : LmConfig.All.Select(c => c.Name).ToArray()));
        case "profile": Profile.Run(Positional(1, "CONFIG"), Arg("--steps", 5), threads, Arg("--vocab", 0)); break;
        default: Console.Error.WriteLine($"unknown benchmark '{what}'; {Usage}"); return 2;
    }
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"{e.Message}; {Usage}");
    return 2;
}
return 0;

string Positional(int i, string what) =>
    i < args.Length && !args[i].StartsWith("--") ? args[i] : throw new ArgumentException($"missing {what}");

T Arg<T>(string name, T fallback) where T : IParsable<T>
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? T.Parse(args[i + 1], null) : fallback;
}
