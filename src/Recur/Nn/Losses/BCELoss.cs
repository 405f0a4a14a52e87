// nn.BCELoss: binary cross-entropy on probabilities x in [0, 1] with targets t, per element
//   loss = -(t·max(log x, -100) + (1 - t)·max(log(1 - x), -100))
// with PyTorch's clamp of each log at -100, so x = 0 or 1 gives a finite loss. The gradient is
// PyTorch's too, which ignores that clamp: (x - t) / max((1 - x)·x, 1e-12), divided by N for the mean
// (so x = 0 with t = 1 gives -1e12/N, not 0). Inputs outside [0, 1] (or NaN) are errors, as in PyTorch.
namespace Recur.Nn.Losses;

/// <summary>Binary cross-entropy on probabilities (PyTorch's nn.BCELoss, no weights).</summary>
public sealed class BCELoss
{
    /// <summary>Lower clamp of each log term, PyTorch's -100.</summary>
    public const double LogClamp = -100;
    /// <summary>Floor of the gradient's denominator (1 - x)·x, PyTorch's 1e-12.</summary>
    public const float GradEpsilon = 1e-12f;

    /// <summary>Mean (default) or sum over the elements.</summary>
    public Reduction Reduction { get; }

    /// <summary>nn.BCELoss(reduction).</summary>
    public BCELoss(Reduction reduction = Reduction.Mean) => Reduction = reduction;

    /// <summary>The loss of probabilities <paramref name="input"/> against <paramref name="target"/> (same shape);
    /// when <paramref name="dInput"/> is given it is overwritten with ∂loss/∂input (it may be input itself).</summary>
    public float Forward(Tensor input, Tensor target, Tensor? dInput = null)
    {
        LossCheck.SameShape("BCELoss", input, target, dInput);
        var x = input.Span;
        var t = target.Span;
        int n = x.Length;
        for (int i = 0; i < n; i++)
            if (!(x[i] >= 0 && x[i] <= 1))
                throw new ArgumentOutOfRangeException(nameof(input), $"BCELoss: input {i} is {x[i]}; every input must be a probability in [0, 1]");
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double xi = x[i], ti = t[i];
            total += (ti - 1) * Math.Max(Math.Log(1 - xi), LogClamp) - ti * Math.Max(Math.Log(xi), LogClamp);
        }
        if (dInput != null)
        {
            var dx = dInput.Span;
            for (int i = 0; i < n; i++)
            {
                float xi = x[i];
                float g = (xi - t[i]) / MathF.Max((1f - xi) * xi, GradEpsilon);
                dx[i] = Reduction == Reduction.Mean ? g / n : g;
            }
        }
        return Reduction == Reduction.Mean ? (float)(total / n) : (float)total;
    }
}
