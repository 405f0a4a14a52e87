// The element-wise Adam/AdamW update shared by Adam and AdamW, in the order of torch 1.13's
// single-tensor Adam, with FMA wherever its CPU kernels fuse (add with alpha, addcmul; measured on
// Debian's AVX2 build), so each float rounds as PyTorch rounds it:
//   g  = g + wd·p                  (Adam's L2 term, only when wd != 0)        fma(p, wd, g)
//   p  = p · (1 - lr·wd)           (AdamW's decoupled decay, only for AdamW)
//   m  = m·β1 + (1 - β1)·g                                                      fma(g, 1-β1, m·β1)
//   v  = v·β2 + ((1 - β2)·g)·g                                                  fma((1-β2)·g, g, v·β2)
//   v̂  = max(v̂, v) with amsgrad, else v
//   p  = p + (-lr/bc1 · m) / (√v̂ / √bc2 + ε),  bc_k = 1 - β_k^step (in double)
using Recur.Kernels;
using System.Runtime.CompilerServices;

namespace Recur.Optim;

internal unsafe struct AdamUpdate : ISpanKernel
{
    public float* P, G, M, V, VMax;
    public float Beta1, OneMinusBeta1, Beta2, OneMinusBeta2, Eps;
    /// <summary>Adam's L2 coefficient (used when L2 is set); AdamW's decay factor 1 - lr·wd (used when Decay is set).</summary>
    public float WeightDecay, DecayFactor;
    /// <summary>√(1 - β2^step) and -lr / (1 - β1^step), from doubles.</summary>
    public float Bc2Sqrt, NegStepSize;
    public bool L2, Decoupled, AmsGrad;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply<T>(int i) where T : struct, IVec<T>
    {
        var p = T.Load(P + i);
        var g = T.Load(G + i);
        if (L2) g = T.Fma(p, T.Splat(WeightDecay), g);
        if (Decoupled) p = T.Mul(p, T.Splat(DecayFactor));
        var m = T.Fma(g, T.Splat(OneMinusBeta1), T.Mul(T.Load(M + i), T.Splat(Beta1)));
        var v = T.Fma(T.Mul(T.Splat(OneMinusBeta2), g), g, T.Mul(T.Load(V + i), T.Splat(Beta2)));
        T.Store(m, M + i);
        T.Store(v, V + i);
        if (AmsGrad)
        {
            v = T.Max(T.Load(VMax + i), v);
            T.Store(v, VMax + i);
        }
        var denom = T.Add(T.Div(T.Sqrt(v), T.Splat(Bc2Sqrt)), T.Splat(Eps));
        T.Store(T.Add(p, T.Div(T.Mul(T.Splat(NegStepSize), m), denom)), P + i);
    }

    /// <summary>The kernel for one step, with the step's scalars computed in double as PyTorch computes them.</summary>
    public static AdamUpdate For(long step, double lr, double beta1, double beta2, double eps, double weightDecay, bool decoupled, bool amsgrad)
    {
        double bc1 = 1 - Math.Pow(beta1, step);
        double bc2 = 1 - Math.Pow(beta2, step);
        return new AdamUpdate
        {
            Beta1 = (float)beta1, OneMinusBeta1 = (float)(1 - beta1),
            Beta2 = (float)beta2, OneMinusBeta2 = (float)(1 - beta2),
            Eps = (float)eps,
            WeightDecay = (float)weightDecay, DecayFactor = (float)(1 - lr * weightDecay),
            Bc2Sqrt = (float)Math.Sqrt(bc2), NegStepSize = (float)-(lr / bc1),
            L2 = !decoupled && weightDecay != 0, Decoupled = decoupled, AmsGrad = amsgrad,
        };
    }
}
