// nn.GRUCell: one GRU step, gates r, z, n; see RecurrentCell for the recording rules.
using Recur.Kernels;

namespace Recur.Nn;

/// <summary>One GRU time step with PyTorch's GRUCell names.</summary>
public sealed unsafe class GruCell : RecurrentCell
{
    /// <summary>nn.GRUCell(D = <paramref name="inputSize"/>, H = <paramref name="hiddenSize"/>, bias): every weight ~ U(-1/√H, 1/√H), drawn from <paramref name="rng"/> in PyTorch's order.</summary>
    public GruCell(int inputSize, int hiddenSize, Rng rng, bool bias = true) : base(inputSize, hiddenSize, bias, rng) { }

    /// <summary>3: r, z, n.</summary>
    public override int GateCount => 3;

    /// <summary>h' from x (N, D) and h (N, H); owned by the cell until the step is reused.</summary>
    public Tensor Forward(Tensor x, Tensor h) => StepForward(x, h, null).H!;

    /// <summary>From the gradient reaching h' of the latest step: (dx, dh) for its inputs.</summary>
    public (Tensor Dx, Tensor Dh) Backward(Tensor dh)
    {
        var s = StepBackward(dh, null);
        return (s.Dx!, s.Dh!);
    }

    private protected override void InputBias(Span<float> bias) => CellMath.SumBiases(BiasIh, null, bias);

    private protected override void StepKernel(StepRecord s, int n)
    {
        int h = HiddenSize;
        var gh = Workspace.Ensure(ref s.Gh, n, 3 * h);
        Gemm.MultiplyPlusBias(false, true, n, 3 * h, h, 1f, s.HPrev!.Ptr, h, WeightHh.Value.Ptr, h, BiasHh != null ? BiasHh.Value.Ptr : null, gh.Ptr, 3 * h);
        var ghN = Workspace.Ensure(ref s.Extra, n, h);
        GruKernels.Forward(0, n, h, s.Gates!.Ptr, gh.Ptr, ghN.Ptr, s.HPrev.Ptr, s.H!.Ptr, null);
    }

    private protected override Tensor BackwardKernel(StepRecord s, int n)
    {
        var dGh = Workspace.Ensure(ref s.DGh, n, 3 * HiddenSize);
        GruKernels.Backward(0, n, HiddenSize, s.Gates!.Ptr, s.Extra!.Ptr, s.HPrev!.Ptr, s.Dh!.Ptr, s.DGates!.Ptr, dGh.Ptr, null);
        return dGh;
    }
}
