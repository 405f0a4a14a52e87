// Backpropagation through time for Recurrent: layers top-down, each direction swept against its
// forward order, then the weight gradients of all steps as single GEMMs:
//   dW_hh += dGhᵀ (G·H, T·N) · H_prev (T·N, H)      dW_ih += dGatesᵀ (G·H, T·N) · X (T·N, D)
//   db_ih += Σ dGates,  db_hh += Σ dGh               dX (T·N, D) += dGates · W_ih
using Recur.Kernels;

namespace Recur.Nn;

public abstract unsafe partial class Recurrent
{
    /// <summary>
    /// Backward through the last forward call. <paramref name="dOutput"/> is (T, N, dirs·H);
    /// <paramref name="dFinal"/>, when given, is the gradient reaching the final state. Accumulates
    /// every parameter gradient; <see cref="InitialStateGrad"/> receives the initial state's gradient.
    /// An LSTM's Backward consumes its Forward's cache: one Backward per Forward.
    /// </summary>
    /// <returns>dX (T, N, D), owned by the layer; null for token input or when not asked for.</returns>
    public Tensor? Backward(Tensor dOutput, RecurrentState? dFinal = null, bool needInputGrad = true)
    {
        if (finalState == null) throw new InvalidOperationException("Backward before Forward");
        if (gatesConsumed) throw new InvalidOperationException("Backward twice after one Forward: the first consumed the gate activations; run Forward again");
        int T = steps, N = batch, H = HiddenSize, L = NumLayers, dirs = Directions;
        if (dOutput.Rank != 3 || dOutput.Shape[0] != T || dOutput.Shape[1] != N || dOutput.Shape[2] != dirs * H)
            throw new ArgumentException($"dOutput {dOutput} is not ({T}, {N}, {dirs * H})");
        if (dFinal != null && !dFinal.Fits(L * dirs, N, H, HasCellState))
            throw new ArgumentException($"dFinal {dFinal.H} does not fit ({L * dirs}, {N}, {H})");
        gatesConsumed = GateGradsInPlace;
        if (initialGrad == null || !initialGrad.Fits(L * dirs, N, H, HasCellState)) initialGrad = new RecurrentState(L * dirs, N, H, HasCellState);

        fixed (byte* flags = activeFlags)
        {
            byte* active = hasLengths ? flags : null;
            var dOut = dOutput;
            for (int l = L - 1; l >= 0; l--)
            {
                bool wantInput = l > 0 || (needInputGrad && !tokenInput);
                Tensor? dIn = null;
                if (wantInput)
                {
                    int d0 = l == 0 ? InputSize : dirs * H;
                    dIn = Workspace.Ensure(ref dLayerIn[l], T, N, d0);
                }
                if (SideBySide) directionJob.Run(l, dFinal, active, backward: true, dOut);
                else
                    for (int d = 0; d < dirs; d++) BackwardDirection(caches[l * dirs + d], dOut, dFinal, active, inline: false);
                // Both directions read the same input, so their dX add (after both sweeps: one buffer).
                if (dIn != null)
                    for (int d = 0; d < dirs; d++) InputGrad(caches[l * dirs + d], dIn, accumulate: d > 0);
                if (l > 0)
                {
                    // Layer l's input was layer l-1's output through dropout: dOut(l-1) = dIn ∘ mask.
                    if (forwardWasTraining && Dropout > 0)
                        System.Numerics.Tensors.TensorPrimitives.Multiply(dIn!.Span, masks[l - 1]!.Span, dIn.Span);
                    dOut = dIn!;
                }
                else return dIn;
            }
        }
        return null;
    }

    void BackwardDirection(DirCache c, Tensor dOut, RecurrentState? dFinal, byte* active, bool inline)
    {
        SweepBack(c, dOut, dFinal, active, inline);
        WeightGrads(c, c.Layer);
    }

