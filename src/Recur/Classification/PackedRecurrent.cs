// The classifier's fast path: nn.LSTM, nn.GRU or nn.RNN over a packed batch (PyTorch's PackedSequence),
// computing only real tokens. The engine's Recurrent layer (Nn/Recurrent) runs every row of a padded
// (T, N) batch at every step and sizes its caches to T·N; IMDb batches are ~70 % padding, so that costs
// ~3× the arithmetic. Here texts are sorted longest first, so step t holds a prefix of n_t texts, and
// every buffer grows to the largest batch and is then reused. Same parameters, names, gate orders and
// initialisation as the engine's Lstm, Gru and Rnn (tanh), and the same kernels (Gemm, LstmKernels,
// GruKernels, RnnKernels): outputs equal the engine's bit for bit (the tests check this); weight
// gradients sum the same terms in another order (~1e-6 apart).
//
// Threads: the recurrence of one direction is a chain of small steps (a (n_t, H)·(H, G) product and
// a gate kernel), too small to split across threads without a fork per step, which costs more than
// the step itself on a busy machine. But texts never meet in the recurrence, so a block of texts can
// run all its steps on one thread without waiting for the others: the two directions of a
// bidirectional layer run side by side, and with threads to spare each direction runs as blocks of
// texts (about equal numbers of tokens each), one fork per layer and direction, kernels inline. The
// large products over all P rows (input projection, weight gradients, dX) use the worker pool as
// usual. No result depends on the thread count.
//
// Shapes: N texts (longest first), T = the longest length, P = Σ lengths packed rows, D input,
// H hidden, G gates·H (LSTM 4H: i, f, g, o; GRU 3H: r, z, n; RNN H). Row Offsets[t] + i is text i at
// step t (i < n_t). Per layer l and direction d, caches (P, ·) in packed row order:
//   Gates (P, G) activations, HPrev (P, H) the state each step started from (zero at a text's first
//   step in that direction), Hs (P, H) the new state; LSTM CPrev, Cs, Extra = tanh(c) (P, H);
//   GRU Extra = gh_n (P, H); DGates (P, G) in backward, and for a GRU DGh (P, G), the gradient of
//   h_prev·W_hhᵀ + b_hh, which differs from DGates in its n part.
using Recur.Kernels;
using Recur.Nn;

namespace Recur.Classification;

/// <summary>Multi-layer, optionally bidirectional LSTM, GRU or RNN over packed batches, returning each text's final hidden state.</summary>
public sealed unsafe partial class PackedRecurrent : Module
{
    /// <summary>"lstm", "gru" or "rnn" (tanh).</summary>
    public string Cell { get; }
    /// <summary>D, the features of each token's input row.</summary>
    public int InputSize { get; }
    /// <summary>H, the hidden units per direction.</summary>
    public int HiddenSize { get; }
    /// <summary>L, the stacked layers.</summary>
    public int NumLayers { get; }
    /// <summary>True when every layer also reads each text backwards, from its own last token.</summary>
    public bool Bidirectional { get; }
    /// <summary>Dropout on the outputs of every layer but the last (training only).</summary>
    public float Dropout { get; }
    /// <summary>dirs: 2 when bidirectional, else 1.</summary>
    public int Directions => Bidirectional ? 2 : 1;
    /// <summary>Gates per hidden unit: 4 (LSTM), 3 (GRU), 1 (RNN).</summary>
    public int GateCount { get; }

    readonly bool lstm, gru;
    readonly RecurrentWeights w;   // the engine's names, order and draws; every bias present
    readonly DirCache[] caches;
    readonly Rng dropoutRng;
    readonly Grow[] layerOut, layerIn, masks, dLayerIn;
    readonly Grow features = new();
    readonly SweepJob sweep;
    readonly float[] bias;       // (G) added to every input projection: b_ih + b_hh (GRU: b_ih)
    Tensor? input;               // (P, D) layer 0's input, kept (unchanged by the caller) for backward
    bool dropped;                // the last forward applied inter-layer dropout
    int steps, batch, rows;
    int[] stepSizes = [], offsets = [], lengths = [];

    /// <summary>A grow-only pinned buffer viewed at the shape of the current batch.</summary>
    sealed class Grow
    {
        float[] data = [];
        public Tensor View(params int[] shape)
        {
            int n = Tensor.ElementCount(shape);
            if (data.Length < n) data = Tensor.AllocatePinned(Math.Max(n, data.Length + data.Length / 2));
            return new Tensor(data, 0, shape);
        }
    }

