// All parameters of a model in two flat arenas (values, gradients), in registration order; a tied
// parameter (the same object under two names) appears once.
// Optimizer state mirrors the arena, so an update is one loop over Length floats. A parameter lives in
// one arena at a time: a newer set made from it takes it, and the older set refuses to be used.
namespace Recur.Nn;

/// <summary>
/// A model's parameters packed contiguously: <see cref="Values"/> and <see cref="Grads"/> are single tensors. Make one
/// set per model and give it to the optimizer and to GradClip: a set made later from the same parameters moves them
/// into its own arenas, and the older set then throws InvalidOperationException when stepped, zeroed or clipped.
/// </summary>
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
        ArgumentNullException.ThrowIfNull(parameters);
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
        members = list.Select(np => np.Parameter).ToArray();
    }

    readonly Parameter[] members;

    /// <summary>Packs every parameter of <paramref name="model"/>.</summary>
    public ParameterSet(Module model) : this((model ?? throw new ArgumentNullException(nameof(model))).NamedParameters()) { }

    /// <summary>Sets every gradient to 0 (backward passes accumulate).</summary>
    public void ZeroGrad()
    {
        ThrowIfTaken();
        Grads.Zero();
    }

    /// <summary>
    /// Refuses a set whose parameters a newer set has taken: its arenas hold copies that no layer reads or writes,
    /// so an update through it would silently train nothing.
    /// </summary>
    internal void ThrowIfTaken()
    {
        foreach (var p in members)
            if (!ReferenceEquals(p.Value.Buffer, Values.Buffer))
                throw new InvalidOperationException("this ParameterSet no longer holds its parameters: another ParameterSet was made from them " +
                    "since, and each set moves the parameters into its own storage, so updating through this one would change nothing; " +
                    "make one ParameterSet per model and give that same set to the optimizer and to GradClip");
    }
}
