// nn.BCEWithLogitsLoss: binary cross-entropy on logits x with targets t in [0, 1], per element
//   loss = max(x, 0) - x·t + log(1 + e^-|x|)
// (PyTorch's (1-t)·x + m + log(e^-m + e^(-x-m)), m = max(-x, 0), rearranged; stable for any x).
// Gradient (σ(x) - t) / N for the mean, σ(x) - t for the sum. Terms run in double in index order;
// these losses sit on small outputs, so plain scalar loops are fast enough.
namespace Recur.Nn.Losses;

/// <summary>Sigmoid plus binary cross-entropy in one stable formula (PyTorch's nn.BCEWithLogitsLoss, no weights).</summary>
public sealed class BCEWithLogitsLoss
{
    /// <summary>Mean (default) or sum over the elements.</summary>
    public Reduction Reduction { get; }

    /// <summary>nn.BCEWithLogitsLoss(reduction).</summary>
    public BCEWithLogitsLoss(Reduction reduction = Reduction.Mean) => Reduction = reduction;

    /// <summary>The loss of logits <paramref name="input"/> against <paramref name="target"/> (same shape);
    /// when <paramref name="dInput"/> is given it is overwritten with ∂loss/∂input (it may be input itself).</summary>
    public float Forward(Tensor input, Tensor target, Tensor? dInput = null)
    {
        LossCheck.SameShape("BCEWithLogitsLoss", input, target, dInput);
        var x = input.Span;
        var t = target.Span;
        int n = x.Length;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double xi = x[i], ti = t[i];
            total += Math.Max(xi, 0) - xi * ti + Math.Log(1 + Math.Exp(-Math.Abs(xi)));
        }
        if (dInput != null)
        {
            var dx = dInput.Span;
            for (int i = 0; i < n; i++)
            {
                float g = (float)(1 / (1 + Math.Exp(-(double)x[i]))) - t[i];
                dx[i] = Reduction == Reduction.Mean ? g / n : g;
            }
        }
        return Reduction == Reduction.Mean ? (float)(total / n) : (float)total;
    }
}
