// What torch.optim.Adam and AdamW (1.13, single-tensor form) share: the hyperparameters, the moment
// buffers and the fused update (AdamUpdate). They differ only in how weight decay enters: added to
// the gradient (Adam's L2) or decoupled, p ← p·(1 - lr·wd) before the moment update (AdamW).
using Recur.Kernels;
using Recur.Nn;

namespace Recur.Optim;

/// <summary>Adam's state and update; see <see cref="Adam"/> and <see cref="AdamW"/>. State: "exp_avg", "exp_avg_sq", and "max_exp_avg_sq" with amsgrad.</summary>
public abstract unsafe class AdamBase : Optimizer
{
    /// <summary>β₁, the decay of the first-moment average (PyTorch's betas[0], default 0.9), in [0, 1).</summary>
    public double Beta1 { get; }
    /// <summary>β₂, the decay of the second-moment average (betas[1], default 0.999), in [0, 1).</summary>
    public double Beta2 { get; }
    /// <summary>ε added to √v̂ in the denominator (default 1e-8).</summary>
    public double Eps { get; }
    /// <summary>weight_decay: an L2 term added to the gradient (Adam) or a decoupled shrink p ← p·(1 - lr·wd) (AdamW).</summary>
    public double WeightDecay { get; }
    /// <summary>AMSGrad: the denominator uses the running maximum of the raw v ("exp_avg_sq"), kept as "max_exp_avg_sq" and bias-corrected as v would be.</summary>
    public bool AmsGrad { get; }

    readonly bool decoupled;
    readonly Tensor expAvg, expAvgSq;   // (arena) first and second moments
    readonly Tensor? maxExpAvgSq;       // (arena) running max of the second moment, amsgrad only

    private protected AdamBase(ParameterSet parameters, double lr, double beta1, double beta2, double eps,
        double weightDecay, bool amsgrad, bool decoupled) : base(parameters, lr)
    {
        Beta1 = Require(beta1, nameof(beta1), 0, 1);
        Beta2 = Require(beta2, nameof(beta2), 0, 1);
        Eps = Require(eps, nameof(eps), 0, double.MaxValue, inclusive: true);
        WeightDecay = Require(weightDecay, nameof(weightDecay), 0, double.MaxValue, inclusive: true);
        AmsGrad = amsgrad;
        this.decoupled = decoupled;
        expAvg = AddState("exp_avg");
        expAvgSq = AddState("exp_avg_sq");
        if (amsgrad) maxExpAvgSq = AddState("max_exp_avg_sq");
    }

    /// <summary>One fused, vectorised pass over the arena, with step's bias corrections 1 - β₁^step and 1 - β₂^step.</summary>
    protected override void Update(long step)
    {
        var k = AdamUpdate.For(step, LearningRate, Beta1, Beta2, Eps, WeightDecay, decoupled, AmsGrad);
        k.P = Parameters.Values.Ptr; k.G = Parameters.Grads.Ptr;
        k.M = expAvg.Ptr; k.V = expAvgSq.Ptr; k.VMax = maxExpAvgSq != null ? maxExpAvgSq.Ptr : null;
        Simd.Run(ref k, Parameters.Length);
    }
}
