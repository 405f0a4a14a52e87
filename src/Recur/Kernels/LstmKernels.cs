// Fused LSTM gate math for one time step over rows [r0, r1) of a batch. Gate order i, f, g, o (PyTorch).
//   forward:  i,f,o = σ(pre), g = tanh(pre); c = f∘c_prev + i∘g; h = o∘tanh(c)
//   backward: from dh (total gradient reaching h_t) and dc (reaching c_t from step t+1)
// Rows whose `active` flag is 0 are padding past their sequence's end: their state passes through
// unchanged and they receive no gate gradient (PyTorch's packed-sequence semantics).
using System.Runtime.CompilerServices;

namespace Recur.Kernels;

internal static unsafe class LstmKernels
{
    /// <param name="gates">(N, 4H): pre-activations in, activations i, f, g, o out.</param>
    /// <param name="cPrev">(N, H) previous cell state.</param>
    /// <param name="c">(N, H) new cell state (out).</param>
    /// <param name="tanhC">(N, H) tanh(c), kept for backward (out).</param>
    /// <param name="hPrev">(N, H) previous hidden state, copied through for inactive rows.</param>
    /// <param name="h">(N, H) new hidden state (out).</param>
    /// <param name="active">(N) 1 where the row is inside its sequence, or null when all are.</param>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Forward(int r0, int r1, int hidden, float* gates, float* cPrev, float* c, float* tanhC,
        float* hPrev, float* h, byte* active)
    {
        for (int r = r0; r < r1; r++)
        {
            long o = (long)r * hidden;
            if (active != null && active[r] == 0)
            {
                Copy(cPrev + o, c + o, hidden);
                Copy(hPrev + o, h + o, hidden);
                new Span<float>(tanhC + o, hidden).Clear();
                new Span<float>(gates + 4 * o, 4 * hidden).Clear();
                continue;
            }
            var k = new ForwardRow { G = gates + 4 * o, CPrev = cPrev + o, C = c + o, TanhC = tanhC + o, H = h + o, Hidden = hidden };
            Simd.Run(ref k, hidden);
        }
    }

    struct ForwardRow : ISpanKernel
    {
        public float* G, CPrev, C, TanhC, H;
        public int Hidden;

        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public void Apply<T>(int j) where T : struct, IVec<T>
        {
            float* g = G + j;
            var i = VMath.Sigmoid(T.Load(g));
            var f = VMath.Sigmoid(T.Load(g + Hidden));
            var gg = VMath.Tanh(T.Load(g + 2 * Hidden));
            var o = VMath.Sigmoid(T.Load(g + 3 * Hidden));
            var c = VMath.Flush(T.Fma(f, T.Load(CPrev + j), T.Mul(i, gg)));
            var tc = VMath.Tanh(c);
            T.Store(i, g); T.Store(f, g + Hidden); T.Store(gg, g + 2 * Hidden); T.Store(o, g + 3 * Hidden);
            T.Store(c, C + j);
            T.Store(tc, TanhC + j);
            T.Store(VMath.Flush(T.Mul(o, tc)), H + j);
        }
    }

    /// <param name="gates">(N, 4H) activations i, f, g, o from the forward step.</param>
    /// <param name="cPrev">(N, H) c_{t-1}.</param>
    /// <param name="tanhC">(N, H) tanh(c_t).</param>
    /// <param name="dh">(N, H) gradient reaching h_t in; out, the part reaching h_{t-1} other than through
    /// the gates: zero for active rows, dh itself for inactive rows (which pass it through).</param>
    /// <param name="dc">(N, H) gradient reaching c_t in; gradient reaching c_{t-1} out.</param>
    /// <param name="dGates">(N, 4H) gradient of the pre-activations (out).</param>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static void Backward(int r0, int r1, int hidden, float* gates, float* cPrev, float* tanhC,
        float* dh, float* dc, float* dGates, byte* active)
    {
        for (int r = r0; r < r1; r++)
        {
            long o = (long)r * hidden;
            if (active != null && active[r] == 0)
            {
                new Span<float>(dGates + 4 * o, 4 * hidden).Clear(); // dc passes through unchanged
                continue;
            }
            var k = new BackwardRow { G = gates + 4 * o, CPrev = cPrev + o, TanhC = tanhC + o, Dh = dh + o, Dc = dc + o, DG = dGates + 4 * o, Hidden = hidden };
            Simd.Run(ref k, hidden);
        }
    }

    struct BackwardRow : ISpanKernel
    {
        public float* G, CPrev, TanhC, Dh, Dc, DG;
        public int Hidden;

        [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
        public void Apply<T>(int j) where T : struct, IVec<T>
        {
            float* g = G + j;
            var i = T.Load(g); var f = T.Load(g + Hidden); var gg = T.Load(g + 2 * Hidden); var o = T.Load(g + 3 * Hidden);
            var one = T.Splat(1f);
            var tc = T.Load(TanhC + j);
            var dh = T.Load(Dh + j);
            // h = o∘tanh(c)  →  do = dh∘tanh(c);  dc += dh∘o∘(1 - tanh²c)
            var dc = T.Fma(T.Mul(dh, o), T.Sub(one, T.Mul(tc, tc)), T.Load(Dc + j));
            var dO = T.Mul(dh, tc);
            // c = f∘c_prev + i∘g
            var di = T.Mul(dc, gg);
            var dgg = T.Mul(dc, i);
            var df = T.Mul(dc, T.Load(CPrev + j));
            float* d = DG + j;
            T.Store(VMath.Flush(T.Mul(di, T.Mul(i, T.Sub(one, i)))), d);
            T.Store(VMath.Flush(T.Mul(df, T.Mul(f, T.Sub(one, f)))), d + Hidden);
            T.Store(VMath.Flush(T.Mul(dgg, T.Sub(one, T.Mul(gg, gg)))), d + 2 * Hidden);
            T.Store(VMath.Flush(T.Mul(dO, T.Mul(o, T.Sub(one, o)))), d + 3 * Hidden);
            T.Store(VMath.Flush(T.Mul(dc, f)), Dc + j);
            T.Store(T.Splat(0f), Dh + j);
        }
    }

    static void Copy(float* src, float* dst, int n) => new ReadOnlySpan<float>(src, n).CopyTo(new Span<float>(dst, n));
}
