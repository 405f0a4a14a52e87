// The base of every layer and model: named parameters, buffers and child modules, giving the
// dotted PyTorch names ("rnn.weight_ih_l0", "bn.running_mean") of a state dict.
using Recur.IO;

namespace Recur.Nn;

/// <summary>A layer or model: parameters, buffers (non-trained state), children, and train/eval mode.</summary>
public abstract class Module
{
    readonly List<Parameter> parameters = [];
    readonly List<(string Name, Func<TensorData> Get, Action<TensorData> Set, int[] Shape, DType DType)> buffers = [];
    readonly List<(string Name, Module Child)> children = [];

    /// <summary>True in training mode (dropout active, batch norm uses batch statistics).</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Sets training mode on this module and all children.</summary>
    public void Train(bool training = true)
    {
        Training = training;
        OnTrainingChanged(training);
        foreach (var (_, child) in children) child.Train(training);
    }

    /// <summary>Called by <see cref="Train"/> (e.g. to drop weights packed for inference).</summary>
    protected virtual void OnTrainingChanged(bool training) { }

    /// <summary>Evaluation mode: the same as Train(false).</summary>
    public void Eval() => Train(false);

    /// <summary>Registers a zero-filled parameter under <paramref name="name"/> (non-empty, no '.', unique in this module); fill it after.</summary>
    protected Parameter AddParameter(string name, params int[] shape)
    {
        CheckNewName(name);
        var p = new Parameter(name, shape);
        parameters.Add(p);
        return p;
    }

    /// <summary>
    /// Puts <paramref name="shared"/> (another module's parameter of the same name and shape) in the place
    /// of this module's <paramref name="own"/>: weight tying. The state dict then lists the one tensor under
    /// both names, as PyTorch's does, and a ParameterSet trains it once.
    /// </summary>
    protected void ShareParameter(Parameter own, Parameter shared)
    {
        int i = parameters.IndexOf(own);
        if (i < 0) throw new ArgumentException($"'{own.Name}' is not a parameter of {GetType().Name}");
        if (shared.Name != own.Name || !shared.Shape.AsSpan().SequenceEqual(own.Shape))
            throw new ArgumentException($"cannot tie '{own.Name}' {Tensor.ShapeString(own.Shape)} to '{shared.Name}' {Tensor.ShapeString(shared.Shape)}");
        parameters[i] = shared;
    }

    /// <summary>Registers a float buffer saved in the state dict but not trained (e.g. running_mean).</summary>
    protected void AddBuffer(string name, Tensor buffer)
    {
        CheckNewName(name);
        buffers.Add((name, () => TensorData.From(buffer), d => buffer.CopyFrom(d.Floats!), buffer.Shape, DType.F32));
    }

    /// <summary>Registers a scalar int64 buffer (e.g. num_batches_tracked).</summary>
    protected void AddCounter(string name, Func<long> get, Action<long> set)
    {
        CheckNewName(name);
        buffers.Add((name, () => new TensorData([get()]), d => set(d.Longs![0]), [], DType.I64));
    }

    /// <summary>Registers <paramref name="child"/> under <paramref name="name"/> (its parameters become "name.…"), sets it to this module's mode, and returns it.</summary>
    protected T AddChild<T>(string name, T child) where T : Module
    {
        CheckNewName(name);
        children.Add((name, child));
        child.Train(Training);
        return child;
    }

