// One time step of a recurrent cell (nn.LSTMCell, nn.GRUCell, nn.RNNCell), for code that steps time
// itself: seed 000 builds its model as a loop over cell steps, and sampling feeds one character at a time.
// Each step computes its pre-activations in exactly the layer's order and with the same kernels, so a
// sequence stepped through a cell equals the layer bit for bit.
//
// In training mode every Forward records the step (inputs, activations) and Backward consumes the most
// recent unconsumed one: call Forward for t = 0..T-1, then Backward for t = T-1..0. Records are reused,
// so steady-state stepping allocates nothing. In eval mode nothing is recorded.
// Shapes: x (N, D), h and c (N, H), gates (N, G·H).
using Recur.Kernels;

namespace Recur.Nn;

/// <summary>Base of <see cref="LstmCell"/>, <see cref="GruCell"/> and <see cref="RnnCell"/>.</summary>
public abstract unsafe class RecurrentCell : Module
{
    /// <summary>D, the features of x.</summary>
    public int InputSize { get; }
    /// <summary>H, the features of h (and c).</summary>
    public int HiddenSize { get; }
    /// <summary>Gates per hidden unit, G: 4 (LSTM), 3 (GRU), 1 (RNN); the weights have G·H rows.</summary>
    public abstract int GateCount { get; }
    /// <summary>True when a step carries a cell state c beside h (LSTM only).</summary>
    public virtual bool HasCellState => false;
    /// <summary>"weight_ih" (G·H, D).</summary>
    public Parameter WeightIh { get; }
    /// <summary>"weight_hh" (G·H, H).</summary>
    public Parameter WeightHh { get; }
    /// <summary>"bias_ih" (G·H), or null.</summary>
    public Parameter? BiasIh { get; }
    /// <summary>"bias_hh" (G·H), or null.</summary>
    public Parameter? BiasHh { get; }

    /// <summary>What one step keeps for its backward pass, plus its outputs and input gradients.</summary>
    private protected sealed class StepRecord
    {
        public Tensor? X, HPrev, CPrev;   // (N, D), (N, H), (N, H) copies of the step's inputs
        public Tensor? Gates, Extra, Gh;  // (N, G·H), (N, H), (N, G·H): as in the layers
        public Tensor? H, C;              // (N, H) outputs
        public Tensor? DGates, DGh;       // (N, G·H)
        public Tensor? Dx, Dh, Dc;        // (N, D), (N, H), (N, H) gradients returned by Backward
        public Tensor? Bias;              // (G·H)
    }

    readonly List<StepRecord> records = [];
    readonly StepRecord evalRecord = new();
    int recorded;

    /// <summary>Adds the four parameters in PyTorch's order (the biases only with <paramref name="bias"/>) and fills each from U(-1/√H, 1/√H) in that order; sizes must be positive.</summary>
    protected RecurrentCell(int inputSize, int hiddenSize, bool bias, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (inputSize <= 0 || hiddenSize <= 0) throw new ArgumentOutOfRangeException(nameof(inputSize), "sizes must be positive");
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        int g = GateCount * hiddenSize;
        WeightIh = AddParameter("weight_ih", g, inputSize);
        WeightHh = AddParameter("weight_hh", g, hiddenSize);
        if (bias)
        {
            BiasIh = AddParameter("bias_ih", g);
            BiasHh = AddParameter("bias_hh", g);
        }
        float bound = 1f / MathF.Sqrt(hiddenSize);
        foreach (var (_, p) in NamedParameters()) rng.FillUniform(p.Value.Span, -bound, bound);
    }

    /// <summary>Steps recorded in training mode and not yet consumed by Backward.</summary>
    public int RecordedSteps => recorded;

    /// <summary>Forgets recorded steps (e.g. a sequence abandoned without a backward pass).</summary>
    public void ClearSteps() => recorded = 0;