    sealed class DirCache
    {
        public int Layer, Dir;
        public bool Forward => Dir == 0;
        public readonly Grow Gates = new(), HPrev = new(), Hs = new(), DGates = new();
        public readonly Grow CPrev = new(), Cs = new(), Extra = new(), DGh = new(); // LSTM c and tanh(c); GRU gh_n and dGh
        public readonly Grow Gh = new();             // (N, G) GRU: h_prev·W_hhᵀ + b_hh of the current step
        public readonly Grow Dh = new(), Dc = new(); // (N, H) gradients reaching each text's h and c at the current step
        public readonly PackedMatrix WhhT = new(), Whh = new();
        public SweepBuffers Buffers;                 // the buffers above at this batch's sizes
    }

    /// <summary>
    /// A direction's sweep buffers at the current batch's sizes (null where the cell has none), taken on
    /// one thread before the sweep's blocks start: a Grow resized under running blocks would give each
    /// block its own array.
    /// </summary>
    struct SweepBuffers
    {
        public float* Gates, HPrev, Hs, CPrev, Cs, Extra, Gh, DGates, DGh, Dh, Dc;
    }

    void SizeSweepBuffers(DirCache c, bool backward)
    {
        int H = HiddenSize, G = GateCount * H, P = rows;
        ref var b = ref c.Buffers;
        b.Gates = c.Gates.View(P, G).Ptr;
        b.HPrev = c.HPrev.View(P, H).Ptr;
        b.Hs = c.Hs.View(P, H).Ptr;
        b.CPrev = lstm ? c.CPrev.View(P, H).Ptr : null;
        b.Cs = lstm ? c.Cs.View(P, H).Ptr : null;
        b.Extra = lstm || gru ? c.Extra.View(P, H).Ptr : null;
        b.Gh = gru ? c.Gh.View(batch, G).Ptr : null;
        if (!backward) return;
        b.DGates = c.DGates.View(P, G).Ptr;
        b.DGh = gru ? c.DGh.View(P, G).Ptr : b.DGates;
        b.Dh = c.Dh.View(batch, H).Ptr;
        b.Dc = lstm ? c.Dc.View(batch, H).Ptr : null;
    }

