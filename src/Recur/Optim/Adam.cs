// torch.optim.Adam (1.13): Adam with optional L2 weight decay added to the gradient, and the AMSGrad
// variant. Defaults as PyTorch's. Update formulas: see AdamUpdate.
using Recur.Nn;

namespace Recur.Optim;

/// <summary>Adam (Kingma and Ba), PyTorch's torch.optim.Adam. Weight decay is an L2 penalty, weight_decay·p added to the gradient (not decoupled; see <see cref="AdamW"/>).</summary>
public sealed class Adam(ParameterSet parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
    double eps = 1e-8, double weightDecay = 0, bool amsgrad = false)
    : AdamBase(parameters, lr, beta1, beta2, eps, weightDecay, amsgrad, decoupled: false);
