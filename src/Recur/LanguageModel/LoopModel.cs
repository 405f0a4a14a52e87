// Seed 004's hand-written recurrence (`--cell loop`), the counting RNN of fast.ai's course. Per step t:
//   a_t      = h_{t-1} + E[x_t]            i_h: nn.Embedding(V, H), added to the hidden state
//   h_t      = ReLU(a_t·W_hhᵀ + b_hh)       h_h: nn.Linear(H, H)
//   o_t      = BN(h_t)                     bn:  nn.BatchNorm1d(H), called once per step, so in training
//                                               each step is normalised with its own batch's statistics
//                                               and the running statistics move T times per call
//   logits_t = o_t·W_hoᵀ + b_ho             h_o: nn.Linear(H, V)
// h_T is carried into the next batch (truncated BPTT: no gradient reaches h_0). The state dict uses the
// seed's names (i_h.weight, h_h.*, h_o.*, bn.*), so it loads into the seed's PyTorch module.
// Dimension letters: T steps, N batch, H hidden (= embedding size), V vocabulary; tokens (T·N) time-major.
using Recur.Kernels;
using Recur.Nn;

namespace Recur.LanguageModel;

/// <summary>The recurrence of seed 004 as a language model: embedding added to h, linear + ReLU, batch norm, linear out.</summary>
public sealed unsafe class LoopModel : TokenModel
{
    /// <summary>The --cell name of this model.</summary>
    public const string CellName = "loop";

    /// <summary>"i_h": the input-to-hidden embedding, (V, H).</summary>
    public Embedding InputToHidden { get; }
    /// <summary>"h_h": the hidden-to-hidden layer, (H, H).</summary>
    public Linear HiddenToHidden { get; }
    /// <summary>"h_o": the hidden-to-output layer, (V, H).</summary>
    public Linear HiddenToOutput { get; }
    /// <summary>"bn": batch normalisation of h_t on its way to h_o (its parameters and running statistics).</summary>
    public BatchNorm1d Norm { get; }

    readonly int hidden;
    Tensor? a;           // (T, N, H) a_t = h_{t-1} + E[x_t], the input of h_h
    Tensor? hs;          // (T+1, N, H) hs[0] = h_0, hs[t+1] = h_t (after the ReLU)
    Tensor? xHat;        // (T, N, H) (h_t - μ_t)·invStd_t
    Tensor? normed;      // (T, N, H) o_t = x̂·w + b, the input of h_o
    float[] mean = [];   // (T·H) μ_t used at step t: its batch mean in training, the running mean in eval
    float[] invStd = []; // (T·H) 1/√(σ²_t + ε) used at step t
    readonly double[] sumA, sumB;   // (H) per-channel sums in double
    Tensor? dh;          // (N, H) gradient reaching h_t: from step t+1 and from the output at t
    Tensor? dZ;          // (T, N, H) gradient of a_t·W_hhᵀ + b_hh
    Tensor? dA;          // (T, N, H) gradient of a_t: it is both dE[x_t] and the gradient reaching h_{t-1}
    RecurrentState? finalState;
    int steps, batch;
    bool usedBatchStats;

    /// <summary>The model of a --cell loop <paramref name="config"/> (ArgumentException for another cell), initialised from <paramref name="rng"/> in state-dict order.</summary>
    public LoopModel(ModelConfig config, Rng rng) : base(config)
    {
        if (config.Cell != CellName) throw new ArgumentException($"LoopModel is --cell {CellName}, not {config.Cell}");
        int v = config.VocabSize, h = hidden = config.Hidden;
        InputToHidden = AddChild("i_h", new Embedding(v, h, rng));
        HiddenToHidden = AddChild("h_h", new Linear(h, h, rng));
        HiddenToOutput = AddChild("h_o", new Linear(h, v, rng));
        Norm = AddChild("bn", new BatchNorm1d(h));
        sumA = new double[h];
        sumB = new double[h];
    }

    /// <summary>A zero h of shape (1, N, H): the loop has one layer and no cell state.</summary>
    public override RecurrentState NewState(int batch) => new(1, batch, hidden, hasCell: false);

    /// <summary>h_T, (1, N, H), after the last Forward; InvalidOperationException before the first.</summary>
    public override RecurrentState FinalState => finalState ?? throw new InvalidOperationException("no forward pass yet");