    /// <summary>
    /// The same parameters, in the same order and with the same draws, as the engine's layer of that cell,
    /// e.g. <c>new Lstm(inputSize, hiddenSize, rng, numLayers, bidirectional, dropout)</c>.
    /// </summary>
    public PackedRecurrent(string cell, int inputSize, int hiddenSize, Rng rng, int numLayers = 1, bool bidirectional = false, float dropout = 0)
    {
        GateCount = cell switch
        {
            "lstm" => 4,
            "gru" => 3,
            "rnn" => 1,
            _ => throw new ArgumentException($"cell '{cell}' is not one of lstm, gru, rnn", nameof(cell)),
        };
        (Cell, lstm, gru) = (cell, cell == "lstm", cell == "gru");
        if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0)
            throw new ArgumentOutOfRangeException(nameof(inputSize), "input size, hidden size and layers must be positive");
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentOutOfRangeException(nameof(dropout), "dropout must be in [0, 1)");
        (InputSize, HiddenSize, NumLayers, Bidirectional, Dropout) = (inputSize, hiddenSize, numLayers, bidirectional, dropout);
        int dirs = Directions, g = GateCount * hiddenSize;
        w = new RecurrentWeights(AddParameter, inputSize, hiddenSize, g, numLayers, dirs, bias: true, rng);
        caches = new DirCache[numLayers * dirs];
        for (int l = 0; l < numLayers; l++)
            for (int d = 0; d < dirs; d++) caches[l * dirs + d] = new DirCache { Layer = l, Dir = d };
        dropoutRng = rng.Fork();
        layerOut = NewGrows(numLayers); layerIn = NewGrows(numLayers); masks = NewGrows(numLayers); dLayerIn = NewGrows(numLayers);
        bias = new float[g];
        sweep = new SweepJob(this);
    }

    static Grow[] NewGrows(int n) => Enumerable.Range(0, n).Select(_ => new Grow()).ToArray();

    /// <summary>
    /// Runs the batch's packed rows <paramref name="x"/> (P, D), which must stay unchanged until Backward.
    /// Returns each text's final hidden state in the last layer, (N, dirs·H): the forward direction's
    /// state after the text's last token, then the reverse direction's after its first; zero for a text of
    /// no tokens. Owned by the layer until the next call.
    /// </summary>
    public Tensor Forward(Tensor x, Batch batch)
    {
        if (x.Rank != 2 || x.Shape[1] != InputSize || x.Shape[0] != batch.Tokens)
            throw new ArgumentException($"input {x} is not ({batch.Tokens}, {InputSize})");
        SetLayout(batch);
        input = x;
        int dirs = Directions, H = HiddenSize, L = NumLayers;
        for (int l = 0; l < L; l++)
        {
            var xl = l == 0 ? x : layerIn[l].View(rows, dirs * H);
            var outL = layerOut[l].View(rows, dirs * H);
            for (int d = 0; d < dirs; d++)
            {
                ProjectInputs(caches[l * dirs + d], xl);
                caches[l * dirs + d].WhhT.PackTransposed(w.Hh[l * dirs + d].Value);
            }
            sweep.Run(l, backward: false);
            for (int d = 0; d < dirs; d++) CopyOutput(caches[l * dirs + d], outL);
            if (l < L - 1) ApplyDropout(l, outL);
        }
        // Final states of the last layer.
        var f = features.View(this.batch, dirs * H);
        var fs = f.Span;
        for (int d = 0; d < dirs; d++)
        {
            var hs = caches[(L - 1) * dirs + d].Hs.View(rows, H).Span;
            for (int i = 0; i < this.batch; i++)
            {
                var dst = fs.Slice(i * dirs * H + d * H, H);
                int len = lengths[i];
                if (len == 0) { dst.Clear(); continue; }
                int row = d == 0 ? offsets[len - 1] + i : i; // forward: after the last token; reverse: after the first
                hs.Slice(row * H, H).CopyTo(dst);
            }
        }
        return f;
    }

    void SetLayout(Batch b)
    {
        steps = b.Steps; batch = b.Size; rows = (int)b.Tokens;
        if (stepSizes.Length < steps) stepSizes = new int[Math.Max(steps, stepSizes.Length * 2)];
        if (offsets.Length < steps + 1) offsets = new int[Math.Max(steps + 1, offsets.Length * 2)];
        if (lengths.Length < batch) lengths = new int[Math.Max(batch, lengths.Length * 2)];
        b.StepSizes.CopyTo(stepSizes);
        b.Offsets.CopyTo(offsets);
        b.Lengths.CopyTo(lengths);
    }

    /// <summary>Gates (P, G) = x·W_ihᵀ + b_ih + b_hh (GRU: + b_ih alone) for every packed row at once.</summary>
    void ProjectInputs(DirCache c, Tensor x)
    {
        int G = GateCount * HiddenSize, P = rows, D = x.Shape[1];
        int i = c.Layer * Directions + c.Dir;
        var gates = c.Gates.View(P, G);
        CellMath.SumBiases(w.BiasIh[i], gru ? null : w.BiasHh[i], bias);
        // gates (P, G) = bias + x (P, D) · W_ihᵀ (D, G)
        fixed (float* b = bias) Gemm.MultiplyPlusBias(false, true, P, G, D, 1f, x.Ptr, D, w.Ih[i].Value.Ptr, D, b, gates.Ptr, G);
    }

    /// <summary>The recurrence of one direction for texts [a, b), step by step over each step's prefix of texts.</summary>
    void ForwardSweep(DirCache c, int a, int b)
    {
        int H = HiddenSize, G = GateCount * H;
        int i = c.Layer * Directions + c.Dir;
        var p = c.Buffers;
        float* g = p.Gates, hPrev = p.HPrev, hs = p.Hs, cPrev = p.CPrev, cs = p.Cs, extra = p.Extra, gh = p.Gh;
        for (int s = 0; s < steps; s++)
        {
            int t = c.Forward ? s : steps - 1 - s;
            int n = Math.Min(b, stepSizes[t]);  // this block's texts at step t: [a, n)
            if (n <= a) continue;
            long o = offsets[t];
            // Texts with a state from the step before (forward: t-1, reverse: t+1); the rest start at zero.
            int carried; long from;
            if (c.Forward) { carried = t > 0 ? n : a; from = t > 0 ? offsets[t - 1] : 0; }
            else { carried = Math.Clamp(t + 1 < steps ? stepSizes[t + 1] : 0, a, n); from = t + 1 < steps ? offsets[t + 1] : 0; }
            Copy(hs + (from + a) * H, hPrev + (o + a) * H, (carried - a) * H);
            Clear(hPrev + (o + carried) * H, (n - carried) * H);
            if (lstm)
            {
                Copy(cs + (from + a) * H, cPrev + (o + a) * H, (carried - a) * H);
                Clear(cPrev + (o + carried) * H, (n - carried) * H);
            }
            if (gru)
            {
                // gh (n, G) = b_hh + h_prev (carried, H) · W_hhᵀ: b_hh alone for texts starting at zero.
                var bHh = w.BiasHh[i]!.Value;
                Gemm.MultiplyPlusBias(false, carried - a, 1f, hPrev + (o + a) * H, H, c.WhhT, bHh.Ptr, gh + (long)a * G, G);
                Gemm.FillRows(n - carried, G, bHh.Ptr, gh + (long)carried * G, G);
                GruKernels.Forward(a, n, H, g + o * G, gh, extra + o * H, hPrev + o * H, hs + o * H, null);
                continue;
            }
            // gates_t (carried, G) += h_prev (carried, H) · W_hhᵀ; rows starting from zero add nothing.
            Gemm.Multiply(false, carried - a, 1f, hPrev + (o + a) * H, H, c.WhhT, 1f, g + (o + a) * G, G);
            if (lstm) LstmKernels.Forward(a, n, H, g + o * G, cPrev + o * H, cs + o * H, extra + o * H, hPrev + o * H, hs + o * H, null);
            else RnnKernels.Forward(a, n, H, false, g + o * G, hPrev + o * H, hs + o * H, null);
        }
    }

    /// <summary>output[:, d·H .. (d+1)·H] = this direction's h at every packed row.</summary>
    void CopyOutput(DirCache c, Tensor output)
    {
        int H = HiddenSize, width = Directions * H;
        var outS = output.Span;
        var hs = c.Hs.View(rows, H).Span;
        for (int r = 0; r < rows; r++) hs.Slice(r * H, H).CopyTo(outS.Slice(r * width + c.Dir * H, H));
    }

    /// <summary>
    /// Runs the sweeps of a layer's directions as parts of one pool job, the kernels inside each part on
    /// its own thread: the two directions of a bidirectional layer side by side, and with threads to
    /// spare, each direction split into blocks of texts (texts never meet in the recurrence, so a block
    /// runs all its steps without waiting for the others).
    /// </summary>
    sealed class SweepJob(PackedRecurrent owner) : IParallelWork
    {
        /// <summary>Below this many multiply-adds in one sweep's products, both directions run on the calling thread.</summary>
        const long MinParallelWork = 1 << 20;
        int layer, parts, blocks;
        bool backward;
        Tensor? dFinal, dOut;
        int[] starts = [];   // (blocks + 1) the first text of each block

        public void Run(int layer, bool backward, Tensor? dFinal = null, Tensor? dOut = null)
        {
            (this.layer, this.backward, this.dFinal, this.dOut) = (layer, backward, dFinal, dOut);
            int dirs = owner.Directions;
            long work = (long)owner.rows * owner.GateCount * owner.HiddenSize * owner.HiddenSize;
            blocks = work < MinParallelWork ? 1 : Math.Clamp(Workers.Count / dirs, 1, Math.Max(1, owner.batch / Gemm.MR));
            parts = work < MinParallelWork ? 1 : dirs * blocks;
            SplitTexts();
            for (int d = 0; d < dirs; d++) owner.SizeSweepBuffers(owner.caches[layer * dirs + d], backward);
            Workers.Run(this, parts);
            this.dFinal = this.dOut = null;
        }

        /// <summary>Blocks of consecutive texts holding about equal numbers of tokens (the longest texts come first).</summary>
        void SplitTexts()
        {
            if (starts.Length < blocks + 1) starts = new int[blocks + 1];
            int n = owner.batch, text = 0;
            long sum = 0;
            for (int k = 1; k < blocks; k++)
            {
                long target = (long)owner.rows * k / blocks;
                while (text < n && sum + owner.lengths[text] <= target) sum += owner.lengths[text++];
                starts[k] = text;
            }
            starts[0] = 0;
            starts[blocks] = n;
        }

        /// <summary>Part p sweeps text block p % blocks of direction p / blocks, or every direction when the layer is one part.</summary>
        public void Run(int part)
        {
            int dirs = owner.Directions, block = part % blocks;
            int d0 = parts == 1 ? 0 : part / blocks, d1 = parts == 1 ? dirs : d0 + 1;
            for (int d = d0; d < d1; d++)
            {
                var c = owner.caches[layer * dirs + d];
                if (backward) owner.BackwardSweep(c, starts[block], starts[block + 1], dFinal, dOut);
                else owner.ForwardSweep(c, starts[block], starts[block + 1]);
            }
        }
    }

    /// <summary>Input of layer l+1: layer l's output through inverted dropout when training, else the output itself.</summary>
    void ApplyDropout(int l, Tensor outL)
    {
        dropped = Training && Dropout > 0;
        var next = layerIn[l + 1].View(outL.Shape);
        if (!dropped) { outL.Span.CopyTo(next.Span); return; }
        var m = masks[l].View(outL.Shape);
        Nn.Dropout.FillMask(dropoutRng, Dropout, m.Span);
        System.Numerics.Tensors.TensorPrimitives.Multiply(outL.Span, m.Span, next.Span);
    }

    static void Copy(float* src, float* dst, long count)
    {
        if (count > 0) new ReadOnlySpan<float>(src, (int)count).CopyTo(new Span<float>(dst, (int)count));
    }

    static void Clear(float* dst, long count)
    {
        if (count > 0) new Span<float>(dst, (int)count).Clear();
    }
}
