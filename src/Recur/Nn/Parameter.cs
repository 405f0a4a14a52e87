// A trainable tensor and its gradient. Layers create parameters with their own storage; a
// ParameterSet later moves every parameter of a model into one arena, so optimizers, clipping and
// zeroing are single flat loops.
namespace Recur.Nn;

/// <summary>A trainable tensor, its gradient, and its PyTorch name within its module (e.g. "weight_ih_l0").</summary>
public sealed class Parameter
{
    /// <summary>The name within its module ("weight_ih_l0"); <see cref="Module.NamedParameters"/> prefixes the module path.</summary>
    public string Name { get; }
    /// <summary>The values. Re-bound (same contents) when a <see cref="ParameterSet"/> adopts the parameter.</summary>
    public Tensor Value { get; private set; }
    /// <summary>The gradient, same shape; backward passes accumulate (+=) into it.</summary>
    public Tensor Grad { get; private set; }
    /// <summary>The shape of <see cref="Value"/> and <see cref="Grad"/>.</summary>
    public int[] Shape => Value.Shape;
    /// <summary>Number of elements.</summary>
    public int Length => Value.Length;

    /// <summary>A zero-filled parameter and gradient of <paramref name="shape"/>, each in its own pinned storage.</summary>
    public Parameter(string name, params int[] shape)
    {
        Name = name;
        Value = new Tensor(shape);
        Grad = new Tensor(shape);
    }

    /// <summary>Moves the parameter into arena storage, keeping its current values and gradient.</summary>
    internal void Bind(Tensor value, Tensor grad)
    {
        value.CopyFrom(Value.Span);
        grad.CopyFrom(Grad.Span);
        Value = value;
        Grad = grad;
    }
}
