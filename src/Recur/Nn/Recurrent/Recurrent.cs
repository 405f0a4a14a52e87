// The machinery shared by nn.RNN, nn.GRU and nn.LSTM: stacked layers, two directions, dropout between
// layers, an initial state in and a final state out, token (one-hot) input, and variable-length
// sequences with packed semantics. Cell-specific math (one time step, forward and backward) lives in
// Lstm.cs, Gru.cs and Rnn.cs.
//
// Shapes: T steps, N batch, D input, H hidden, G gates (LSTM 4, GRU 3, RNN 1), dirs 1 or 2.
//   input (T, N, D) time-major, or tokens (T·N) with D = vocabulary;  output (T, N, dirs·H).
// Per layer l and direction d (PyTorch names, suffix "_reverse" for d = 1):
//   weight_ih_l{l} (G·H, D_l), weight_hh_l{l} (G·H, H), bias_ih_l{l} (G·H), bias_hh_l{l} (G·H).
// Forward per layer/direction: one GEMM projects all T·N inputs; then per step a GEMM with the
// pre-packed W_hh and a fused gate kernel. Backward sweeps time in reverse, then forms dW_ih, dW_hh
// and dX each as a single GEMM over all steps. On several threads the sweeps run as blocks of batch
// rows, each through all its steps on one thread (rows never meet in the recurrence), unless the
// batch is too small for a block per thread: then each step's GEMM and gate kernel fork instead.
using Recur.Kernels;

namespace Recur.Nn;

/// <summary>Multi-layer, optionally bidirectional recurrent layer (base of <see cref="Lstm"/>, <see cref="Gru"/>, <see cref="Rnn"/>).</summary>
public abstract unsafe partial class Recurrent : Module
{
    /// <summary>D, the features of each input step (the vocabulary size for token input).</summary>
    public int InputSize { get; }
    /// <summary>H, the features of h (and c) per direction.</summary>
    public int HiddenSize { get; }
    /// <summary>L, the stacked layers; layer l > 0 reads layer l - 1's output (dirs·H).</summary>
    public int NumLayers { get; }
    /// <summary>True when every layer also runs a reverse direction ("_reverse" parameters), its output beside the forward one.</summary>
    public bool Bidirectional { get; }
    /// <summary>Dropout probability on the outputs of every layer but the last (training mode only).</summary>
    public float Dropout { get; }
    /// <summary>False when the layer was built with bias: false (no bias_ih / bias_hh).</summary>
    public bool HasBias { get; }
    /// <summary>dirs: 2 when bidirectional, else 1.</summary>
    public int Directions => Bidirectional ? 2 : 1;
    /// <summary>Gates per hidden unit: 4 (LSTM), 3 (GRU), 1 (RNN).</summary>
    public abstract int GateCount { get; }
    /// <summary>True for an LSTM, whose state has a cell part.</summary>
    public virtual bool HasCellState => false;

    readonly RecurrentWeights weights;
    readonly Rng dropoutRng;

    /// <summary>The generator of the inter-layer dropout masks; save and restore its State to resume exactly.</summary>
    public Rng DropoutRng => dropoutRng;

    /// <summary>Forward caches and backward scratch of one layer and direction.</summary>
    private protected sealed class DirCache
    {
        public int Layer, Dir;
        public bool Forward => Dir == 0;
        public Tensor? Gates;      // (T, N, G·H) pre-activations, then the cell's activations
        public Tensor? Extra;      // (T, N, H) LSTM tanh(c); GRU gh_n; RNN unused
        public Tensor? Hs, Cs;     // (T+1, N, H) states; see Cur/Prev for which row is which step
        public Tensor? Gh;         // (N, G·H) GRU hidden projection of the current step
        public Tensor? DGates;     // (T, N, G·H) gradient of the input-side pre-activations
        public Tensor? DGh;        // (T, N, G·H) GRU: gradient of the hidden-side pre-activations
        public Tensor? Dh, Dc;     // (N, H) gradient flowing back through h and c
        public Tensor? Bias;       // (G·H) added to every input projection
        public readonly PackedMatrix WhhT = new(), Whh = new(), WihT = new();
        public Tensor? TokenTable;         // (V, G·H) W_ihᵀ + input bias of a token-input layer: one contiguous row per token
        public Tensor? TokenGrad;          // (V, G·H) its gradient, gathered per token in backward
        public bool WhhTReady, WihTReady, TokenTableReady;   // kept while the layer's weights are frozen
        // Forward runs t = 0..T-1 with state rows h_{t} at Hs[t+1], previous at Hs[t];
        // the reverse direction runs t = T-1..0 with h_t at Hs[t], previous at Hs[t+1].
        public int Cur(int t) => Forward ? t + 1 : t;
        public int Prev(int t) => Forward ? t : t + 1;
    }

