// Backpropagation through time for PackedRecurrent: layers top-down, each direction swept against its
// forward order over each step's prefix of texts, then the weight gradients as single GEMMs over the
// P packed rows (padding is never stored, so it costs nothing):
//   dW_hh += dGhᵀ (G, P) · HPrev (P, H)         dW_ih += dGatesᵀ (G, P) · X (P, D)
//   db_ih += Σ dGates,  db_hh += Σ dGh            dX (P, D) (+)= dGates · W_ih
// where dGh, the gradient of h_prev·W_hhᵀ + b_hh, is dGates itself for an LSTM or RNN.
// A text's final-state gradient enters at the step that produced that state: its last token for the
// forward direction, its first for the reverse one.
using Recur.Kernels;

namespace Recur.Classification;

public sealed unsafe partial class PackedRecurrent
{
    /// <summary>
    /// Backward from <paramref name="dFeatures"/> (N, dirs·H), the gradient of what Forward returned.
    /// Accumulates every parameter gradient; returns dX (P, D), owned by the layer.
    /// </summary>
    public Tensor Backward(Tensor dFeatures)
    {
        var x0 = input ?? throw new InvalidOperationException("Backward before Forward");
        int dirs = Directions, H = HiddenSize, L = NumLayers;
        if (dFeatures.Rank != 2 || dFeatures.Shape[0] != batch || dFeatures.Shape[1] != dirs * H)
            throw new ArgumentException($"dFeatures {dFeatures} is not ({batch}, {dirs * H})");
        Tensor? dOut = null; // gradient reaching this layer's outputs (P, dirs·H); none for the last layer
        for (int l = L - 1; ; l--)
        {
            var xl = l == 0 ? x0 : layerIn[l].View(rows, dirs * H);
            var dIn = dLayerIn[l].View(rows, xl.Shape[1]);
            for (int d = 0; d < dirs; d++)
            {
                var c = caches[l * dirs + d];
                c.Whh.Pack(false, GateCount * H, H, w.Hh[l * dirs + d].Value.Ptr, H);   // W_hh (G, H), for dGh·W_hh
            }
            sweep.Run(l, backward: true, l == L - 1 ? dFeatures : null, dOut);
            for (int d = 0; d < dirs; d++) WeightGrads(caches[l * dirs + d], xl, dIn, accumulate: d > 0);
            if (l == 0) return dIn;
            // Layer l's input was layer l-1's output through dropout: dOut(l-1) = dIn ∘ mask.
            if (dropped) System.Numerics.Tensors.TensorPrimitives.Multiply(dIn.Span, masks[l - 1].View(dIn.Shape).Span, dIn.Span);
            dOut = dIn;
        }
    }

    /// <summary>One direction's sweep against its forward order for texts [a, b): fills their rows of DGates (P, G) (and a GRU's DGh).</summary>
    void BackwardSweep(DirCache c, int a, int b, Tensor? dFinal, Tensor? dOut)
    {
        int H = HiddenSize, G = GateCount * H, dirs = Directions;
        var p = c.Buffers;
        float* g = p.Gates, hPrev = p.HPrev, cPrev = p.CPrev, extra = p.Extra, dg = p.DGates, dgh = p.DGh;
        // dh, dc (N, H): the gradient reaching the state of each text at the current step.
        float* dhp = p.Dh, dcp = p.Dc;
        for (int s = 0; s < steps; s++)
        {
            int t = c.Forward ? steps - 1 - s : s;
            int n = Math.Min(b, stepSizes[t]);  // this block's texts at step t: [a, n)
            if (n <= a) continue;
            long o = offsets[t];
            // Texts whose final state this step produced start here: dh = their final-state gradient, dc = 0.
            // (Forward: the texts ending at t, rows n_{t+1}..n_t; reverse: every text, at t = 0.)
            int fresh0 = Math.Max(a, c.Forward ? (t + 1 < steps ? stepSizes[t + 1] : 0) : (t == 0 ? 0 : n));
            for (int r = fresh0; r < n; r++)
            {
                var dhRow = new Span<float>(dhp + (long)r * H, H);
                if (dFinal != null) dFinal.Span.Slice(r * dirs * H + c.Dir * H, H).CopyTo(dhRow);
                else dhRow.Clear();
                if (lstm) new Span<float>(dcp + (long)r * H, H).Clear();
            }
            if (dOut != null)
                for (int r = a; r < n; r++)
                {
                    var dst = new Span<float>(dhp + (long)r * H, H);
                    System.Numerics.Tensors.TensorPrimitives.Add(dst, dOut.Span.Slice((int)((o + r) * dirs * H) + c.Dir * H, H), dst);
                }
            // dGates_t from dh (and dc); dh becomes the part reaching h_prev directly (GRU: dh∘z, else 0),
            // an LSTM's dc the gradient reaching c_prev.
            if (lstm) LstmKernels.Backward(a, n, H, g + o * G, cPrev + o * H, extra + o * H, dhp, dcp, dg + o * G, null);
            else if (gru) GruKernels.Backward(a, n, H, g + o * G, extra + o * H, hPrev + o * H, dhp, dg + o * G, dgh + o * G, null);
            else RnnKernels.Backward(a, n, H, false, g + o * G, dhp, dg + o * G, null);
            // dh_prev (carried, H) += dGh_t (carried, G) · W_hh (G, H), for the texts that had a previous state.
            int carried = c.Forward ? (t > 0 ? n : a) : Math.Clamp(t + 1 < steps ? stepSizes[t + 1] : 0, a, n);
            Gemm.Multiply(false, carried - a, 1f, dgh + (o + a) * G, G, c.Whh, 1f, dhp + (long)a * H, H);
        }
    }

    /// <summary>Weight and bias gradients of one direction, and its part of dX, each one product over all P rows.</summary>
    void WeightGrads(DirCache c, Tensor x, Tensor dIn, bool accumulate)
    {
        int H = HiddenSize, G = GateCount * H, P = rows, D = x.Shape[1];
        int i = c.Layer * Directions + c.Dir;
        var dGates = c.DGates.View(P, G);
        var dGh = gru ? c.DGh.View(P, G) : dGates;
        float* dg = dGates.Ptr;
        float* hPrev = c.HPrev.View(P, H).Ptr;
        // dW_hh (G, H) += dGhᵀ (G, P) · HPrev (P, H)
        Gemm.Multiply(true, false, G, H, P, 1f, dGh.Ptr, G, hPrev, H, 1f, w.Hh[i].Grad.Ptr, H);
        // dW_ih (G, D) += dGatesᵀ (G, P) · X (P, D)
        Gemm.Multiply(true, false, G, D, P, 1f, dg, G, x.Ptr, D, 1f, w.Ih[i].Grad.Ptr, D);
        Reduce.AddColumnSums(dGates.Span, w.BiasIh[i]!.Grad.Span, dGh.Span, w.BiasHh[i]!.Grad.Span, P, G);
        // dX (P, D) (+)= dGates (P, G) · W_ih (G, D); both directions read the same input.
        Gemm.Multiply(false, false, P, D, G, 1f, dg, G, w.Ih[i].Value.Ptr, D, accumulate ? 1f : 0f, dIn.Ptr, D);
    }
}
