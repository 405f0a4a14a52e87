// torch.optim.AdamW (1.13): Adam with decoupled weight decay, p ← p·(1 - lr·wd) before the moment
// update (Loshchilov and Hutter). Defaults as PyTorch's, weight_decay 1e-2.
using Recur.Nn;

namespace Recur.Optim;

/// <summary>AdamW, PyTorch's torch.optim.AdamW: each step multiplies p by 1 - lr·weight_decay.</summary>
public sealed class AdamW(ParameterSet parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
    double eps = 1e-8, double weightDecay = AdamW.DefaultWeightDecay, bool amsgrad = false)
    : AdamBase(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled: true)
{
    /// <summary>PyTorch's default weight_decay for AdamW.</summary>
    public const double DefaultWeightDecay = 1e-2;
}