    void SweepBack(DirCache c, Tensor dOut, RecurrentState? dFinal, byte* active, bool inline)
    {
        int T = steps, N = batch, H = HiddenSize, G = GateCount * H, dirs = Directions;
        int i = c.Layer * dirs + c.Dir;
        var dh = Workspace.Ensure(ref c.Dh, N, H);
        if (GateGradsInPlace) c.DGates = c.Gates;
        else Workspace.Ensure(ref c.DGates, T, N, G);
        if (HasCellState) Workspace.Ensure(ref c.Dc, N, H);
        if (dFinal != null)
        {
            dFinal.H.Span.Slice(i * N * H, N * H).CopyTo(dh.Span);
            dFinal.C?.Span.Slice(i * N * H, N * H).CopyTo(c.Dc!.Span);
        }
        else { dh.Zero(); c.Dc?.Zero(); }
        // dh_{t-1} += dGh_t · W_hh, with W_hh (G·H, H) packed once.
        var whh = WeightHh(c).Value;
        c.Whh.Pack(false, G, H, whh.Ptr, H);
        if (!inline && RowBlocks > 1) sweepJob.Run(c, active, dOut);
        else SweepBackRows(c, dOut, 0, N, active, forkGates: !inline);
        dh.Span.CopyTo(initialGrad!.H.Span.Slice(i * N * H, N * H));
        if (HasCellState) c.Dc!.Span.CopyTo(initialGrad.C!.Span.Slice(i * N * H, N * H));
    }

    /// <summary>Rows [r0, r1) of one direction back through every step; <paramref name="forkGates"/> as in SweepRows.</summary>
    void SweepBackRows(DirCache c, Tensor dOut, int r0, int r1, byte* active, bool forkGates = false)
    {
        int T = steps, N = batch, H = HiddenSize, G = GateCount * H;
        var dGh = HiddenGateGrads(c);
        for (int s = 0; s < T; s++)
        {
            int t = c.Forward ? T - 1 - s : s;
            byte* act = active == null ? null : active + t * N;
            AddOutputGrad(c, dOut, t, r0, r1, act);
            if (forkGates) rowJob.Run(c, t, backward: true, act);
            else BackwardRows(c, t, r0, r1, act);
            Gemm.Multiply(false, ActiveRows(t, r0, r1), 1f, dGh.Ptr + ((long)t * N + r0) * G, G, c.Whh, 1f, c.Dh!.Ptr + (long)r0 * H, H);
        }
    }

    /// <summary>dh (rows [r0, r1)) += this direction's part of step t's output gradient, for rows inside their sequence.</summary>
    void AddOutputGrad(DirCache c, Tensor dOut, int t, int r0, int r1, byte* act)
    {
        int N = batch, H = HiddenSize, width = Directions * H;
        for (int r = r0; r < r1; r++)
        {
            if (act != null && act[r] == 0) continue;
            var src = dOut.Span.Slice((t * N + r) * width + c.Dir * H, H);
            var dst = c.Dh!.Span.Slice(r * H, H);
            System.Numerics.Tensors.TensorPrimitives.Add(dst, src, dst);
        }
    }

    /// <summary>dW_ih, dW_hh and the biases from one direction's sweep.</summary>
    void WeightGrads(DirCache c, int layer)
    {
        int rows = steps * batch, H = HiddenSize, G = GateCount * H;
        var dGates = c.DGates!;
        var dGh = HiddenGateGrads(c);
        var wIh = WeightIh(c);
        // Previous states in time order: forward rows Hs[0..T-1], reverse rows Hs[1..T].
        float* hPrev = c.Hs!.Ptr + (c.Forward ? 0 : (long)batch * H);
        Gemm.Multiply(true, false, G, H, rows, 1f, dGh.Ptr, G, hPrev, H, 1f, WeightHh(c).Grad.Ptr, H);
        // Biases come in pairs (PyTorch's bias flag); an LSTM's and RNN's dGh is dGates, read once for both.
        if (BiasIh(c) is { } bIh) Reduce.AddColumnSums(dGates.Span, bIh.Grad.Span, dGh.Span, BiasHh(c)!.Grad.Span, rows, G);
        if (layer == 0 && tokenInput)
        {
            // dW_ih[:, token] += dGates row: accumulate in (V, G·H) then add transposed.
            var acc = Workspace.Ensure(ref c.TokenGrad, InputSize, G);
            acc.Zero();
            for (int r = 0; r < rows; r++)
            {
                var row = acc.Span.Slice(tokens[r] * G, G);
                System.Numerics.Tensors.TensorPrimitives.Add(row, dGates.Span.Slice(r * G, G), row);
            }
            var g = wIh.Grad.Span;
            var a = acc.Span;
            for (int j = 0; j < G; j++)
                for (int v = 0; v < InputSize; v++) g[j * InputSize + v] += a[v * G + j];
            return;
        }
        var x = layer == 0 ? input! : layerIn[layer]!;
        int d = x.Shape[2];
        Gemm.Multiply(true, false, G, d, rows, 1f, dGates.Ptr, G, x.Ptr, d, 1f, wIh.Grad.Ptr, d);
    }