    private protected readonly DirCache[] caches;
    Tensor?[] layerOut = [], layerIn = [], masks = [], dLayerIn = [];
    Tensor? input;
    int[] tokens = [];
    byte[] activeFlags = [];
    int[] activeRows = [];   // (T) rows to compute at step t: all of them, or with lengths sorted longest first, the active prefix
    bool hasLengths, tokenInput, forwardWasTraining;
    int steps, batch;
    RecurrentState? finalState, initialGrad;
    readonly RowJob rowJob;
    readonly SweepJob sweepJob;
    readonly DirectionJob directionJob;

    /// <summary>Adds the parameters in PyTorch's order, each ~ U(-1/√H, 1/√H) from <paramref name="rng"/>, then forks <paramref name="rng"/> for the dropout masks; sizes must be positive and dropout in [0, 1).</summary>
    protected Recurrent(int inputSize, int hiddenSize, int numLayers, bool bidirectional, float dropout, bool bias, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputSize), "input size, hidden size and layers must be positive");
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentOutOfRangeException(nameof(dropout), "dropout must be in [0, 1)");
        (InputSize, HiddenSize, NumLayers, Bidirectional, Dropout, HasBias) = (inputSize, hiddenSize, numLayers, bidirectional, dropout, bias);
        int dirs = Directions;
        weights = new RecurrentWeights(AddParameter, inputSize, hiddenSize, GateCount * hiddenSize, numLayers, dirs, bias, rng);
        caches = new DirCache[numLayers * dirs];
        for (int l = 0; l < numLayers; l++)
            for (int d = 0; d < dirs; d++) caches[l * dirs + d] = new DirCache { Layer = l, Dir = d };
        dropoutRng = rng.Fork();
        rowJob = new RowJob(this);
        sweepJob = new SweepJob(this);
        directionJob = new DirectionJob(this);
    }

    private protected Parameter WeightIh(DirCache c) => weights.Ih[c.Layer * Directions + c.Dir];
    private protected Parameter WeightHh(DirCache c) => weights.Hh[c.Layer * Directions + c.Dir];
    private protected Parameter? BiasIh(DirCache c) => weights.BiasIh[c.Layer * Directions + c.Dir];
    private protected Parameter? BiasHh(DirCache c) => weights.BiasHh[c.Layer * Directions + c.Dir];

    /// <summary>The state after the last forward call (layer-owned; copy it to keep it).</summary>
    public RecurrentState FinalState => finalState ?? throw new InvalidOperationException("no forward pass yet");

    /// <summary>Gradient with respect to the initial state, after the last backward call.</summary>
    public RecurrentState InitialStateGrad => initialGrad ?? throw new InvalidOperationException("no backward pass yet");

    /// <summary>
    /// Runs the whole sequence. <paramref name="x"/> is (T, N, D) and must stay unchanged until Backward.
    /// <paramref name="lengths"/> (N), when given, are each sequence's true length (0..T): steps past it
    /// are padding that never changes a result, its outputs are zero and the final state is taken at the
    /// sequence's own last step. <paramref name="initial"/> null means zeros.
    /// </summary>
    /// <returns>(T, N, dirs·H), owned by the layer until the next call.</returns>
    public Tensor Forward(Tensor x, ReadOnlySpan<int> lengths = default, RecurrentState? initial = null)
    {
        if (x.Rank != 3 || x.Shape[2] != InputSize)
            throw new ArgumentException($"input {x} is not (T, N, {InputSize})");
        tokenInput = false;
        input = x;
        return Run(x.Shape[0], x.Shape[1], lengths, initial);
    }

    /// <summary>
    /// Runs token ids (T·N, time-major) as one-hot input of width InputSize (the vocabulary): the input
    /// projection is a column lookup in W_ih, exactly what a one-hot GEMM computes, at a fraction of the cost.
    /// </summary>
    public Tensor ForwardTokens(ReadOnlySpan<int> ids, int steps, int batch, ReadOnlySpan<int> lengths = default, RecurrentState? initial = null)
    {
        if (steps <= 0 || batch <= 0 || ids.Length != steps * batch)
            throw new ArgumentException($"{ids.Length} token ids do not make {steps} steps × {batch} sequences");
        foreach (int id in ids)
            if ((uint)id >= (uint)InputSize) throw new ArgumentOutOfRangeException(nameof(ids), $"token id {id} is outside the vocabulary 0..{InputSize - 1}");
        if (tokens.Length != ids.Length) tokens = new int[ids.Length];
        ids.CopyTo(tokens);
        tokenInput = true;
        input = null;
        return Run(steps, batch, lengths, initial);
    }

    Tensor Run(int t, int n, ReadOnlySpan<int> lengths, RecurrentState? initial)
    {
        steps = t; batch = n;
        gatesConsumed = false;
        int dirs = Directions, H = HiddenSize, L = NumLayers;
        if (initial != null && !initial.Fits(L * dirs, n, H, HasCellState))
            throw new ArgumentException($"initial state {initial.H} does not fit ({L * dirs}, {n}, {H})" + (HasCellState ? " with a cell state" : ""));
        SetLengths(lengths);
        if (finalState == null || !finalState.Fits(L * dirs, n, H, HasCellState)) finalState = new RecurrentState(L * dirs, n, H, HasCellState);
        EnsureLayerBuffers();
        forwardWasTraining = Training;
        byte* active = null;
        fixed (byte* flags = activeFlags)
        {
            if (hasLengths) active = flags;
            for (int l = 0; l < L; l++)
            {
                if (SideBySide) directionJob.Run(l, initial, active, backward: false);
                else
                    for (int d = 0; d < dirs; d++) ForwardDirection(caches[l * dirs + d], initial, active, inline: false);
                if (l < L - 1) ApplyDropout(l);
            }
        }
        return layerOut[L - 1]!;
    }

    /// <summary>
    /// True when the two directions of a layer should run side by side, one thread each, their small
    /// per-step kernels inline: when a step's recurrent product is too small to be worth a fork.
    /// </summary>
    bool SideBySide => Bidirectional && Workers.Count > 1 && (long)batch * GateCount * HiddenSize * HiddenSize < 1 << 20;

    /// <summary>One layer and direction over all steps; <paramref name="inline"/> runs the gate kernels on this thread.</summary>
    void ForwardDirection(DirCache c, RecurrentState? initial, byte* active, bool inline)
    {
        int t = steps, n = batch;
        EnsureCache(c);
        ProjectInputs(c, c.Layer);
        StartState(c, initial);
        if (!c.WhhTReady) c.WhhT.PackTransposed(WeightHh(c).Value);
        c.WhhTReady = frozen;
        if (!inline && RowBlocks > 1) sweepJob.Run(c, active, null);
        else SweepRows(c, 0, n, active, forkGates: !inline);
        CopyOutputs(c, layerOut[c.Layer]!, active);
        EndState(c);
    }

    /// <summary>
    /// Rows [r0, r1) of one direction through every step. The gate kernel runs on this thread, or with
    /// <paramref name="forkGates"/> (the whole batch only) split over the pool; a GEMM forks by itself
    /// unless this thread is already a pool part.
    /// </summary>
    void SweepRows(DirCache c, int r0, int r1, byte* active, bool forkGates = false)
    {
        for (int s = 0; s < steps; s++)
        {
            int step = c.Forward ? s : steps - 1 - s;
            byte* act = active == null ? null : active + step * batch;
            HiddenProjection(c, step, r0, r1);
            if (forkGates) rowJob.Run(c, step, backward: false, act);
            else ForwardRows(c, step, r0, r1, act);
        }
    }

    void SetLengths(ReadOnlySpan<int> lengths)
    {
        hasLengths = false;
        if (activeRows.Length < steps) activeRows = new int[steps];
        if (lengths.IsEmpty) return;
        if (lengths.Length != batch) throw new ArgumentException($"{lengths.Length} lengths for a batch of {batch}");
        if (activeFlags.Length != steps * batch) activeFlags = new byte[steps * batch];
        for (int i = 0; i < batch; i++)
        {
            if (lengths[i] < 0 || lengths[i] > steps) throw new ArgumentOutOfRangeException(nameof(lengths), $"length {lengths[i]} is outside 0..{steps}");
            if (lengths[i] < steps) hasLengths = true;
        }
        for (int s = 0; s < steps; s++)
            for (int i = 0; i < batch; i++) activeFlags[s * batch + i] = (byte)(s < lengths[i] ? 1 : 0);
        // Lengths sorted longest first (as PyTorch packs them) make the active rows of every step a prefix:
        // the recurrent GEMMs then skip the finished sequences entirely.
        bool sorted = true;
        for (int i = 1; i < batch; i++) sorted &= lengths[i] <= lengths[i - 1];
        for (int s = 0; s < steps; s++)
        {
            int rows = batch;
            if (sorted) { rows = 0; while (rows < batch && lengths[rows] > s) rows++; }
            activeRows[s] = rows;
        }
    }

    /// <summary>Rows of step t whose recurrent GEMMs must run (the rest are padding that passes state through).</summary>
    private protected int RowsAt(int t) => hasLengths ? activeRows[t] : batch;

    /// <summary>How many of rows [r0, r1) of step t need the recurrent GEMM (0 or less: none).</summary>
    private protected int ActiveRows(int t, int r0, int r1) => Math.Min(r1, RowsAt(t)) - r0;

    void EnsureLayerBuffers()
    {
        int L = NumLayers, width = Directions * HiddenSize;
        if (layerOut.Length != L) { layerOut = new Tensor?[L]; layerIn = new Tensor?[L]; masks = new Tensor?[L]; dLayerIn = new Tensor?[L]; }
        for (int l = 0; l < L; l++) Workspace.Ensure(ref layerOut[l], steps, batch, width);
    }

    void EnsureCache(DirCache c)
    {
        int T = steps, N = batch, H = HiddenSize, G = GateCount * H;
        Workspace.Ensure(ref c.Gates, T, N, G);
        Workspace.Ensure(ref c.Hs, T + 1, N, H);
        Workspace.Ensure(ref c.Bias, G);
        AllocateCellBuffers(c, T, N);
    }

    /// <summary>Gates (T·N, G·H) = bias + X·W_ihᵀ (or the W_ih columns of the tokens).</summary>
    void ProjectInputs(DirCache c, int layer)
    {
        int rows = steps * batch, G = GateCount * HiddenSize;
        var bias = c.Bias!.Span;
        InputBias(c, bias);
        var gates = c.Gates!;
        var w = WeightIh(c).Value;
        if (layer == 0 && tokenInput)
        {
            // Table (V, G·H) = W_ihᵀ + bias: one contiguous row per token, so a row of gates is one copy.
            // (bias + W[:, token] is exactly what a one-hot GEMM on top of the bias computes.)
            var table = Workspace.Ensure(ref c.TokenTable, InputSize, G);
            if (!c.TokenTableReady)
            {
                Transpose(w, table);
                for (int v = 0; v < InputSize; v++)
                    System.Numerics.Tensors.TensorPrimitives.Add(table.Span.Slice(v * G, G), bias, table.Span.Slice(v * G, G));
            }
            c.TokenTableReady = frozen;
            for (int r = 0; r < rows; r++) table.Span.Slice(tokens[r] * G, G).CopyTo(gates.Span.Slice(r * G, G));
            return;
        }
        var x = layer == 0 ? input! : layerIn[layer]!;
        int d = x.Shape[2];
        if (frozen)
        {
            if (!c.WihTReady) c.WihT.PackTransposed(w);
            c.WihTReady = true;
            Gemm.MultiplyPlusBias(false, rows, 1f, x.Ptr, d, c.WihT, c.Bias.Ptr, gates.Ptr, G);
        }
        else Gemm.MultiplyPlusBias(false, true, rows, G, d, 1f, x.Ptr, d, w.Ptr, d, c.Bias.Ptr, gates.Ptr, G);
    }

    bool frozen;

    /// <summary>
    /// Evaluation mode with the weights packed once and reused by every Forward, until Train() is called:
    /// for sampling, where each call runs a single step. The weights must not change meanwhile (call
    /// FreezeWeights again after changing them). Results equal the unfrozen layer's exactly.
    /// </summary>
    public void FreezeWeights()
    {
        Eval();
        frozen = true;
        foreach (var c in caches) c.WhhTReady = c.WihTReady = c.TokenTableReady = false;
    }

    /// <summary>Training mode ends <see cref="FreezeWeights"/>: the packed weights would go stale as they train.</summary>
    protected override void OnTrainingChanged(bool training)
    {
        if (!training) return;
        frozen = false;
        foreach (var c in caches) c.WhhTReady = c.WihTReady = c.TokenTableReady = false;
    }

    void StartState(DirCache c, RecurrentState? initial)
    {
        int i = c.Layer * Directions + c.Dir, n = batch * HiddenSize;
        var h0 = c.Hs!.Span.Slice(c.Prev(c.Forward ? 0 : steps - 1) * n, n);
        if (initial == null) h0.Clear(); else initial.H.Span.Slice(i * n, n).CopyTo(h0);
        if (c.Cs != null)
        {
            var c0 = c.Cs.Span.Slice(c.Prev(c.Forward ? 0 : steps - 1) * n, n);
            if (initial == null) c0.Clear(); else initial.C!.Span.Slice(i * n, n).CopyTo(c0);
        }
    }

    void EndState(DirCache c)
    {
        int i = c.Layer * Directions + c.Dir, n = batch * HiddenSize;
        int last = c.Forward ? steps : 0;
        c.Hs!.Span.Slice(last * n, n).CopyTo(finalState!.H.Span.Slice(i * n, n));
        if (c.Cs != null) c.Cs.Span.Slice(last * n, n).CopyTo(finalState.C!.Span.Slice(i * n, n));
    }

    /// <summary>Writes h_t of this direction into columns [d·H, (d+1)·H) of the layer output; zero at padding.</summary>
    void CopyOutputs(DirCache c, Tensor output, byte* active)
    {
        int H = HiddenSize, width = Directions * H;
        for (int t = 0; t < steps; t++)
        {
            var hs = c.Hs!.Span.Slice(c.Cur(t) * batch * H, batch * H);
            for (int i = 0; i < batch; i++)
            {
                var dst = output.Span.Slice((t * batch + i) * width + c.Dir * H, H);
                if (active != null && active[t * batch + i] == 0) dst.Clear();
                else hs.Slice(i * H, H).CopyTo(dst);
            }
        }
    }

    /// <summary>Input of layer l+1: layer l's output, through inverted dropout when training.</summary>
    void ApplyDropout(int l)
    {
        var outL = layerOut[l]!;
        if (!Training || Dropout == 0) { layerIn[l + 1] = outL; return; }
        var mask = Workspace.Ensure(ref masks[l], steps, batch, Directions * HiddenSize);
        var m = mask.Span;
        Recur.Nn.Dropout.FillMask(dropoutRng, Dropout, m);
        Tensor? dropped = layerIn[l + 1];
        if (dropped == null || dropped == outL) dropped = null;
        var dst = Workspace.Ensure(ref dropped, steps, batch, Directions * HiddenSize);
        layerIn[l + 1] = dst;
        System.Numerics.Tensors.TensorPrimitives.Multiply(outL.Span, m, dst.Span);
    }

    /// <summary>dst (cols, rows) = src (rows, cols)ᵀ.</summary>
    private protected static void Transpose(Tensor src, Tensor dst)
    {
        int rows = src.Shape[0], cols = src.Shape[1];
        var s = src.Span; var d = dst.Span;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) d[c * rows + r] = s[r * cols + c];
    }

    // ---- cell-specific parts ----

    /// <summary>
    /// True when the backward kernel may overwrite step t's gate activations with their gradients (it reads
    /// each element's gates before writing them, and nothing later needs the activations): one (T, N, G·H)
    /// buffer fewer. Backward then consumes the forward cache: run Forward again before another Backward.
    /// </summary>
    private protected virtual bool GateGradsInPlace => false;
    bool gatesConsumed;

    /// <summary>Allocates the cell's own buffers (Extra, Cs, Gh, ...) for T steps of N rows.</summary>
    private protected abstract void AllocateCellBuffers(DirCache c, int steps, int batch);

    /// <summary>The bias added to the input projection (LSTM/RNN: b_ih + b_hh; GRU: b_ih).</summary>
    private protected abstract void InputBias(DirCache c, Span<float> bias);

    /// <summary>Adds h_{t-1}·W_hhᵀ for rows [r0, r1) of step t where the step's kernel expects it.</summary>
    private protected abstract void HiddenProjection(DirCache c, int t, int r0, int r1);

    /// <summary>The forward gate kernel for rows [r0, r1) of step t.</summary>
    private protected abstract void ForwardRows(DirCache c, int t, int r0, int r1, byte* active);

    /// <summary>The backward gate kernel for rows [r0, r1) of step t: fills the step's gate gradients from c.Dh (and c.Dc).</summary>
    private protected abstract void BackwardRows(DirCache c, int t, int r0, int r1, byte* active);

    /// <summary>Gradient of the hidden-side pre-activations (T, N, G·H), which W_hh and b_hh receive.</summary>
    private protected virtual Tensor HiddenGateGrads(DirCache c) => c.DGates!;

    private protected int Steps => steps;
    private protected int Batch => batch;
}
