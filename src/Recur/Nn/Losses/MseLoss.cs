// nn.MSELoss: mean (or sum) of (x - t)² over all elements. Gradient 2(x - t)/N for the mean, as
// PyTorch computes it: (x - t) times the float 2/N. Sums run in double in index order.
namespace Recur.Nn.Losses;

/// <summary>Squared error (PyTorch's nn.MSELoss).</summary>
public sealed class MseLoss
{
    /// <summary>Mean (default) or sum over the elements.</summary>
    public Reduction Reduction { get; }

    /// <summary>nn.MSELoss(reduction).</summary>
    public MseLoss(Reduction reduction = Reduction.Mean) => Reduction = reduction;

    /// <summary>The loss of <paramref name="input"/> against <paramref name="target"/> (same shape);
    /// when <paramref name="dInput"/> is given it is overwritten with ∂loss/∂input (it may be input itself).</summary>
    public float Forward(Tensor input, Tensor target, Tensor? dInput = null)
    {
        LossCheck.SameShape("MseLoss", input, target, dInput);
        var x = input.Span;
        var t = target.Span;
        int n = x.Length;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double d = (double)x[i] - t[i];
            total += d * d;
        }
        if (dInput != null)
        {
            var dx = dInput.Span;
            float norm = Reduction == Reduction.Mean ? (float)(2.0 / n) : 2f;
            for (int i = 0; i < n; i++) dx[i] = (x[i] - t[i]) * norm;
        }
        return Reduction == Reduction.Mean ? (float)(total / n) : (float)total;
    }
}
