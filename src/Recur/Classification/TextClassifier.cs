// Seed 002's sentiment network, with PyTorch's names so a file loads into the seed's nn.Module:
//   embedding  Embedding(V, E, padding_idx=0)        token ids → x, packed (P, E) or padded (T, N, E)
//   rnn        LSTM/GRU/RNN(E, H, layers, bidir.)     packed by length; features f = final hidden state
//   fc1        Linear(dirs·H, Fc) → ReLU
//   fc2        Linear(Fc, 1) → logit z (N, 1);       probability = σ(z)     (two classes, the seed)
//              Linear(Fc, K) → logits z (N, K);      probabilities = softmax(z)   (K > 2 classes)
// Features: the seed reads hidden[-1], the last layer's final state, which is all of it for the seed
// model and its stacked variant. For a bidirectional model hidden[-1] would be the reverse direction
// alone; here fc1 reads both directions of the last layer side by side, [h_fwd, h_rev] (2H), so the
// forward reading is not thrown away. Dropout (when set) acts on f and between recurrent layers.
// Training uses σ + BCE as one stable BCEWithLogits on z: the same loss and gradient as the seed's
// Sigmoid + BCELoss, without its log(0) clamp; with K > 2 classes, softmax + cross-entropy on z.
// The recurrent layer runs as PackedRecurrent (real tokens only; see there) unless the engine's padded
// path (its Recurrent layers over the padded batch) is asked for.
using Recur.Nn;

namespace Recur.Classification;

/// <summary>Embedding → recurrent layer → Linear → ReLU → Linear → sigmoid (two classes) or softmax (more): a text classifier.</summary>
public sealed class TextClassifier : Module
{
    /// <summary>The sizes and cell (validated).</summary>
    public ClassifierConfig Config { get; }
    /// <summary>V, the embedding's rows, &lt;pad&gt; and &lt;unk&gt; included.</summary>
    public int VocabSize { get; }
    /// <summary>"embedding", (V, E), with padding_idx 0: the &lt;pad&gt; row stays zero and gets no gradient.</summary>
    public Embedding Embedding { get; }
    /// <summary>The recurrent layer: a <see cref="PackedRecurrent"/> or one of the engine's <see cref="Recurrent"/> layers.</summary>
    public Module Rnn { get; }
    /// <summary>True when the recurrent layer is the packed fast path.</summary>
    public bool Packed => packedRnn != null;
    /// <summary>"fc1", (Fc, dirs·H): the features to the hidden layer before the ReLU.</summary>
    public Linear Fc1 { get; }
    /// <summary>"fc2", (1, Fc): to the logit z, with P(positive) = σ(z); with K &gt; 2 classes (K, Fc), a logit per class.</summary>
    public Linear Fc2 { get; }

    readonly PackedRecurrent? packedRnn;
    readonly Recurrent? paddedRnn;
    readonly ReLU relu = new();
    readonly Dropout dropout;
    Tensor? features;         // (N, dirs·H) the last layer's final state, both directions (padded path)
    Tensor? lastFeatures;     // (N, dirs·H) what fc1 read, from either path
    RecurrentState? dFinal;   // (L·dirs, N, H) gradient reaching the final state: features' rows, else 0
    float[] zeros = [];       // pinned zeros viewed as dOutput (T, N, dirs·H): only the final state has a loss
    Tensor? probabilities;    // (N, 1) or (N, K)
    int steps;                // T of the last Forward

    /// <param name="config">Sizes and cell; validated.</param>
    /// <param name="vocabSize">V, including &lt;pad&gt; (0) and &lt;unk&gt; (1).</param>
    /// <param name="rng">Initial weights in PyTorch's order (embedding, rnn, fc1, fc2) and dropout masks.</param>
    /// <param name="padded">Run the engine's padded Recurrent layer instead of PackedRecurrent (same weights and results; slower).</param>
    public TextClassifier(ClassifierConfig config, int vocabSize, Rng rng, bool padded = false)
    {
        Config = config.Validate();
        if (vocabSize < 2) throw new ArgumentOutOfRangeException(nameof(vocabSize), "the vocabulary holds at least <pad> and <unk>");
        VocabSize = vocabSize;
        Embedding = AddChild("embedding", new Embedding(vocabSize, config.Embed, rng, paddingIdx: ClassifierVocabulary.PadId));
        float between = config.Layers > 1 ? config.Dropout : 0;
        if (!padded)
            Rnn = packedRnn = AddChild("rnn", new PackedRecurrent(config.Cell, config.Embed, config.Hidden, rng, config.Layers, config.Bidirectional, between));
        else
            Rnn = paddedRnn = AddChild<Recurrent>("rnn", config.Cell switch
            {
                "lstm" => new Lstm(config.Embed, config.Hidden, rng, config.Layers, config.Bidirectional, between),
                "gru" => new Gru(config.Embed, config.Hidden, rng, config.Layers, config.Bidirectional, between),
                _ => new Rnn(config.Embed, config.Hidden, rng, config.Layers, config.Bidirectional, between),
            });
        Fc1 = AddChild("fc1", new Linear(config.Features, config.Fc, rng));
        Fc2 = AddChild("fc2", new Linear(config.Fc, config.Outputs, rng));
        dropout = new Dropout(config.Dropout, rng.Fork());
    }

