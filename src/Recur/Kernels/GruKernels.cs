// Fused GRU gate math for one time step over rows [r0, r1). Gate order r, z, n (PyTorch):
//   r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r∘gh_n), h = (1 - z)∘n + z∘h_prev
// where gi = x·W_ihᵀ + b_ih and gh = h_prev·W_hhᵀ + b_hh, both (N, 3H).
// Inactive rows (padding) carry h_prev through and get no gate gradient.
using System.Runtime.CompilerServices;

namespace Recur.Kernels;

internal static unsafe class GruKernels
{
    /// <param name="gates">(N, 3H): gi in; r, z, n out.</param>
    /// <param name="gh">(N, 3H) hidden projection; its n part is copied to ghN for backward.</param>
    /// <param name="ghN">(N, H) gh_n kept for backward (out).</param>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Forward(int r0, int r1, int hidden, float* gates, float* gh, float* ghN, float* hPrev, float* h, byte* active)
    {
        for (int r = r0; r < r1; r++)
        {
            long o = (long)r * hidden;
            if (active != null && active[r] == 0)
            {
                new ReadOnlySpan<float>(hPrev + o, hidden).CopyTo(new Span<float>(h + o, hidden));
                new Span<float>(gates + 3 * o, 3 * hidden).Clear();
                new Span<float>(ghN + o, hidden).Clear();
                continue;
            }
            var k = new ForwardRow { G = gates + 3 * o, Gh = gh + 3 * o, GhN = ghN + o, HPrev = hPrev + o, H = h + o, Hidden = hidden };
            Simd.Run(ref k, hidden);
        }
    }

    struct ForwardRow : ISpanKernel
    {
        public float* G, Gh, GhN, HPrev, H;
        public int Hidden;

        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public void Apply<T>(int j) where T : struct, IVec<T>
        {
            float* g = G + j, gh = Gh + j;
            var r = VMath.Sigmoid(T.Add(T.Load(g), T.Load(gh)));
            var z = VMath.Sigmoid(T.Add(T.Load(g + Hidden), T.Load(gh + Hidden)));
            var ghn = T.Load(gh + 2 * Hidden);
            var n = VMath.Tanh(T.Fma(r, ghn, T.Load(g + 2 * Hidden)));
            var h = VMath.Flush(T.Fma(z, T.Load(HPrev + j), T.Mul(T.Sub(T.Splat(1f), z), n)));
            T.Store(r, g); T.Store(z, g + Hidden); T.Store(n, g + 2 * Hidden);
            T.Store(ghn, GhN + j);
            T.Store(h, H + j);
        }
    }

    /// <param name="gates">(N, 3H) r, z, n from the forward step.</param>
    /// <param name="dh">(N, H) gradient reaching h_t in; the part reaching h_{t-1} directly (dh∘z) out.</param>
    /// <param name="dGi">(N, 3H) gradient of gi (out).</param>
    /// <param name="dGh">(N, 3H) gradient of gh (out); equals dGi except the n part is scaled by r.</param>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Backward(int r0, int r1, int hidden, float* gates, float* ghN, float* hPrev, float* dh, float* dGi, float* dGh, byte* active)
    {
        for (int r = r0; r < r1; r++)
        {
            long o = (long)r * hidden;
            if (active != null && active[r] == 0)
            {
                new Span<float>(dGi + 3 * o, 3 * hidden).Clear(); // dh passes through unchanged
                new Span<float>(dGh + 3 * o, 3 * hidden).Clear();
                continue;
            }
            var k = new BackwardRow { G = gates + 3 * o, GhN = ghN + o, HPrev = hPrev + o, Dh = dh + o, DGi = dGi + 3 * o, DGh = dGh + 3 * o, Hidden = hidden };
            Simd.Run(ref k, hidden);
        }
    }

    struct BackwardRow : ISpanKernel
    {
        public float* G, GhN, HPrev, Dh, DGi, DGh;
        public int Hidden;

        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public void Apply<T>(int j) where T : struct, IVec<T>
        {
            float* g = G + j;
            var r = T.Load(g); var z = T.Load(g + Hidden); var n = T.Load(g + 2 * Hidden);
            var one = T.Splat(1f);
            var dh = T.Load(Dh + j);
            // h = (1 - z)∘n + z∘h_prev
            var dn = T.Mul(dh, T.Sub(one, z));
            var dz = T.Mul(dh, T.Sub(T.Load(HPrev + j), n));
            // n = tanh(gi_n + r∘gh_n)
            var dnPre = VMath.Flush(T.Mul(dn, T.Sub(one, T.Mul(n, n))));
            var dr = T.Mul(dnPre, T.Load(GhN + j));
            var drPre = VMath.Flush(T.Mul(dr, T.Mul(r, T.Sub(one, r))));
            var dzPre = VMath.Flush(T.Mul(dz, T.Mul(z, T.Sub(one, z))));
            T.Store(drPre, DGi + j); T.Store(dzPre, DGi + Hidden + j); T.Store(dnPre, DGi + 2 * Hidden + j);
            T.Store(drPre, DGh + j); T.Store(dzPre, DGh + Hidden + j); T.Store(VMath.Flush(T.Mul(dnPre, r)), DGh + 2 * Hidden + j);
            T.Store(VMath.Flush(T.Mul(dh, z)), Dh + j);
        }
    }
}
