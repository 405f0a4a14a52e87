// Element-wise activation layers, PyTorch's nn.ReLU, nn.Sigmoid and nn.Tanh, over any shape (...).
// Each keeps its output y for backward, since every derivative here is a function of y:
// relu' = [y > 0], sigmoid' = y(1 - y), tanh' = 1 - y². Kernels live in Kernels/Activations.
using Recur.Kernels;

namespace Recur.Nn;

/// <summary>The shared body of an element-wise activation layer without parameters.</summary>
public abstract class Activation : Module
{
    Tensor? output;   // (...) y, kept for backward
    Tensor? dInput;   // (...)

    /// <summary>y = f(x), same shape, owned by the layer until the next call.</summary>
    public Tensor Forward(Tensor x)
    {
        var y = Workspace.EnsureShape(ref output, x.Shape);
        Apply(x.Span, y.Span);
        return y;
    }

    /// <summary>dx = dy · f'(x), from the kept output; owned by the layer.</summary>
    public Tensor Backward(Tensor dy)
    {
        var y = output ?? throw new InvalidOperationException("Backward before Forward");
        if (!dy.SameShape(y)) throw new ArgumentException($"dy is {Tensor.ShapeString(dy.Shape)}, expected {Tensor.ShapeString(y.Shape)}");
        var dx = Workspace.EnsureShape(ref dInput, y.Shape);
        ApplyBackward(y.Span, dy.Span, dx.Span);
        return dx;
    }

    private protected abstract void Apply(ReadOnlySpan<float> x, Span<float> y);
    private protected abstract void ApplyBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx);
}

/// <summary>y = max(x, 0) (nn.ReLU); the gradient at x = 0 is 0, as in PyTorch.</summary>
public sealed class ReLU : Activation
{
    private protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => Activations.Relu(x, y);
    private protected override void ApplyBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Activations.ReluBackward(y, dy, dx);
}

/// <summary>y = 1 / (1 + e^-x) (nn.Sigmoid).</summary>
public sealed class Sigmoid : Activation
{
    private protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => Activations.Sigmoid(x, y);
    private protected override void ApplyBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Activations.SigmoidBackward(y, dy, dx);
}

/// <summary>y = tanh(x) (nn.Tanh).</summary>
public sealed class Tanh : Activation
{
    private protected override void Apply(ReadOnlySpan<float> x, Span<float> y) => Activations.Tanh(x, y);
    private protected override void ApplyBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx) => Activations.TanhBackward(y, dy, dx);
}