    /// <summary>
    /// Logits (T, N, V) for tokens (T·N, time-major) from <paramref name="state"/> (null: zeros), owned by the model until
    /// the next call. Training normalises each step over the batch, so it needs N ≥ 2 (ArgumentException).
    /// </summary>
    public override Tensor Forward(ReadOnlySpan<int> tokens, int steps, int batch, RecurrentState? state)
    {
        int h = hidden, rows = batch * h;
        if (tokens.Length != steps * batch) throw new ArgumentException($"{tokens.Length} tokens do not fill {steps} steps × {batch} sequences");
        if (state != null && !state.Fits(1, batch, h, false)) throw new ArgumentException($"initial state {state.H} does not fit (1, {batch}, {h})");
        usedBatchStats = Training;
        if (Training && batch < 2)
            throw new ArgumentException($"--cell {CellName} normalises each step over the batch, so training needs --batch 2 or more (got {batch})");
        this.steps = steps;
        this.batch = batch;
        var at = Workspace.Ensure(ref a, steps, batch, h);
        var states = Workspace.Ensure(ref hs, steps + 1, batch, h);
        Workspace.Ensure(ref xHat, steps, batch, h);
        var o = Workspace.Ensure(ref normed, steps, batch, h);
        if (mean.Length != steps * h) { mean = new float[steps * h]; invStd = new float[steps * h]; }
        if (finalState == null || !finalState.Fits(1, batch, h, false)) finalState = NewState(batch);

        var e = InputToHidden.Forward(tokens, steps, batch);   // (T, N, H) E[x_t]
        if (state != null) state.H.Span.CopyTo(states.Span);
        else states.Span[..rows].Clear();
        var w = HiddenToHidden.Weight.Value;
        var bias = HiddenToHidden.Bias!.Value.Span;
        for (int t = 0; t < steps; t++)
        {
            var ht = states.Span.Slice((t + 1) * rows, rows);
            System.Numerics.Tensors.TensorPrimitives.Add(states.Span.Slice(t * rows, rows), e.Span.Slice(t * rows, rows), at.Span.Slice(t * rows, rows));
            for (int n = 0; n < batch; n++) bias.CopyTo(ht.Slice(n * h, h));
            // h_t (N, H) = a_t (N, H) · W_hhᵀ (H, H) + b_hh, then ReLU in place
            Gemm.Multiply(false, true, batch, h, h, 1f, at.Ptr + t * rows, h, w.Ptr, h, 1f, states.Ptr + (t + 1) * rows, h);
            Activations.Relu(ht, ht);
            Normalise(t);
        }
        states.Span.Slice(steps * rows, rows).CopyTo(finalState.H.Span);
        return HiddenToOutput.Forward(o);
    }

