// torch.optim.AdamW (1.13, single-tensor form): Adam with decoupled weight decay, p ← p·(1 - lr·wd)
// before the moment update (Loshchilov and Hutter). Defaults as PyTorch's, weight_decay 1e-2.
using Recur.Kernels;
using Recur.Nn;

namespace Recur.Optim;

/// <summary>AdamW, PyTorch's torch.optim.AdamW. State: "exp_avg", "exp_avg_sq", and "max_exp_avg_sq" with amsgrad.</summary>
public sealed unsafe class AdamW : Optimizer
{
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
    /// <summary>Decoupled decay: each step multiplies p by 1 - lr·weight_decay.</summary>
    public double WeightDecay { get; }
    public bool AmsGrad { get; }

    readonly Tensor expAvg, expAvgSq;   // (arena) first and second moments
    readonly Tensor? maxExpAvgSq;       // (arena) running max of the second moment, amsgrad only

    public AdamW(ParameterSet parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 1e-2, bool amsgrad = false) : base(parameters, lr)
    {
        Beta1 = Require(beta1, nameof(beta1), 0, 1);
        Beta2 = Require(beta2, nameof(beta2), 0, 1);
        Eps = Require(eps, nameof(eps), 0, double.MaxValue, inclusive: true);
        WeightDecay = Require(weightDecay, nameof(weightDecay), 0, double.MaxValue, inclusive: true);
        AmsGrad = amsgrad;
        expAvg = AddState("exp_avg");
        expAvgSq = AddState("exp_avg_sq");
        if (amsgrad) maxExpAvgSq = AddState("max_exp_avg_sq");
    }

    protected override void Update(long step)
    {
        var k = AdamUpdate.For(step, LearningRate, Beta1, Beta2, Eps, WeightDecay, decoupled: true, AmsGrad);
        k.P = Parameters.Values.Ptr; k.G = Parameters.Grads.Ptr;
        k.M = expAvg.Ptr; k.V = expAvgSq.Ptr; k.VMax = maxExpAvgSq != null ? maxExpAvgSq.Ptr : null;
        Simd.Run(ref k, Parameters.Length);
    }
}
