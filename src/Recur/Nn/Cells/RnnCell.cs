// nn.RNNCell: one Elman step, tanh or relu; see RecurrentCell for the recording rules.
using Recur.Kernels;

namespace Recur.Nn;

/// <summary>One Elman RNN time step with PyTorch's RNNCell names.</summary>
public sealed unsafe class RnnCell : RecurrentCell
{
    /// <summary>True for nonlinearity='relu'; false for tanh (the default).</summary>
    public bool Relu { get; }

    /// <summary>nn.RNNCell(D = <paramref name="inputSize"/>, H = <paramref name="hiddenSize"/>, bias, tanh or ReLU): every weight ~ U(-1/√H, 1/√H), drawn from <paramref name="rng"/> in PyTorch's order.</summary>
    public RnnCell(int inputSize, int hiddenSize, Rng rng, bool bias = true, bool relu = false)
        : base(inputSize, hiddenSize, bias, rng) => Relu = relu;

    /// <summary>1: the step is h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh) alone.</summary>
    public override int GateCount => 1;

    /// <summary>h' from x (N, D) and h (N, H); owned by the cell until the step is reused.</summary>
    public Tensor Forward(Tensor x, Tensor h) => StepForward(x, h, null).H!;

    /// <summary>From the gradient reaching h' of the latest step: (dx, dh) for its inputs.</summary>
    public (Tensor Dx, Tensor Dh) Backward(Tensor dh)
    {
        var s = StepBackward(dh, null);
        return (s.Dx!, s.Dh!);
    }

    private protected override void InputBias(Span<float> bias) => CellMath.SumBiases(BiasIh, BiasHh, bias);

    private protected override void StepKernel(StepRecord s, int n)
    {
        int h = HiddenSize;
        Gemm.Multiply(false, true, n, h, h, 1f, s.HPrev!.Ptr, h, WeightHh.Value.Ptr, h, 1f, s.Gates!.Ptr, h);
        RnnKernels.Forward(0, n, h, Relu, s.Gates.Ptr, s.HPrev.Ptr, s.H!.Ptr, null);
    }

    private protected override Tensor BackwardKernel(StepRecord s, int n)
    {
        RnnKernels.Backward(0, n, HiddenSize, Relu, s.Gates!.Ptr, s.Dh!.Ptr, s.DGates!.Ptr, null);
        return s.DGates;
    }
}
