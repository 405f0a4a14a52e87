// nn.RNN (Elman): h_t = act(x·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh) with act tanh or relu.
// Caches per direction: Gates (T, N, H) holds the activations h_t.
using Recur.Kernels;

namespace Recur.Nn;

/// <summary>Multi-layer Elman RNN (nonlinearity "tanh" or "relu") with PyTorch's names and initialisation.</summary>
public sealed unsafe class Rnn : Recurrent
{
    /// <summary>True for nonlinearity="relu"; false for "tanh" (PyTorch's default).</summary>
    public bool Relu { get; }

    /// <summary>nn.RNN(D, H, num_layers, nonlinearity, bias, batch_first=False, dropout, bidirectional); weights drawn from <paramref name="rng"/> as PyTorch draws them, U(-1/√H, 1/√H).</summary>
    public Rnn(int inputSize, int hiddenSize, Rng rng, int numLayers = 1, bool bidirectional = false, float dropout = 0, bool bias = true, bool relu = false)
        : base(inputSize, hiddenSize, numLayers, bidirectional, dropout, bias, rng) => Relu = relu;

    /// <summary>1: the step is h_t = act(x·W_ihᵀ + b_ih + h_{t-1}·W_hhᵀ + b_hh) alone.</summary>
    public override int GateCount => 1;

    private protected override void AllocateCellBuffers(DirCache c, int steps, int batch) { }

    private protected override void InputBias(DirCache c, Span<float> bias) => CellMath.SumBiases(BiasIh(c), BiasHh(c), bias);

    private protected override void HiddenProjection(DirCache c, int t, int r0, int r1)
    {
        int n = Batch, h = HiddenSize;
        Gemm.Multiply(false, ActiveRows(t, r0, r1), 1f, c.Hs!.Ptr + ((long)c.Prev(t) * n + r0) * h, h, c.WhhT, 1f, c.Gates!.Ptr + ((long)t * n + r0) * h, h);
    }

    private protected override void ForwardRows(DirCache c, int t, int r0, int r1, byte* active)
    {
        long nh = (long)Batch * HiddenSize;
        RnnKernels.Forward(r0, r1, HiddenSize, Relu, c.Gates!.Ptr + t * nh, c.Hs!.Ptr + c.Prev(t) * nh, c.Hs.Ptr + c.Cur(t) * nh, active);
    }

    private protected override void BackwardRows(DirCache c, int t, int r0, int r1, byte* active)
    {
        long nh = (long)Batch * HiddenSize;
        RnnKernels.Backward(r0, r1, HiddenSize, Relu, c.Gates!.Ptr + t * nh, c.Dh!.Ptr, c.DGates!.Ptr + t * nh, active);
    }
}
