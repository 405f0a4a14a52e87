// nn.LSTM: gates i, f, g, o (PyTorch order); per step
//   [i f g o] = x·W_ihᵀ + h_{t-1}·W_hhᵀ + b_ih + b_hh;  c_t = σf∘c_{t-1} + σi∘tanh g;  h_t = σo∘tanh(c_t)
// Caches per direction: Gates (T, N, 4H) activations, Extra (T, N, H) tanh(c_t), Cs (T+1, N, H).
using Recur.Kernels;

namespace Recur.Nn;

/// <summary>Multi-layer LSTM with PyTorch's parameter names, shapes, gate order and initialisation.</summary>
public sealed unsafe class Lstm : Recurrent
{
    /// <summary>nn.LSTM(D, H, num_layers, bias, batch_first=False, dropout, bidirectional); weights drawn from <paramref name="rng"/> as PyTorch draws them, U(-1/√H, 1/√H).</summary>
    public Lstm(int inputSize, int hiddenSize, Rng rng, int numLayers = 1, bool bidirectional = false, float dropout = 0, bool bias = true)
        : base(inputSize, hiddenSize, numLayers, bidirectional, dropout, bias, rng) { }

    /// <summary>4: i, f, g, o.</summary>
    public override int GateCount => 4;
    /// <summary>True: an LSTM's state holds c beside h.</summary>
    public override bool HasCellState => true;

    private protected override void AllocateCellBuffers(DirCache c, int steps, int batch)
    {
        Workspace.Ensure(ref c.Extra, steps, batch, HiddenSize);
        Workspace.Ensure(ref c.Cs, steps + 1, batch, HiddenSize);
    }

    private protected override bool GateGradsInPlace => true;

    private protected override void InputBias(DirCache c, Span<float> bias) => CellMath.SumBiases(BiasIh(c), BiasHh(c), bias);

    private protected override void HiddenProjection(DirCache c, int t, int r0, int r1)
    {
        int n = Batch, h = HiddenSize, g = 4 * h;
        Gemm.Multiply(false, ActiveRows(t, r0, r1), 1f, c.Hs!.Ptr + ((long)c.Prev(t) * n + r0) * h, h, c.WhhT, 1f, c.Gates!.Ptr + ((long)t * n + r0) * g, g);
    }

    private protected override void ForwardRows(DirCache c, int t, int r0, int r1, byte* active)
    {
        long nh = (long)Batch * HiddenSize;
        LstmKernels.Forward(r0, r1, HiddenSize, c.Gates!.Ptr + t * 4 * nh, c.Cs!.Ptr + c.Prev(t) * nh, c.Cs.Ptr + c.Cur(t) * nh,
            c.Extra!.Ptr + t * nh, c.Hs!.Ptr + c.Prev(t) * nh, c.Hs.Ptr + c.Cur(t) * nh, active);
    }

    private protected override void BackwardRows(DirCache c, int t, int r0, int r1, byte* active)
    {
        long nh = (long)Batch * HiddenSize;
        LstmKernels.Backward(r0, r1, HiddenSize, c.Gates!.Ptr + t * 4 * nh, c.Cs!.Ptr + c.Prev(t) * nh, c.Extra!.Ptr + t * nh,
            c.Dh!.Ptr, c.Dc!.Ptr, c.DGates!.Ptr + t * 4 * nh, active);
    }
}
