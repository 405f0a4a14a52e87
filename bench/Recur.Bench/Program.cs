// Recur benchmarks. Usage: dotnet run -c Release --project bench/Recur.Bench -- gemm [--threads N] [--seconds S]
using Recur.Bench;

string what = args.Length > 0 ? args[0] : "gemm";
int threads = Arg("--threads", Environment.ProcessorCount);
double seconds = Arg("--seconds", 3.0);
switch (what)
{
    case "gemm": GemmBench.Run(threads, seconds); break;
    default: Console.Error.WriteLine($"unknown benchmark '{what}'; choose gemm"); return 2;
}
return 0;

T Arg<T>(string name, T fallback) where T : IParsable<T>
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? T.Parse(args[i + 1], null) : fallback;
}
