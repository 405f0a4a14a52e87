// A trainable tensor and its gradient. Layers create parameters with their own storage; a
// ParameterSet later moves every parameter of a model into one arena, so optimizers, clipping and
// zeroing are single flat loops.
namespace Recur.Nn;

/// <summary>A trainable tensor, its gradient, and its PyTorch name within its module (e.g. "weight_ih_l0").</summary>
public sealed class Parameter
{
    public string Name { get; }
    /// <summary>The values. Re-bound (same contents) when a <see cref="ParameterSet"/> adopts the parameter.</summary>
    public Tensor Value { get; private set; }
    /// <summary>The gradient, same shape; backward passes accumulate (+=) into it.</summary>
    public Tensor Grad { get; private set; }
    public int[] Shape => Value.Shape;
    public int Length => Value.Length;

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
