// nn.GRU: gates r, z, n (PyTorch order); per step, with gi = x·W_ihᵀ + b_ih and gh = h_{t-1}·W_hhᵀ + b_hh,
//   r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r∘gh_n), h_t = (1 - z)∘n + z∘h_{t-1}
// Caches per direction: Gates (T, N, 3H) r, z, n; Extra (T, N, H) gh_n; backward also keeps
// DGh (T, N, 3H), the gradient of gh, which differs from that of gi in its n part (scaled by r).
using Recur.Kernels;

namespace Recur.Nn;

/// <summary>Multi-layer GRU with PyTorch's parameter names, shapes, gate order and initialisation.</summary>
public sealed unsafe class Gru : Recurrent
{
    /// <summary>nn.GRU(D, H, num_layers, bias, batch_first=False, dropout, bidirectional); weights drawn from <paramref name="rng"/> as PyTorch draws them, U(-1/√H, 1/√H).</summary>
    public Gru(int inputSize, int hiddenSize, Rng rng, int numLayers = 1, bool bidirectional = false, float dropout = 0, bool bias = true)
        : base(inputSize, hiddenSize, numLayers, bidirectional, dropout, bias, rng) { }

    /// <summary>3: r, z, n.</summary>
    public override int GateCount => 3;

    private protected override void AllocateCellBuffers(DirCache c, int steps, int batch)
    {
        Workspace.Ensure(ref c.Extra, steps, batch, HiddenSize);
        Workspace.Ensure(ref c.Gh, batch, 3 * HiddenSize);
        Workspace.Ensure(ref c.DGh, steps, batch, 3 * HiddenSize);
    }

    private protected override void InputBias(DirCache c, Span<float> bias) => CellMath.SumBiases(BiasIh(c), null, bias);

    private protected override void HiddenProjection(DirCache c, int t, int r0, int r1)
    {
        int n = Batch, h = HiddenSize, g = 3 * h;
        int rows = ActiveRows(t, r0, r1);
        if (rows <= 0) return;
        Gemm.MultiplyPlusBias(false, rows, 1f, c.Hs!.Ptr + ((long)c.Prev(t) * n + r0) * h, h, c.WhhT, BiasHh(c) is { } b ? b.Value.Ptr : null, c.Gh!.Ptr + (long)r0 * g, g);
    }

    private protected override void ForwardRows(DirCache c, int t, int r0, int r1, byte* active)
    {
        long nh = (long)Batch * HiddenSize;
        GruKernels.Forward(r0, r1, HiddenSize, c.Gates!.Ptr + t * 3 * nh, c.Gh!.Ptr, c.Extra!.Ptr + t * nh,
            c.Hs!.Ptr + c.Prev(t) * nh, c.Hs.Ptr + c.Cur(t) * nh, active);
    }

    private protected override void BackwardRows(DirCache c, int t, int r0, int r1, byte* active)
    {
        long nh = (long)Batch * HiddenSize;
        GruKernels.Backward(r0, r1, HiddenSize, c.Gates!.Ptr + t * 3 * nh, c.Extra!.Ptr + t * nh, c.Hs!.Ptr + c.Prev(t) * nh,
            c.Dh!.Ptr, c.DGates!.Ptr + t * 3 * nh, c.DGh!.Ptr + t * 3 * nh, active);
    }

    private protected override Tensor HiddenGateGrads(DirCache c) => c.DGh!;
}
