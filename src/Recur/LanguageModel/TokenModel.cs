// What training, evaluation and sampling need of a language model: token ids in, logits out, with a
// recurrent state carried from one call to the next. Two architectures implement it: CharModel
// ([embedding] → LSTM/GRU/RNN → linear) and LoopModel (seed 004's hand-written recurrence, --cell loop).
// Shapes: tokens (T·N) time-major, logits (T, N, V).
using Recur.Nn;

namespace Recur.LanguageModel;

/// <summary>A recurrent language model over token ids.</summary>
public abstract class TokenModel : Module
{
    /// <summary>The architecture and text options the model was built from (validated).</summary>
    public ModelConfig Config { get; }

    /// <summary>Validates <paramref name="config"/> (ArgumentException) and keeps it.</summary>
    protected TokenModel(ModelConfig config)
    {
        config.Validate();
        Config = config;
    }

    /// <summary>The model <paramref name="config"/> describes, initialised from <paramref name="rng"/>.</summary>
    public static TokenModel Create(ModelConfig config, Rng rng) =>
        config.Cell == LoopModel.CellName ? new LoopModel(config, rng) : new CharModel(config, rng);

    /// <summary>A zero state for <paramref name="batch"/> sequences.</summary>
    public abstract RecurrentState NewState(int batch);

    /// <summary>
    /// Logits (T, N, V) for tokens (T·N, time-major) from <paramref name="state"/> (null: zeros); the final
    /// state is then in <see cref="FinalState"/>. The result is owned by the model until the next call.
    /// </summary>
    public abstract Tensor Forward(ReadOnlySpan<int> tokens, int steps, int batch, RecurrentState? state);

    /// <summary>The state after the last Forward (carry it into the next call for truncated BPTT).</summary>
    public abstract RecurrentState FinalState { get; }

    /// <summary>Accumulates every parameter gradient from dLogits (T, N, V) of the last Forward (no gradient reaches the initial state).</summary>
    public abstract void Backward(Tensor dLogits);

    /// <summary>Evaluation mode, with weights prepared once for many single-step calls (sampling); Train() undoes it.</summary>
    public virtual void FreezeWeights() => Eval();

    /// <summary>Generator of the recurrent layers' dropout masks, if any (a run saves its state).</summary>
    public virtual Rng? RecurrentDropoutRng => null;

    /// <summary>Generator of the output dropout masks, if any (a run saves its state).</summary>
    public virtual Rng? OutputDropoutRng => null;
}