    /// <summary>State-dict names are dotted paths, so a name is non-empty, dot-free and unique within its module.</summary>
    void CheckNewName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"'{name}' cannot name a parameter, buffer or child: names are non-empty and contain no '.'");
        if (parameters.Any(p => p.Name == name) || buffers.Any(b => b.Name == name) || children.Any(c => c.Name == name))
            throw new ArgumentException($"'{name}' is already registered in {GetType().Name}");
    }

    /// <summary>Parameters of this module and its children with dotted names, in registration order.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> NamedParameters(string prefix = "")
    {
        foreach (var p in parameters) yield return (prefix + p.Name, p);
        foreach (var (name, child) in children)
            foreach (var item in child.NamedParameters(prefix + name + ".")) yield return item;
    }

    /// <summary>
    /// The first parameter value that is NaN or infinite (a damaged file, a diverged run's weights): its
    /// parameter's dotted name, the parameter, the index and the value; null when every value is finite.
    /// </summary>
    public (string Name, Parameter Parameter, int Index, float Value)? FirstNonFinite()
    {
        foreach (var (name, p) in NamedParameters())
        {
            var values = p.Value.Span;
            for (int i = 0; i < values.Length; i++)
                if (!float.IsFinite(values[i])) return (name, p, i, values[i]);
        }
        return null;
    }

    /// <summary>"tensor 'fc.bias' holds NaN at element 3 of 10" for the first value that is not finite, or null.</summary>
    public string? DescribeNonFinite() => FirstNonFinite() is { } bad
        ? $"tensor '{bad.Name}' holds {(float.IsNaN(bad.Value) ? "NaN" : bad.Value > 0 ? "+infinity" : "-infinity")} at element {bad.Index} of {bad.Parameter.Length}"
        : null;

    /// <summary>Total number of trainable values (a tied parameter counts once).</summary>
    public long ParameterCount() => NamedParameters().Select(p => p.Parameter).Distinct().Sum(p => (long)p.Length);

    /// <summary>Every parameter and buffer with its dotted name: what PyTorch's state_dict() holds.</summary>
    public IEnumerable<(string Name, TensorData Data)> StateDict(string prefix = "")
    {
        foreach (var p in parameters) yield return (prefix + p.Name, TensorData.From(p.Value));
        foreach (var b in buffers) yield return (prefix + b.Name, b.Get());
        foreach (var (name, child) in children)
            foreach (var item in child.StateDict(prefix + name + ".")) yield return item;
    }

    /// <summary>
    /// Copies values from a state dict. Every name, dtype and shape is checked before anything is
    /// written, so on failure the module is unchanged. With <paramref name="strict"/>, missing and
    /// unexpected names are errors (PyTorch's strict=True); a present name of the wrong shape or dtype
    /// is an error either way. Throws <see cref="InvalidDataException"/> naming each problem.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, TensorData> state, bool strict = true)
    {
        var targets = new List<(string Name, int[] Shape, DType DType, Action<TensorData> Set)>();
        Collect("", targets);
        var problems = new List<string>();
        var known = new HashSet<string>();
        foreach (var (name, shape, dtype, _) in targets)
        {
            known.Add(name);
            if (!state.TryGetValue(name, out var d)) { if (strict) problems.Add($"missing {Q(name)}"); continue; }
            if (d.DType != dtype) problems.Add($"{Q(name)} is {d.DType}, expected {dtype}");
            else if (!d.Shape.AsSpan().SequenceEqual(shape))
                problems.Add($"{Q(name)} has shape {Tensor.ShapeString(d.Shape)}, expected {Tensor.ShapeString(shape)}");
        }
        if (strict)
            foreach (var name in state.Keys)
                if (!known.Contains(name)) problems.Add($"unexpected {Q(name)}");
        // A tied parameter appears under several names; they must hold the same values.
        foreach (var group in NamedParameters().GroupBy(p => p.Parameter).Where(g => g.Count() > 1))
        {
            var names = group.Select(p => p.Name).Where(state.ContainsKey).ToList();
            for (int i = 1; i < names.Count; i++)
                if (!state[names[0]].Floats.AsSpan().SequenceEqual(state[names[i]].Floats))
                    problems.Add($"{Q(names[i])} should equal {Q(names[0])} (the weights are tied) but differs");
        }
        if (problems.Count > 0)
            throw new InvalidDataException("state dict does not fit the model: " + string.Join("; ", problems.Take(8)) +
                (problems.Count > 8 ? $"; and {problems.Count - 8} more" : "") +
                " (was it saved from a model with another configuration?)");
        foreach (var (name, _, _, set) in targets)
            if (state.TryGetValue(name, out var d)) set(d);
    }

    static string Q(string name) => ErrorText.Quote(name);

    void Collect(string prefix, List<(string, int[], DType, Action<TensorData>)> into)
    {
        foreach (var p in parameters)
        {
            var param = p;
            into.Add((prefix + p.Name, p.Shape, DType.F32, d => param.Value.CopyFrom(d.Floats!)));
        }
        foreach (var b in buffers) into.Add((prefix + b.Name, b.Shape, b.DType, b.Set));
        foreach (var (name, child) in children) child.Collect(prefix + name + ".", into);
    }
}
