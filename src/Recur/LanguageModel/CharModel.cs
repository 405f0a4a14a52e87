// The language model of `recur train`: tokens → [embedding] → stacked RNN → dropout → linear → logits.
// State-dict names match seed 002's text generator: embedding.weight (when Embed > 0), rnn.* (PyTorch's
// nn.LSTM / nn.GRU / nn.RNN names), fc.weight, fc.bias. Without an embedding the RNN reads one-hot
// vectors, so rnn.weight_ih_l0 is (G·H, V) — seeds 000, 001 and 003.
// Shapes: tokens (T·N) time-major, logits (T, N, V).
using Recur.Nn;

namespace Recur.LanguageModel;

/// <summary>A token-level recurrent language model.</summary>
public sealed class CharModel : Module
{
    public ModelConfig Config { get; }
    public Embedding? Embedding { get; }
    public Recurrent Rnn { get; }
    public Linear Fc { get; }
    readonly Dropout outputDropout;

    /// <summary>The generator of the output-dropout masks (its State is saved with a run).</summary>
    public Rng OutputDropoutRng { get; }

    int steps, batch;

    public CharModel(ModelConfig config, Rng rng)
    {
        config.Validate();
        Config = config;
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
        OutputDropoutRng = rng.Fork();
        outputDropout = AddChild("drop", new Dropout(config.Dropout, OutputDropoutRng));
    }

    /// <summary>A zero state for <paramref name="batch"/> sequences.</summary>
    public RecurrentState NewState(int batch) => new(Config.Layers, batch, Config.Hidden, Rnn.HasCellState);

    /// <summary>
    /// Logits (T, N, V) for tokens (T·N, time-major) from <paramref name="state"/> (null: zeros). The final
    /// state is in <c>Rnn.FinalState</c>. The result is owned by the model until the next call.
    /// </summary>
    public Tensor Forward(ReadOnlySpan<int> tokens, int steps, int batch, RecurrentState? state)
    {
        this.steps = steps;
        this.batch = batch;
        Tensor hidden = Embedding != null
            ? Rnn.Forward(Embedding.Forward(tokens, steps, batch), default, state)
            : Rnn.ForwardTokens(tokens, steps, batch, default, state);
        return Fc.Forward(outputDropout.Forward(hidden));
    }

    /// <summary>Accumulates every parameter gradient from dLogits (T, N, V) of the last Forward (truncated BPTT: no gradient to the initial state).</summary>
    public void Backward(Tensor dLogits)
    {
        var dHidden = outputDropout.Backward(Fc.Backward(dLogits)!);
        var dx = Rnn.Backward(dHidden, null, needInputGrad: Embedding != null);
        if (Embedding != null) Embedding.Backward(dx!);
    }

    /// <summary>Evaluation mode with weights packed once (sampling runs one step per call); Train() undoes it.</summary>
    public void FreezeWeights()
    {
        Eval();
        Rnn.FreezeWeights();
        Fc.FreezeWeights();
    }

    /// <summary>Steps and batch of the last Forward.</summary>
    public (int Steps, int Batch) LastShape => (steps, batch);
}
