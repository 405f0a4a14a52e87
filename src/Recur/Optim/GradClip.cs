// Gradient clipping over a whole ParameterSet, as torch.nn.utils.clip_grad_norm_ (2-norm) and
// clip_grad_value_ do over a model's parameters. Both are flat loops over the gradients arena.
using Recur.Kernels;
using Recur.Nn;
using System.Runtime.CompilerServices;

namespace Recur.Optim;

/// <summary>Gradient clipping by global 2-norm and by value.</summary>
public static unsafe class GradClip
{
    /// <summary>
    /// total = ‖all gradients‖₂ (summed in double); when coef = maxNorm / (total + 1e-6) is below 1, every
    /// gradient is multiplied by coef, as clip_grad_norm_ does (a non-finite total scales by NaN or 0,
    /// as PyTorch's clamp does). Returns the total norm before clipping.
    /// </summary>
    public static float ClipByGlobalNorm(ParameterSet parameters, double maxNorm)
    {
        if (!(maxNorm >= 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), $"max norm {maxNorm} is not a non-negative number");
        parameters.ThrowIfTaken();
        var grads = parameters.Grads;
        float total = (float)Math.Sqrt(Reduce.SumOfSquares(grads.Span));
        // PyTorch: clip_coef = max_norm / (total_norm + 1e-6) in float32, clamped to at most 1.
        float coef = (float)maxNorm / (total + 1e-6f);
        if (!(coef >= 1f))
        {
            var k = new ScaleKernel { X = grads.Ptr, S = coef };
            Simd.Run(ref k, grads.Length);
            GC.KeepAlive(grads);
        }
        return total;
    }

    /// <summary>Clamps every gradient to [-clipValue, clipValue] (clip_grad_value_); NaN stays NaN.</summary>
    public static void ClipByValue(ParameterSet parameters, float clipValue)
    {
        if (!(clipValue >= 0)) throw new ArgumentOutOfRangeException(nameof(clipValue), $"clip value {clipValue} is not a non-negative number");
        parameters.ThrowIfTaken();
        var grads = parameters.Grads;
        var k = new ClampKernel { X = grads.Ptr, Limit = clipValue };
        Simd.Run(ref k, grads.Length);
        GC.KeepAlive(grads);
    }

    struct ScaleKernel : ISpanKernel
    {
        public float* X;
        public float S;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Apply<T>(int i) where T : struct, IVec<T> => T.Store(T.Mul(T.Load(X + i), T.Splat(S)), X + i);
    }

    struct ClampKernel : ISpanKernel
    {
        public float* X;
        public float Limit;
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Apply<T>(int i) where T : struct, IVec<T> =>
            T.Store(T.Min(T.Max(T.Load(X + i), T.Splat(-Limit)), T.Splat(Limit)), X + i);
    }
}