    /// <summary>Logits z (N, 1), or (N, K) with K &gt; 2 classes, of a batch, owned by the model until the next call.</summary>
    public Tensor Forward(Batch batch)
    {
        int T = batch.Steps, N = batch.Size, H = Config.Hidden, dirs = Config.Directions, L = Config.Layers;
        dropout.Train(Training);
        steps = T;
        Tensor f;
        if (packedRnn != null) f = packedRnn.Forward(Embedding.Forward(batch.PackedIds), batch);
        else
        {
            var rnn = paddedRnn!;
            rnn.Forward(Embedding.Forward(batch.Ids, T, N), batch.Lengths);
            // f[i] = [h_n[last layer, fwd, i], h_n[last layer, rev, i]]
            f = Workspace.Ensure(ref features, N, dirs * H);
            var fs = f.Span;
            var hn = rnn.FinalState.H.Span;
            for (int d = 0; d < dirs; d++)
                for (int i = 0; i < N; i++)
                    hn.Slice(((L - 1) * dirs + d) * N * H + i * H, H).CopyTo(fs.Slice(i * dirs * H + d * H, H));
        }
        lastFeatures = f;
        var a = Fc1.Forward(dropout.Forward(f));
        return Fc2.Forward(relu.Forward(a));
    }

    /// <summary>
    /// Probabilities of a batch, in evaluation mode; owned by the model until the next call: σ(z), P(positive), one per
    /// text (N) for two classes; softmax(z) row by row (N·K, text i's at [i·K, (i+1)·K)) for more.
    /// </summary>
    public ReadOnlySpan<float> Predict(Batch batch)
    {
        if (Training) Eval();
        var z = Forward(batch).Span;
        int k = Config.Outputs;
        var p = Workspace.Ensure(ref probabilities, batch.Size, k).Span;
        if (k == 1)
            for (int i = 0; i < p.Length; i++) p[i] = Sigmoid(z[i]);
        else
            Kernels.Softmax.Forward(z, p, batch.Size, k);   // row by row: a text's row is the same in any batch
        return p;
    }

    /// <summary>σ(z) in double then rounded, the same for every batch layout.</summary>
    public static float Sigmoid(float z) => (float)(1 / (1 + Math.Exp(-(double)z)));


    /// <summary>Backward from dz (N, 1) or (N, K): accumulates every parameter's gradient.</summary>
    public void Backward(Tensor dLogits)
    {
        var f = lastFeatures ?? throw new InvalidOperationException("Backward before Forward");
        int N = f.Shape[0], H = Config.Hidden, dirs = Config.Directions, L = Config.Layers;
        var da = relu.Backward(Fc2.Backward(dLogits)!);
        var df = dropout.Backward(Fc1.Backward(da)!);
        if (packedRnn != null)
        {
            Embedding.Backward(packedRnn.Backward(df));
            return;
        }
        var rnn = paddedRnn!;
        if (dFinal == null || !dFinal.Fits(L * dirs, N, H, rnn.HasCellState))
            dFinal = new RecurrentState(L * dirs, N, H, rnn.HasCellState);
        dFinal.Zero();
        var dh = dFinal.H.Span;
        for (int d = 0; d < dirs; d++)
            for (int i = 0; i < N; i++)
                df.Span.Slice(i * dirs * H + d * H, H).CopyTo(dh.Slice(((L - 1) * dirs + d) * N * H + i * H, H));
        // Only the final state carries a loss: dOutput is all zeros, a view of a grow-only pinned buffer.
        int outLength = steps * N * dirs * H;
        if (zeros.Length < outLength) zeros = Tensor.AllocatePinned(Math.Max(outLength, zeros.Length * 2));
        var dOut = new Tensor(zeros, 0, [steps, N, dirs * H]);
        var dx = rnn.Backward(dOut, dFinal)!;
        Embedding.Backward(dx);
    }
}
