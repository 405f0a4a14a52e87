// The language model of `recur train`: tokens → [embedding] → stacked RNN → dropout → linear → logits.
// State-dict names match seed 002's text generator: embedding.weight (when Embed > 0), rnn.* (PyTorch's
// nn.LSTM / nn.GRU / nn.RNN names), fc.weight, fc.bias. Without an embedding the RNN reads one-hot
// vectors, so rnn.weight_ih_l0 is (G·H, V) — seeds 000, 001 and 003. With Tie, fc.weight is the same
// tensor as embedding.weight (both names are saved, as in a tied PyTorch model's state dict).
// Shapes: tokens (T·N) time-major, logits (T, N, V).
using Recur.Nn;

namespace Recur.LanguageModel;

/// <summary>A token-level recurrent language model over nn.LSTM / nn.GRU / nn.RNN layers.</summary>
public sealed class CharModel : TokenModel
{
    /// <summary>"embedding", (V, E); null when Embed is 0 and the recurrent layer reads one-hot tokens.</summary>
    public Embedding? Embedding { get; }
    /// <summary>"rnn": the <see cref="Lstm"/>, <see cref="Gru"/> or <see cref="Nn.Rnn"/> (tanh or ReLU), Layers × Hidden.</summary>
    public Recurrent Rnn { get; }
    /// <summary>"fc", (V, H): hidden state to logits; its weight is the embedding's with Tie.</summary>
    public Linear Fc { get; }
    readonly Dropout outputDropout;

    readonly Rng outputDropoutRng;

    int steps, batch;

    /// <summary>The model <paramref name="config"/> describes (validated; not --cell loop, which is a <see cref="LoopModel"/>), initialised from <paramref name="rng"/> in state-dict order.</summary>
    public CharModel(ModelConfig config, Rng rng) : base(config)
    {
        if (config.Cell == LoopModel.CellName) throw new ArgumentException($"--cell {LoopModel.CellName} is a LoopModel; use TokenModel.Create");
        int v = config.VocabSize, h = config.Hidden;
        if (config.Embed > 0) Embedding = AddChild("embedding", new Embedding(v, config.Embed, rng));
        int input = config.Embed > 0 ? config.Embed : v;
        Rnn = AddChild<Recurrent>("rnn", config.Cell switch
        {
            "lstm" => new Lstm(input, h, rng, config.Layers, dropout: config.Dropout),
            "gru" => new Gru(input, h, rng, config.Layers, dropout: config.Dropout),
            "rnn" => new Rnn(input, h, rng, config.Layers, dropout: config.Dropout),
            _ => new Rnn(input, h, rng, config.Layers, dropout: config.Dropout, relu: true),
        });
        Fc = AddChild("fc", new Linear(h, v, rng));
        // Tied: one table serves as embedding and output weight. It starts from the output layer's draw,
        // U(±1/√H): an N(0, 1) embedding table as output weights would make the first logits ~√H too
        // large (a GRU 2×256 on seed 004's words started at loss 15 and tripped the divergence check).
        // Every draw is still made, so the random stream is the untied model's.
        if (config.Tie)
        {
            Embedding!.Weight.Value.CopyFrom(Fc.Weight.Value.Span);
            Fc.TieWeight(Embedding.Weight);
        }
        outputDropoutRng = rng.Fork();
        outputDropout = AddChild("drop", new Dropout(config.Dropout, outputDropoutRng));
    }

    /// <inheritdoc/>
    public override Rng? RecurrentDropoutRng => Rnn.DropoutRng;
    /// <inheritdoc/>
    public override Rng? OutputDropoutRng => outputDropoutRng;

    /// <inheritdoc/>
    public override RecurrentState NewState(int batch) => new(Config.Layers, batch, Config.Hidden, Rnn.HasCellState);

    /// <inheritdoc/>
    public override Tensor Forward(ReadOnlySpan<int> tokens, int steps, int batch, RecurrentState? state)
    {
        this.steps = steps;
        this.batch = batch;
        Tensor hidden = Embedding != null
            ? Rnn.Forward(Embedding.Forward(tokens, steps, batch), default, state)
            : Rnn.ForwardTokens(tokens, steps, batch, default, state);
        return Fc.Forward(outputDropout.Forward(hidden));
    }

    /// <inheritdoc/>
    public override RecurrentState FinalState => Rnn.FinalState;

    /// <inheritdoc/>
    public override void Backward(Tensor dLogits)
    {
        var dHidden = outputDropout.Backward(Fc.Backward(dLogits)!);
        var dx = Rnn.Backward(dHidden, null, needInputGrad: Embedding != null);
        if (Embedding != null) Embedding.Backward(dx!);
    }

    /// <summary>Evaluation mode with weights packed once (sampling runs one step per call); Train() undoes it.</summary>
    public override void FreezeWeights()
    {
        Eval();
        Rnn.FreezeWeights();
        Fc.FreezeWeights();
    }

    /// <summary>Steps and batch of the last Forward.</summary>
    public (int Steps, int Batch) LastShape => (steps, batch);
}
