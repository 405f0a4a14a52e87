// torch.optim.Adam (1.13, single-tensor form): Adam with optional L2 weight decay added to the
// gradient, and the AMSGrad variant. Defaults as PyTorch's. Update formulas: see AdamUpdate.
using Recur.Kernels;
using Recur.Nn;

namespace Recur.Optim;

/// <summary>Adam (Kingma and Ba), PyTorch's torch.optim.Adam. State: "exp_avg", "exp_avg_sq", and "max_exp_avg_sq" with amsgrad.</summary>
public sealed unsafe class Adam : Optimizer
{
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Eps { get; }
    /// <summary>L2 penalty: weight_decay·p is added to the gradient (not decoupled; see <see cref="AdamW"/>).</summary>
    public double WeightDecay { get; }
    public bool AmsGrad { get; }

    readonly Tensor expAvg, expAvgSq;   // (arena) first and second moments
    readonly Tensor? maxExpAvgSq;       // (arena) running max of the second moment, amsgrad only

    public Adam(ParameterSet parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
        double eps = 1e-8, double weightDecay = 0, bool amsgrad = false) : base(parameters, lr)
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
        var k = AdamUpdate.For(step, LearningRate, Beta1, Beta2, Eps, WeightDecay, decoupled: false, AmsGrad);
        k.P = Parameters.Values.Ptr; k.G = Parameters.Grads.Ptr;
        k.M = expAvg.Ptr; k.V = expAvgSq.Ptr; k.VMax = maxExpAvgSq != null ? maxExpAvgSq.Ptr : null;
        Simd.Run(ref k, Parameters.Length);
    }
}
