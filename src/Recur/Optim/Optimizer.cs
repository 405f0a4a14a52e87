// The base of every optimizer: it updates a ParameterSet's values arena from its gradients arena in
// flat loops, and keeps its per-value state (moments, momentum buffers) in arenas that mirror the
// parameter arena, so state for parameter "rnn.weight_ih_l0" is the same slice of every arena.
// State exports per parameter as "<state>.<parameter>" (PyTorch's state keys: "exp_avg.rnn.weight_ih_l0")
// plus "step", so a checkpoint restores a run that continues bit for bit.
// The learning rate is not part of this state: it is a setting, owned by the caller or an LrScheduler
// (whose own state replays it exactly).
using Recur.IO;
using Recur.Nn;

namespace Recur.Optim;

/// <summary>An optimizer over one <see cref="ParameterSet"/> (PyTorch's torch.optim.Optimizer with a single parameter group).</summary>
public abstract class Optimizer
{
    readonly List<(string Name, Tensor Arena)> states = [];
    double learningRate;

    /// <summary>The parameters updated by <see cref="Step"/>.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>PyTorch's lr. Kept in double, as Python keeps it; each update rounds what it derives from it to float once.</summary>
    public double LearningRate
    {
        get => learningRate;
        set => learningRate = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), $"learning rate {value} is negative");
    }

    /// <summary>Number of completed <see cref="Step"/> calls (PyTorch's state "step").</summary>
    public long StepCount { get; private set; }

    /// <summary>An optimizer over <paramref name="parameters"/> (ArgumentNullException for null) at <paramref name="learningRate"/> (ArgumentOutOfRangeException when negative or NaN).</summary>
    protected Optimizer(ParameterSet parameters, double learningRate)
    {
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        LearningRate = learningRate;
    }

    /// <summary>
    /// Updates every parameter from its gradient. Gradients are read, never changed; nothing is allocated.
    /// InvalidOperationException when a newer <see cref="ParameterSet"/> has taken the parameters.
    /// </summary>
    public void Step()
    {
        Parameters.ThrowIfTaken();
        StepCount++;
        Update(StepCount);
        // The state tensors are this optimizer's alone and Update hands their pointers to a kernel: a caller done
        // with it (new Adam(set).Step()) must not let a collection free them mid-pass (see Tensor.Ptr).
        GC.KeepAlive(this);
    }

    /// <summary>Zeroes every gradient (PyTorch's zero_grad with set_to_none=False).</summary>
    public void ZeroGrad() => Parameters.ZeroGrad();

    /// <summary>One update; <paramref name="step"/> counts from 1 (PyTorch increments its step before using it).</summary>
    protected abstract void Update(long step);

    /// <summary>Registers a zeroed state arena named as PyTorch names the state (e.g. "exp_avg").</summary>
    protected Tensor AddState(string name)
    {
        var arena = new Tensor(Parameters.Length);
        states.Add((name, arena));
        return arena;
    }

    /// <summary>"step" (int64 scalar) and a copy of every state tensor, named "&lt;state&gt;.&lt;parameter&gt;" and shaped as the parameter.</summary>
    public IEnumerable<(string Name, TensorData Data)> State()
    {
        yield return ("step", new TensorData([StepCount]));
        foreach (var (stateName, arena) in states)
            foreach (var (name, p, offset) in Parameters.Entries)
                yield return ($"{stateName}.{name}", TensorData.From(arena.Slice(offset, p.Shape)));
    }

    /// <summary>
    /// Restores what <see cref="State"/> exported. Every name, shape and type is checked before anything is
    /// written; a missing or unexpected name is an error, so state from another model or optimizer never half-loads.
    /// </summary>
    public void LoadState(IReadOnlyDictionary<string, TensorData> state)
    {
        var problems = new List<string>();
        var expected = new HashSet<string> { "step" };
        if (!state.TryGetValue("step", out var step)) problems.Add("missing 'step'");
        else if (step.DType != DType.I64 || step.Length != 1 || step.Longs![0] < 0) problems.Add("'step' is not one non-negative int64");
        foreach (var (stateName, _) in states)
            foreach (var (name, p, _) in Parameters.Entries)
            {
                string key = $"{stateName}.{name}";
                expected.Add(key);
                if (!state.TryGetValue(key, out var d)) problems.Add($"missing '{key}'");
                else if (d.DType != DType.F32) problems.Add($"'{key}' is {d.DType}, expected F32");
                else if (!d.Shape.AsSpan().SequenceEqual(p.Shape))
                    problems.Add($"'{key}' has shape {Tensor.ShapeString(d.Shape)}, expected {Tensor.ShapeString(p.Shape)}");
            }
        foreach (var key in state.Keys)
            if (!expected.Contains(key)) problems.Add($"unexpected '{key}'");
        if (problems.Count > 0)
            throw new FormatException($"optimizer state does not fit this {GetType().Name.ToLowerInvariant()} optimizer: " + string.Join("; ", problems.Take(8)) +
                (problems.Count > 8 ? $"; and {problems.Count - 8} more" : ""));

        StepCount = state["step"].Longs![0];
        foreach (var (stateName, arena) in states)
            foreach (var (name, p, offset) in Parameters.Entries)
                arena.Slice(offset, p.Shape).CopyFrom(state[$"{stateName}.{name}"].Floats!);
    }

    /// <summary>Returns <paramref name="value"/>; throws unless it lies in [low, high), or [low, high] when <paramref name="inclusive"/> (NaN never does).</summary>
    protected static double Require(double value, string name, double low, double high, bool inclusive = false)
    {
        bool ok = value >= low && (inclusive ? value <= high : value < high);
        if (!ok)
            throw new ArgumentOutOfRangeException(name, high == double.MaxValue && inclusive
                ? $"{name} = {value} must be {(low == 0 ? "0 or more" : $"at least {low}")}"
                : $"{name} = {value} is outside [{low}, {high}{(inclusive ? "]" : ")")}");
        return value;
    }
}
