// nn.LSTMCell: one LSTM step, gates i, f, g, o; see RecurrentCell for the recording rules.
using Recur.Kernels;

namespace Recur.Nn;

/// <summary>One LSTM time step with PyTorch's LSTMCell names (weight_ih, weight_hh, bias_ih, bias_hh).</summary>
public sealed unsafe class LstmCell : RecurrentCell
{
    /// <summary>nn.LSTMCell(D = <paramref name="inputSize"/>, H = <paramref name="hiddenSize"/>, bias): every weight ~ U(-1/√H, 1/√H), drawn from <paramref name="rng"/> in PyTorch's order.</summary>
    public LstmCell(int inputSize, int hiddenSize, Rng rng, bool bias = true) : base(inputSize, hiddenSize, bias, rng) { }

    /// <summary>4: i, f, g, o.</summary>
    public override int GateCount => 4;
    /// <summary>True: an LSTM carries c beside h.</summary>
    public override bool HasCellState => true;

    /// <summary>(h', c') from x (N, D) and (h, c) (N, H); owned by the cell until the step is reused.</summary>
    public (Tensor H, Tensor C) Forward(Tensor x, Tensor h, Tensor c)
    {
        var s = StepForward(x, h, c);
        return (s.H!, s.C!);
    }

    /// <summary>From the gradients reaching (h', c') of the latest step: (dx, dh, dc) for its inputs.</summary>
    public (Tensor Dx, Tensor Dh, Tensor Dc) Backward(Tensor dh, Tensor dc)
    {
        var s = StepBackward(dh, dc);
        return (s.Dx!, s.Dh!, s.Dc!);
    }

    private protected override void InputBias(Span<float> bias) => CellMath.SumBiases(BiasIh, BiasHh, bias);

    private protected override void StepKernel(StepRecord s, int n)
    {
        int h = HiddenSize;
        Gemm.Multiply(false, true, n, 4 * h, h, 1f, s.HPrev!.Ptr, h, WeightHh.Value.Ptr, h, 1f, s.Gates!.Ptr, 4 * h);
        var c = Workspace.Ensure(ref s.C, n, h);
        var tanhC = Workspace.Ensure(ref s.Extra, n, h);
        LstmKernels.Forward(0, n, h, s.Gates.Ptr, s.CPrev!.Ptr, c.Ptr, tanhC.Ptr, s.HPrev.Ptr, s.H!.Ptr, null);
    }

    private protected override Tensor BackwardKernel(StepRecord s, int n)
    {
        LstmKernels.Backward(0, n, HiddenSize, s.Gates!.Ptr, s.CPrev!.Ptr, s.Extra!.Ptr, s.Dh!.Ptr, s.Dc!.Ptr, s.DGates!.Ptr, null);
        return s.DGates;
    }
}
