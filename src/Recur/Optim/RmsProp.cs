// torch.optim.RMSprop (1.13, single-tensor form), with FMA where PyTorch's add-with-alpha and
// addcmul fuse:
//   g  = g + wd·p                          fma(p, wd, g), only when wd != 0
//   s  = s·α + ((1 - α)·g)·g               fma((1-α)·g, g, s·α)
//   centered: a = a·α + (1 - α)·g          fma(g, 1-α, a·α);  r = √(s - a·a) = √fma(-a, a, s)
//   else      r = √s
//   r  = r + ε
//   momentum: b = b·μ + g/r;  p = p - lr·b  fma(b, -lr, p)
//   else      p = p + (-lr·g)/r
using Recur.Kernels;
using Recur.Nn;
using System.Runtime.CompilerServices;

namespace Recur.Optim;

/// <summary>RMSprop, PyTorch's torch.optim.RMSprop. State: "square_avg", "momentum_buffer" when momentum &gt; 0, "grad_avg" when centered.</summary>
public sealed unsafe class RmsProp : Optimizer
{
    /// <summary>Smoothing constant α of the squared-gradient average.</summary>
    public double Alpha { get; }
    /// <summary>ε added to the root in the denominator (default 1e-8).</summary>
    public double Eps { get; }
    /// <summary>L2 penalty added to the gradient (weight_decay·p).</summary>
    public double WeightDecay { get; }
    /// <summary>μ of the momentum buffer b ← μ·b + g/r, p ← p - lr·b (0: no buffer, p ← p - lr·g/r).</summary>
    public double Momentum { get; }
    /// <summary>Normalise by an estimate of the gradient's variance (s - a²) rather than its second moment.</summary>
    public bool Centered { get; }

    readonly Tensor squareAvg;          // (arena) s
    readonly Tensor? momentumBuffer;    // (arena) b, momentum > 0 only
    readonly Tensor? gradAvg;           // (arena) a, centered only

    /// <summary>torch.optim.RMSprop with PyTorch's defaults; throws ArgumentOutOfRangeException for a negative α, ε, weight decay or momentum.</summary>
    public RmsProp(ParameterSet parameters, double lr = 1e-2, double alpha = 0.99, double eps = 1e-8,
        double weightDecay = 0, double momentum = 0, bool centered = false) : base(parameters, lr)
    {
        Alpha = Require(alpha, nameof(alpha), 0, double.MaxValue, inclusive: true);
        Eps = Require(eps, nameof(eps), 0, double.MaxValue, inclusive: true);
        WeightDecay = Require(weightDecay, nameof(weightDecay), 0, double.MaxValue, inclusive: true);
        Momentum = Require(momentum, nameof(momentum), 0, double.MaxValue, inclusive: true);
        Centered = centered;
        squareAvg = AddState("square_avg");
        if (momentum > 0) momentumBuffer = AddState("momentum_buffer");
        if (centered) gradAvg = AddState("grad_avg");
    }

    /// <summary>One fused, vectorised pass over the arena (the formulas at the top of the file).</summary>
    protected override void Update(long step)
    {
        var k = new RmsPropUpdate
        {
            P = Parameters.Values.Ptr, G = Parameters.Grads.Ptr, S = squareAvg.Ptr,
            B = momentumBuffer != null ? momentumBuffer.Ptr : null, A = gradAvg != null ? gradAvg.Ptr : null,
            Alpha = (float)Alpha, OneMinusAlpha = (float)(1 - Alpha), Eps = (float)Eps,
            WeightDecay = (float)WeightDecay, Momentum = (float)Momentum, NegLr = (float)-LearningRate,
            L2 = WeightDecay != 0, UseMomentum = Momentum > 0, Centered = Centered,
        };
        Simd.Run(ref k, Parameters.Length);
    }

    struct RmsPropUpdate : ISpanKernel
    {
        public float* P, G, S, B, A;
        public float Alpha, OneMinusAlpha, Eps, WeightDecay, Momentum, NegLr;
        public bool L2, UseMomentum, Centered;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Apply<T>(int i) where T : struct, IVec<T>
        {
            var p = T.Load(P + i);
            var g = T.Load(G + i);
            if (L2) g = T.Fma(p, T.Splat(WeightDecay), g);
            var s = T.Fma(T.Mul(T.Splat(OneMinusAlpha), g), g, T.Mul(T.Load(S + i), T.Splat(Alpha)));
            T.Store(s, S + i);
            T r;
            if (Centered)
            {
                var a = T.Fma(g, T.Splat(OneMinusAlpha), T.Mul(T.Load(A + i), T.Splat(Alpha)));
                T.Store(a, A + i);
                r = T.Sqrt(T.Fma(T.Sub(T.Splat(0f), a), a, s));
            }
            else r = T.Sqrt(s);
            r = T.Add(r, T.Splat(Eps));
            if (UseMomentum)
            {
                var b = T.Add(T.Mul(T.Load(B + i), T.Splat(Momentum)), T.Div(g, r));
                T.Store(b, B + i);
                p = T.Fma(b, T.Splat(NegLr), p);
            }
            else p = T.Add(p, T.Div(T.Mul(T.Splat(NegLr), g), r));
            T.Store(p, P + i);
        }
    }
}