    /// <summary>Runs one step. Returns h (and c for an LSTM), owned by the cell's step record.</summary>
    private protected StepRecord StepForward(Tensor x, Tensor h, Tensor? c)
    {
        int n = x.Rank == 2 ? x.Shape[0] : -1;
        if (n <= 0 || x.Shape[1] != InputSize) throw new ArgumentException($"input {x} is not (N, {InputSize})");
        if (h.Rank != 2 || h.Shape[0] != n || h.Shape[1] != HiddenSize) throw new ArgumentException($"h {h} is not ({n}, {HiddenSize})");
        if (HasCellState && (c == null || !c.SameShape(h))) throw new ArgumentException($"c must be ({n}, {HiddenSize})");
        StepRecord s;
        if (Training)
        {
            if (recorded == records.Count) records.Add(new StepRecord());
            s = records[recorded++];
        }
        else s = evalRecord;
        int H = HiddenSize, G = GateCount * H;
        Workspace.Ensure(ref s.X, n, InputSize).CopyFrom(x.Span);
        Workspace.Ensure(ref s.HPrev, n, H).CopyFrom(h.Span);
        if (HasCellState) Workspace.Ensure(ref s.CPrev, n, H).CopyFrom(c!.Span);
        var gates = Workspace.Ensure(ref s.Gates, n, G);
        Workspace.Ensure(ref s.H, n, H);
        var bias = Workspace.Ensure(ref s.Bias, G);
        // gates = bias + x·W_ihᵀ, as Recurrent.ProjectInputs
        InputBias(bias.Span);
        Gemm.MultiplyPlusBias(false, true, n, G, InputSize, 1f, s.X!.Ptr, InputSize, WeightIh.Value.Ptr, InputSize, bias.Ptr, gates.Ptr, G);
        StepKernel(s, n);
        return s;
    }

    /// <summary>Backward for the most recent recorded step; accumulates parameter gradients.</summary>
    private protected StepRecord StepBackward(Tensor dh, Tensor? dc)
    {
        if (recorded == 0) throw new InvalidOperationException("Backward without a recorded Forward step (is the cell in eval mode?)");
        var s = records[--recorded];
        int n = s.X!.Shape[0], H = HiddenSize, G = GateCount * H;
        if (!dh.SameShape(s.H!)) throw new ArgumentException($"dh {dh} is not ({n}, {H})");
        Workspace.Ensure(ref s.Dh, n, H).CopyFrom(dh.Span);
        if (HasCellState)
        {
            if (dc == null || !dc.SameShape(s.H!)) throw new ArgumentException($"dc must be ({n}, {H})");
            Workspace.Ensure(ref s.Dc, n, H).CopyFrom(dc.Span);
        }
        var dGates = Workspace.Ensure(ref s.DGates, n, G);
        var dGh = BackwardKernel(s, n);
        // dh_prev = (pass-through part left in Dh) + dGh·W_hh;  dx = dGates·W_ih
        Gemm.Multiply(false, false, n, H, G, 1f, dGh.Ptr, G, WeightHh.Value.Ptr, H, 1f, s.Dh!.Ptr, H);
        var dx = Workspace.Ensure(ref s.Dx, n, InputSize);
        Gemm.Multiply(false, false, n, InputSize, G, 1f, dGates.Ptr, G, WeightIh.Value.Ptr, InputSize, 0f, dx.Ptr, InputSize);
        Gemm.Multiply(true, false, G, InputSize, n, 1f, dGates.Ptr, G, s.X.Ptr, InputSize, 1f, WeightIh.Grad.Ptr, InputSize);
        Gemm.Multiply(true, false, G, H, n, 1f, dGh.Ptr, G, s.HPrev!.Ptr, H, 1f, WeightHh.Grad.Ptr, H);
        if (BiasIh != null) Reduce.AddColumnSums(dGates.Span, BiasIh.Grad.Span, dGh.Span, BiasHh!.Grad.Span, n, G);
        return s;
    }

    /// <summary>The bias added to the input projection (LSTM/RNN: b_ih + b_hh; GRU: b_ih).</summary>
    private protected abstract void InputBias(Span<float> bias);

    /// <summary>Adds the hidden projection and runs the gate kernel, filling s.H (and s.C).</summary>
    private protected abstract void StepKernel(StepRecord s, int n);

    /// <summary>Fills s.DGates from s.Dh (and s.Dc); returns the hidden-side gate gradient.</summary>
    private protected abstract Tensor BackwardKernel(StepRecord s, int n);
}
