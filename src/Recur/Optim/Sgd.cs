// torch.optim.SGD (1.13, single-tensor form), with FMA where PyTorch's add-with-alpha fuses:
//   d = g + wd·p                                  fma(p, wd, g), only when wd != 0
//   b = d on the first step, else b·μ + (1 - τ)·d fma(d, 1-τ, b·μ), only when μ != 0
//   d = d + μ·b with nesterov, else b             fma(b, μ, d)
//   p = p - lr·d                                  fma(d, -lr, p)
// μ momentum, τ dampening. The first step copies d into the buffer undamped, as PyTorch does when
// its buffer is still None; here "first" means StepCount was 0 before the step.
using Recur.Kernels;
using Recur.Nn;
using System.Runtime.CompilerServices;

namespace Recur.Optim;

/// <summary>Stochastic gradient descent with optional momentum, PyTorch's torch.optim.SGD. State: "momentum_buffer" when momentum != 0.</summary>
public sealed unsafe class Sgd : Optimizer
{
    /// <summary>μ of the momentum buffer (0: plain SGD, no buffer).</summary>
    public double Momentum { get; }
    /// <summary>τ: the buffer adds (1 - τ)·g after its first step.</summary>
    public double Dampening { get; }
    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; }
    /// <summary>Nesterov momentum: step along g + μ·b rather than b.</summary>
    public bool Nesterov { get; }

    readonly Tensor? momentumBuffer;   // (arena), momentum != 0 only

    /// <summary>torch.optim.SGD; lr has no default, as in PyTorch. ArgumentOutOfRangeException for a negative lr, momentum or weight decay; ArgumentException for Nesterov without momentum or with dampening.</summary>
    public Sgd(ParameterSet parameters, double lr, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false) : base(parameters, lr)
    {
        Momentum = Require(momentum, nameof(momentum), 0, double.MaxValue, inclusive: true);
        Dampening = dampening;
        WeightDecay = Require(weightDecay, nameof(weightDecay), 0, double.MaxValue, inclusive: true);
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("nesterov momentum needs momentum > 0 and dampening = 0 (as in PyTorch)");
        Nesterov = nesterov;
        if (momentum != 0) momentumBuffer = AddState("momentum_buffer");
    }

    /// <summary>One fused, vectorised pass over the arena (the formulas at the top of the file).</summary>
    protected override void Update(long step)
    {
        var k = new SgdUpdate
        {
            P = Parameters.Values.Ptr, G = Parameters.Grads.Ptr, B = momentumBuffer != null ? momentumBuffer.Ptr : null,
            WeightDecay = (float)WeightDecay, Momentum = (float)Momentum, OneMinusDampening = (float)(1 - Dampening),
            NegLr = (float)-LearningRate,
            L2 = WeightDecay != 0, UseMomentum = Momentum != 0, FirstStep = step == 1, Nesterov = Nesterov,
        };
        Simd.Run(ref k, Parameters.Length);
    }

    struct SgdUpdate : ISpanKernel
    {
        public float* P, G, B;
        public float WeightDecay, Momentum, OneMinusDampening, NegLr;
        public bool L2, UseMomentum, FirstStep, Nesterov;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Apply<T>(int i) where T : struct, IVec<T>
        {
            var p = T.Load(P + i);
            var d = T.Load(G + i);
            if (L2) d = T.Fma(p, T.Splat(WeightDecay), d);
            if (UseMomentum)
            {
                var b = FirstStep ? d : T.Fma(d, T.Splat(OneMinusDampening), T.Mul(T.Load(B + i), T.Splat(Momentum)));
                T.Store(b, B + i);
                d = Nesterov ? T.Fma(b, T.Splat(Momentum), d) : b;
            }
            T.Store(T.Fma(d, T.Splat(NegLr), p), P + i);
        }
    }
}