    /// <summary>o_t = BN(h_t) over the N rows of step t; in training also moves the running statistics.</summary>
    void Normalise(int t)
    {
        int h = hidden, n = batch, rows = n * h;
        var x = hs!.Span.Slice((t + 1) * rows, rows);
        var mu = mean.AsSpan(t * h, h);
        var inv = invStd.AsSpan(t * h, h);
        if (usedBatchStats)
        {
            Array.Clear(sumA);
            Array.Clear(sumB);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < h; j++) sumA[j] += x[i * h + j];
            for (int j = 0; j < h; j++) sumA[j] /= n;
            for (int i = 0; i < n; i++)
                for (int j = 0; j < h; j++)
                {
                    double d = x[i * h + j] - sumA[j];
                    sumB[j] += d * d;
                }
            // As nn.BatchNorm1d: normalise with the biased variance, track the unbiased one.
            Norm.NumBatchesTracked++;
            double factor = Norm.Momentum ?? 1.0 / Norm.NumBatchesTracked;
            Span<float> runMean = Norm.RunningMean.Span, runVar = Norm.RunningVar.Span;
            for (int j = 0; j < h; j++)
            {
                mu[j] = (float)sumA[j];
                inv[j] = (float)(1.0 / Math.Sqrt(sumB[j] / n + Norm.Eps));
                runMean[j] = (float)((1 - factor) * runMean[j] + factor * sumA[j]);
                runVar[j] = (float)((1 - factor) * runVar[j] + factor * (sumB[j] / (n - 1)));
            }
        }
        else
        {
            for (int j = 0; j < h; j++)
            {
                mu[j] = Norm.RunningMean[j];
                inv[j] = (float)(1.0 / Math.Sqrt((double)Norm.RunningVar[j] + Norm.Eps));
            }
        }
        ReadOnlySpan<float> g = Norm.Weight.Value.Span, b = Norm.Bias.Value.Span;
        var xh = xHat!.Span.Slice(t * rows, rows);
        var o = normed!.Span.Slice(t * rows, rows);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < h; j++)
            {
                float v = (x[i * h + j] - mu[j]) * inv[j];
                xh[i * h + j] = v;
                o[i * h + j] = v * g[j] + b[j];
            }
    }

    /// <inheritdoc/>
    public override void Backward(Tensor dLogits)
    {
        if (normed == null) throw new InvalidOperationException("Backward before Forward");
        int h = hidden, n = batch, rows = n * h;
        var dO = HiddenToOutput.Backward(dLogits)!;   // (T, N, H)
        var dht = Workspace.Ensure(ref dh, n, h);
        var dz = Workspace.Ensure(ref dZ, steps, n, h);
        var da = Workspace.Ensure(ref dA, steps, n, h);
        dht.Zero();
        var w = HiddenToHidden.Weight.Value;
        for (int t = steps - 1; t >= 0; t--)
        {
            NormaliseBackward(t, dO.Span.Slice(t * rows, rows), dht.Span);
            // h_t = ReLU(z_t)  =>  dz_t = dh_t · [h_t > 0]
            Activations.ReluBackward(hs!.Span.Slice((t + 1) * rows, rows), dht.Span, dz.Span.Slice(t * rows, rows));
            // z_t = a_t·W_hhᵀ + b  =>  da_t (N, H) = dz_t (N, H) · W_hh (H, H)
            Gemm.Multiply(false, false, n, h, h, 1f, dz.Ptr + t * rows, h, w.Ptr, h, 0f, da.Ptr + t * rows, h);
            // a_t = h_{t-1} + E[x_t]  =>  dh_{t-1} = da_t
            da.Span.Slice(t * rows, rows).CopyTo(dht.Span);
        }
        // dW_hh (H, H) += dZᵀ (H, T·N) · A (T·N, H);  db_hh += Σ dZ
        Gemm.Multiply(true, false, h, h, steps * n, 1f, dz.Ptr, h, a!.Ptr, h, 1f, HiddenToHidden.Weight.Grad.Ptr, h);
        Reduce.AddColumnSums(dz.Span, steps * n, h, HiddenToHidden.Bias!.Grad.Span);
        InputToHidden.Backward(da);
    }

    /// <summary>Accumulates bn's dw, db from dO_t and adds the gradient reaching h_t to <paramref name="dh"/>.</summary>
    void NormaliseBackward(int t, ReadOnlySpan<float> dOut, Span<float> dh)
    {
        int h = hidden, n = batch, rows = n * h;
        ReadOnlySpan<float> xh = xHat!.Span.Slice(t * rows, rows), g = Norm.Weight.Value.Span, inv = invStd.AsSpan(t * h, h);
        Array.Clear(sumA);
        Array.Clear(sumB);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < h; j++)
            {
                sumA[j] += dOut[i * h + j];
                sumB[j] += (double)dOut[i * h + j] * xh[i * h + j];
            }
        // o = x̂·w + b  =>  db += Σ dO, dw += Σ dO·x̂
        Span<float> dw = Norm.Weight.Grad.Span, db = Norm.Bias.Grad.Span;
        for (int j = 0; j < h; j++)
        {
            dw[j] += (float)sumB[j];
            db[j] += (float)sumA[j];
        }
        for (int i = 0; i < n; i++)
            for (int j = 0; j < h; j++)
            {
                int k = i * h + j;
                float scale = g[j] * inv[j];
                // batch statistics: x̂ = (x - μ)·s with μ, s from the batch  =>  dx = w·s·(dO - mean(dO) - x̂·mean(dO·x̂))
                dh[k] += usedBatchStats
                    ? scale * (dOut[k] - (float)(sumA[j] / n) - xh[k] * (float)(sumB[j] / n))
                    : scale * dOut[k];
            }
    }

    /// <inheritdoc/>
    public override void FreezeWeights()
    {
        Eval();
        HiddenToOutput.FreezeWeights();
    }
}
