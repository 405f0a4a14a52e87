// All parameters of a model in two flat arenas (values, gradients), in registration order; a tied
// parameter (the same object under two names) appears once.
// Optimizer state mirrors the arena, so an update is one loop over Length floats.
namespace Recur.Nn;

/// <summary>A model's parameters packed contiguously: <see cref="Values"/> and <see cref="Grads"/> are single tensors.</summary>
public sealed class ParameterSet
{
    /// <summary>Every parameter value, concatenated in <see cref="Entries"/> order.</summary>
    public Tensor Values { get; }
    /// <summary>Every gradient, concatenated in the same order.</summary>
    public Tensor Grads { get; }
    /// <summary>Full names (e.g. "rnn.weight_ih_l0"), parameters and their offsets in the arena.</summary>
    public IReadOnlyList<(string Name, Parameter Parameter, int Offset)> Entries { get; }
    /// <summary>Number of trained floats: every parameter once, tied ones counted once.</summary>
    public int Length => Values.Length;

    /// <summary>Moves <paramref name="parameters"/> (full name, parameter) into the arenas in order, keeping their values and gradients; a parameter seen before is skipped.</summary>
    public ParameterSet(IEnumerable<(string Name, Parameter Parameter)> parameters)
    {
        // A tied parameter (one object under several names) is packed and trained once, under its first name.
        var seen = new HashSet<Parameter>();
        var list = parameters.Where(np => seen.Add(np.Parameter)).ToList();
        long total = list.Sum(np => (long)np.Parameter.Length);
        if (total > int.MaxValue) throw new ArgumentException("model has more than 2^31 parameters");
        Values = new Tensor((int)total);
        Grads = new Tensor((int)total);
        var entries = new List<(string, Parameter, int)>();
        int offset = 0;
        foreach (var (name, p) in list)
        {
            p.Bind(Values.Slice(offset, p.Shape), Grads.Slice(offset, p.Shape));
            entries.Add((name, p, offset));
            offset += p.Length;
        }
        Entries = entries;
    }

    /// <summary>Packs every parameter of <paramref name="model"/>.</summary>
    public ParameterSet(Module model) : this(model.NamedParameters()) { }

    /// <summary>Sets every gradient to 0 (backward passes accumulate).</summary>
    public void ZeroGrad() => Grads.Zero();
}
