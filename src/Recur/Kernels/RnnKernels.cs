// Elman RNN step over rows [r0, r1): h = tanh(pre) or relu(pre), pre = x·W_ihᵀ + b_ih + h_prev·W_hhᵀ + b_hh.
// Inactive rows (padding) carry h_prev through and get no gradient.
using System.Runtime.CompilerServices;

namespace Recur.Kernels;

internal static unsafe class RnnKernels
{
    /// <param name="pre">(N, H) pre-activation in; activation out (kept for backward).</param>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Forward(int r0, int r1, int hidden, bool relu, float* pre, float* hPrev, float* h, byte* active)
    {
        for (int r = r0; r < r1; r++)
        {
            long o = (long)r * hidden;
            var dst = new Span<float>(h + o, hidden);
            if (active != null && active[r] == 0)
            {
                new ReadOnlySpan<float>(hPrev + o, hidden).CopyTo(dst);
                new Span<float>(pre + o, hidden).Clear();
                continue;
            }
            var p = new Span<float>(pre + o, hidden);
            if (relu) Activations.Relu(p, p); else Activations.Tanh(p, p);
            p.CopyTo(dst);
        }
    }

    /// <param name="act">(N, H) activations from the forward step.</param>
    /// <param name="dh">(N, H) gradient reaching h_t in; out, zero for active rows (inactive rows keep it: it passes through).</param>
    /// <param name="dPre">(N, H) gradient of the pre-activation (out).</param>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Backward(int r0, int r1, int hidden, bool relu, float* act, float* dh, float* dPre, byte* active)
    {
        for (int r = r0; r < r1; r++)
        {
            long o = (long)r * hidden;
            var d = new Span<float>(dPre + o, hidden);
            if (active != null && active[r] == 0) { d.Clear(); continue; }
            var y = new ReadOnlySpan<float>(act + o, hidden);
            var g = new ReadOnlySpan<float>(dh + o, hidden);
            if (relu) Activations.ReluBackward(y, g, d); else Activations.TanhBackward(y, g, d);
            new Span<float>(dh + o, hidden).Clear();
        }
    }
}