    /// <summary>dX (=, or += when <paramref name="accumulate"/>) dGates · W_ih.</summary>
    void InputGrad(DirCache c, Tensor dIn, bool accumulate)
    {
        int rows = steps * batch, G = GateCount * HiddenSize, d = dIn.Shape[2];
        Gemm.Multiply(false, false, rows, d, G, 1f, c.DGates!.Ptr, G, WeightIh(c).Value.Ptr, d, accumulate ? 1f : 0f, dIn.Ptr, d);
    }

    /// <summary>Runs the two directions of a layer at once, one part each (see <see cref="SideBySide"/>).</summary>
    sealed class DirectionJob(Recurrent owner) : IParallelWork
    {
        int layer;
        bool backward;
        RecurrentState? state;
        Tensor? dOut;
        byte* active;

        public void Run(int layer, RecurrentState? state, byte* active, bool backward, Tensor? dOut = null)
        {
            this.layer = layer; this.state = state; this.active = active; this.backward = backward; this.dOut = dOut;
            Workers.Run(this, 2);
            this.state = null; this.dOut = null;
        }

        public void Run(int part)
        {
            var c = owner.caches[layer * 2 + part];
            if (backward) owner.BackwardDirection(c, dOut!, state, active, inline: true);
            else owner.ForwardDirection(c, state, active, inline: true);
        }
    }

    /// <summary>
    /// Blocks of batch rows to sweep on separate threads, or 1. Rows never meet in the recurrence, so a
    /// block runs all its steps without waiting for the others: one fork per direction instead of two per
    /// step. Each block multiplies all of W_hh at every step, so blocks hold at least MR rows (one
    /// micro-kernel strip); smaller batches split each step's product by columns instead.
    /// </summary>
    int RowBlocks => Workers.Count > 1 ? Math.Min(Workers.Count, batch / Gemm.MR) : 1;

    /// <summary>Sweeps one direction as <see cref="RowBlocks"/> row blocks, one part each, on the worker pool.</summary>
    sealed class SweepJob(Recurrent owner) : IParallelWork
    {
        DirCache? cache;
        Tensor? dOut;
        byte* active;
        int parts;

        /// <summary>Forward when <paramref name="dOut"/> is null, else backward with that output gradient.</summary>
        public void Run(DirCache c, byte* active, Tensor? dOut)
        {
            cache = c; this.active = active; this.dOut = dOut;
            parts = owner.RowBlocks;
            Workers.Run(this, parts);
            cache = null; this.dOut = null;
        }

        /// <summary>Part p takes whole MR-row strips [p·S/parts, (p+1)·S/parts) of the S strips covering the batch.</summary>
        public void Run(int part)
        {
            int n = owner.batch, mr = Gemm.MR, strips = (n + mr - 1) / mr;
            int r0 = Math.Min(n, strips * part / parts * mr), r1 = Math.Min(n, strips * (part + 1) / parts * mr);
            if (dOut == null) owner.SweepRows(cache!, r0, r1, active);
            else owner.SweepBackRows(cache!, dOut, r0, r1, active);
        }
    }

    /// <summary>Runs a step's gate kernel over row blocks on the worker pool (rows are independent).</summary>
    sealed class RowJob(Recurrent owner) : IParallelWork
    {
        const int MinElementsPerPart = 8192;
        DirCache? cache;
        int t, parts;
        bool backward;
        byte* active;

        public void Run(DirCache c, int step, bool backward, byte* active)
        {
            cache = c; t = step; this.backward = backward; this.active = active;
            int n = owner.batch;
            parts = Math.Clamp(n * owner.HiddenSize / MinElementsPerPart, 1, Math.Min(n, Workers.Count));
            if (parts == 1) Run(0);
            else Workers.Run(this, parts);
            cache = null;
        }

        public void Run(int part)
        {
            int n = owner.batch;
            int r0 = n * part / parts, r1 = n * (part + 1) / parts;
            if (backward) owner.BackwardRows(cache!, t, r0, r1, active);
            else owner.ForwardRows(cache!, t, r0, r1, active);
        }
    }
}
