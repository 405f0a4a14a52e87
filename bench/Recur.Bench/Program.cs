// Recur benchmarks. Usage: dotnet run -c Release --project bench/Recur.Bench -- COMMAND [options]
//   gemm      GEMM GFLOP/s at the layers' shapes, beside OpenBLAS
//   compare   the language-model speed table (Recur vs PyTorch), see docs/performance.md
//   measure CONFIG train|sample1|sample32   one Recur measurement (compare runs these)
//   profile CONFIG [--vocab N], micro       where a training step's time goes (--vocab: a word model's output layer)
//   micro-sample [CONFIG]                   where a batch-1 sampling step's time goes
using Recur.Bench;

string what = args.Length > 0 ? args[0] : "gemm";
int threads = Arg("--threads", Environment.ProcessorCount);
double seconds = Arg("--seconds", 3.0);
switch (what)
{
    case "gemm": GemmBench.Run(threads, seconds); break;
    case "measure": LmBench.Measure(args[1], args[2], seconds, threads); break;
    case "micro": Micro.Run(threads, seconds); break;
    case "micro-sample": MicroSample.Run(threads, seconds, args.Length > 1 && !args[1].StartsWith("--") ? args[1] : "lstm2x512-onehot"); break;
    case "compare": return Compare.Run(Arg("--reps", 3), Arg("--seconds", 10.0), threads,
        (Array.IndexOf(args, "--configs") is int ci and >= 0 ? args[ci + 1].Split(',') : LmConfig.All.Select(c => c.Name).ToArray()));
    case "profile": Profile.Run(args[1], Arg("--steps", 5), threads, Arg("--vocab", 0)); break;
    default: Console.Error.WriteLine($"unknown benchmark '{what}'; choose gemm or measure"); return 2;
}
return 0;

T Arg<T>(string name, T fallback) where T : IParsable<T>
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? T.Parse(args[i + 1], null) : fallback;
}
