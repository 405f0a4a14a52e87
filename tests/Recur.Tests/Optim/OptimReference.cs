// Builds what an optim_*.safetensors case describes: its parameters (initial values, in the file's
// order, as one ParameterSet), its gradients per step, and the optimizer and schedule its config names.
using System.Text.Json;
using Recur.Nn;
using Recur.Optim;
using Recur.Tests.Support;

namespace Recur.Tests.Optim;

static class OptimReference
{
    public static string[] Names(ReferenceCase c) =>
        c.Config.GetProperty("names").EnumerateArray().Select(e => e.GetString()!).ToArray();

    /// <summary>The case's parameters, named as in the file ("a.weight"), holding their initial values.</summary>
    public static ParameterSet Parameters(ReferenceCase c)
    {
        var list = new List<(string, Parameter)>();
        foreach (var name in Names(c))
        {
            var initial = c.Get("initial." + name);
            var p = new Parameter(name, initial.Shape);
            p.Value.CopyFrom(initial.Span);
            list.Add((name, p));
        }
        return new ParameterSet(list);
    }

    /// <summary>Writes step <paramref name="k"/>'s gradients (rows of "grads.&lt;name&gt;") into the set's gradients.</summary>
    public static void SetGrads(ReferenceCase c, ParameterSet set, int k)
    {
        foreach (var (name, p, _) in set.Entries)
            p.Grad.CopyFrom(c.Get("grads." + name).Span.Slice(k * p.Length, p.Length));
    }

    /// <summary>The parameters PyTorch held after step <paramref name="k"/>, in arena order.</summary>
    public static float[] ParamsAfter(ReferenceCase c, ParameterSet set, int k)
    {
        var all = new float[set.Length];
        foreach (var (name, p, offset) in set.Entries)
            c.Get("params." + name).Span.Slice(k * p.Length, p.Length).CopyTo(all.AsSpan(offset));
        return all;
    }

    public static double Num(ReferenceCase c, string key, double fallback) =>
        c.Config.TryGetProperty(key, out var v) ? v.GetDouble() : fallback;

    public static Optimizer Optimizer(ReferenceCase c, ParameterSet set)
    {
        double lr = Num(c, "lr", double.NaN);
        return c.Str("optimizer") switch
        {
            "adam" => new Adam(set, lr, Num(c, "beta1", 0.9), Num(c, "beta2", 0.999), Num(c, "eps", 1e-8),
                Num(c, "weight_decay", 0), c.Bool("amsgrad")),
            "adamw" => new AdamW(set, lr, Num(c, "beta1", 0.9), Num(c, "beta2", 0.999), Num(c, "eps", 1e-8),
                Num(c, "weight_decay", 1e-2), c.Bool("amsgrad")),
            "sgd" => new Sgd(set, lr, Num(c, "momentum", 0), Num(c, "dampening", 0), Num(c, "weight_decay", 0), c.Bool("nesterov")),
            "rmsprop" => new RmsProp(set, lr, Num(c, "alpha", 0.99), Num(c, "eps", 1e-8), Num(c, "weight_decay", 0),
                Num(c, "momentum", 0), c.Bool("centered")),
            var other => throw new InvalidDataException($"{c.Name}: unknown optimizer '{other}'"),
        };
    }

    public static LrScheduler? Scheduler(ReferenceCase c, Optimizer optimizer) =>
        !c.HasKey("scheduler") ? null : c.Str("scheduler") switch
        {
            "steplr" => new StepLr(optimizer, c.Int("step_size"), Num(c, "gamma", double.NaN)),
            "exponentiallr" => new ExponentialLr(optimizer, Num(c, "gamma", double.NaN)),
            var other => throw new InvalidDataException($"{c.Name}: unknown scheduler '{other}'"),
        };

    public static double[] Lrs(ReferenceCase c) =>
        c.Config.GetProperty("lrs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
}
