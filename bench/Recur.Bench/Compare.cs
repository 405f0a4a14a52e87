// The speed table of docs/performance.md: every configuration measured in fresh processes, Recur and
// PyTorch alternating, several repetitions (median kept), then Recur/PyTorch ratios, Recur's effective
// GFLOP/s, and OpenBLAS's sgemm rate measured in the same run as the machine's yardstick.
// Usage: dotnet run -c Release --project bench/Recur.Bench -- compare [--reps 3] [--seconds 10] [--threads 2] [--configs a,b]
using System.Diagnostics;
using System.Text.Json;

namespace Recur.Bench;

static class Compare
{
    static readonly string[] Measurements = ["train", "sample1", "sample32"];

    public static int Run(int reps, double seconds, int threads, string[] configs)
    {
        string here = AppContext.BaseDirectory;
        string torchScript = Path.GetFullPath(Path.Combine(here, "..", "..", "..", "..", "torch_lm.py"));
        string data = Path.GetDirectoryName(Path.GetFullPath(LmBench.Corpus))!;
        bool torch = File.Exists("/usr/bin/python3") && Probe("/usr/bin/python3", ["-c", "import torch"]);
        if (!torch) Console.Error.WriteLine("PyTorch not found (apt-get install -y python3-torch libopenblas0-pthread); reporting Recur only");
        var results = new Dictionary<(string, string, string), List<(double Rate, double Mb)>>();
        foreach (var config in configs)
            foreach (var what in Measurements)
                for (int r = 0; r < reps; r++)
                {
                    Add(results, (config, what, "recur"), RunJson("dotnet", [Path.Combine(here, "Recur.Bench.dll"), "measure", config, what, "--seconds", seconds.ToString(), "--threads", threads.ToString()], data));
                    if (torch) Add(results, (config, what, "torch"), RunJson("/usr/bin/python3", [torchScript, config, what, "--seconds", seconds.ToString(), "--threads", threads.ToString(), "--data", data], data));
                    Console.Error.Write('.');
                }
        var layer = LmConfig.Layer512.Name;
        for (int r = 0; r < reps; r++)
        {
            Add(results, (layer, "layer", "recur"), RunJson("dotnet", [Path.Combine(here, "Recur.Bench.dll"), "measure", layer, "layer", "--seconds", seconds.ToString(), "--threads", threads.ToString()], data));
            if (torch) Add(results, (layer, "layer", "torch"), RunJson("/usr/bin/python3", [torchScript, layer, "layer", "--seconds", seconds.ToString(), "--threads", threads.ToString(), "--data", data], data));
        }
        Console.Error.WriteLine();
        var blas = OpenBlasRates(threads);

        // Character models read tinyshakespeare and sample characters; word models read War and Peace and sample words.
        bool words = configs.Any(c => LmConfig.Find(c).Words), chars = configs.Any(c => !LmConfig.Find(c).Words);
        string corpus = (chars ? "tinyshakespeare" : "") + (chars && words ? " (the word model: War and Peace)" : words ? "War and Peace" : "");
        string unit = (chars ? "characters" : "") + (chars && words ? " or " : "") + (words ? "words" : "");
        Console.WriteLine($"Median of {reps} runs of {seconds:0.##} s each, {threads} threads, {corpus}. Rates: training tokens/s; sampling {unit}/s (all streams).");
        Console.WriteLine();
        Console.WriteLine("| configuration | measure | Recur | PyTorch | Recur / PyTorch | Recur peak MB | PyTorch peak MB |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        foreach (var config in configs)
            foreach (var what in Measurements)
            {
                var (rr, rm) = Median(results[(config, what, "recur")]);
                var (tr, tm) = torch ? Median(results[(config, what, "torch")]) : (double.NaN, double.NaN);
                string label = what == "train" ? "training" : what == "sample1" ? "sampling, batch 1" : "sampling, batch 32";
                Console.WriteLine($"| {config} | {label} | {rr:N0} | {Show(tr)} | {(torch ? (rr / tr).ToString("0.0") + "×" : "n/a")} | {rm:N0} | {Show(tm)} |");
            }
        {
            var (rr, rm) = Median(results[(layer, "layer", "recur")]);
            var (tr, tm) = torch ? Median(results[(layer, "layer", "torch")]) : (double.NaN, double.NaN);
            Console.WriteLine($"| {layer} | forward + backward | {rr:N0} | {Show(tr)} | {(torch ? (rr / tr).ToString("0.0") + "×" : "n/a")} | {rm:N0} | {Show(tm)} |");
        }
        Console.WriteLine();
        Console.WriteLine("| configuration | FLOP per training token | Recur effective GFLOP/s |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var config in configs)
        {
            var c = LmConfig.Find(config);
            var (rr, _) = Median(results[(config, "train", "recur")]);
            Console.WriteLine($"| {config} | {c.TrainFlopsPerToken / 1e6:0.0} M | {c.TrainFlopsPerToken * rr / 1e9:0.0} |");
        }
        Console.WriteLine();
        foreach (var (shape, rate) in blas) Console.WriteLine($"OpenBLAS sgemm {shape}: {rate:0.0} GFLOP/s (same run, {threads} threads)");
        return 0;
    }

    static string Show(double v) => double.IsNaN(v) ? "n/a" : v.ToString("N0");

    static void Add(Dictionary<(string, string, string), List<(double, double)>> d, (string, string, string) key, JsonElement? json)
    {
        if (!d.TryGetValue(key, out var list)) d[key] = list = [];
        if (json is { } j) list.Add((j.GetProperty("rate").GetDouble(), j.GetProperty("peak_mb").GetDouble()));
    }

    static (double, double) Median(List<(double Rate, double Mb)> xs)
    {
        if (xs.Count == 0) return (double.NaN, double.NaN);
        var r = xs.Select(x => x.Rate).Order().ToArray();
        var m = xs.Select(x => x.Mb).Order().ToArray();
        return (r[r.Length / 2], m[m.Length / 2]);
    }

    static JsonElement? RunJson(string exe, string[] args, string data)
    {
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["RECUR_DATA"] = data;
        using var p = Process.Start(info)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        var line = output.Split('\n').LastOrDefault(l => l.StartsWith('{'));
        if (p.ExitCode != 0 || line == null)
        {
            Console.Error.WriteLine($"{exe} {string.Join(' ', args)} failed: {error.Trim()}");
            return null;
        }
        return JsonDocument.Parse(line).RootElement.Clone();
    }

    static bool Probe(string exe, string[] args)
    {
        try { return RunJsonExit(exe, args) == 0; } catch (System.ComponentModel.Win32Exception) { return false; }
    }

    static int RunJsonExit(string exe, string[] args)
    {
        var info = new ProcessStartInfo(exe) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        p.WaitForExit();
        return p.ExitCode;
    }

    static unsafe List<(string, double)> OpenBlasRates(int threads)
    {
        var rates = new List<(string, double)>();
        if (!OpenBlas.Available) return rates;
        OpenBlas.SetThreads(threads);
        var rng = new Rng(1);
        foreach (var (m, n, k, tb) in new[] { (64, 2048, 512, true), (6400, 2048, 512, true), (1024, 1024, 1024, false) })
        {
            var a = new Tensor(m * k); var b = new Tensor(k * n); var c = new Tensor(m * n);
            rng.FillUniform(a.Span, -1, 1); rng.FillUniform(b.Span, -1, 1);
            double s = GemmBench.Time(() => OpenBlas.Sgemm(false, tb, m, n, k, 1, a.Ptr, k, b.Ptr, tb ? k : n, 0, c.Ptr, n), 2);
            rates.Add(($"{m}×{n}×{k}", 2.0 * m * n * k / s / 1e9));
        }
        return rates;
    }
}
