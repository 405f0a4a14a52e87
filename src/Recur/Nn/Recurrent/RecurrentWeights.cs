// The parameters of nn.RNN / nn.GRU / nn.LSTM, registered and drawn exactly as PyTorch does: per layer l
// and direction d (suffix "_reverse" for d = 1), weight_ih_l{l} (G·H, D_l), weight_hh_l{l} (G·H, H),
// bias_ih_l{l} (G·H), bias_hh_l{l} (G·H), every value ~ U(-1/√H, 1/√H) in that order. Shared by the
// engine's Recurrent layers and the classifier's PackedRecurrent, so the same seed gives both the same weights.
namespace Recur.Nn;

/// <summary>One recurrent layer stack's weights, indexed by layer · directions + direction.</summary>
internal sealed class RecurrentWeights
{
    public readonly Parameter[] Ih, Hh;
    public readonly Parameter?[] BiasIh, BiasHh;   // null entries without biases

    /// <param name="add">The owning module's AddParameter, so the names land in its state dict.</param>
    /// <param name="gates">G·H, the rows of every weight.</param>
    public RecurrentWeights(Func<string, int[], Parameter> add, int inputSize, int hiddenSize, int gates, int layers, int dirs, bool bias, Rng rng)
    {
        int n = layers * dirs;
        (Ih, Hh, BiasIh, BiasHh) = (new Parameter[n], new Parameter[n], new Parameter?[n], new Parameter?[n]);
        float bound = 1f / MathF.Sqrt(hiddenSize);
        for (int l = 0; l < layers; l++)
            for (int d = 0; d < dirs; d++)
            {
                int i = l * dirs + d;
                string suffix = $"_l{l}" + (d == 1 ? "_reverse" : "");
                Ih[i] = add("weight_ih" + suffix, [gates, l == 0 ? inputSize : hiddenSize * dirs]);
                Hh[i] = add("weight_hh" + suffix, [gates, hiddenSize]);
                if (bias)
                {
                    BiasIh[i] = add("bias_ih" + suffix, [gates]);
                    BiasHh[i] = add("bias_hh" + suffix, [gates]);
                }
            }
        // Drawn after registering all, in registration order (PyTorch's reset_parameters).
        for (int i = 0; i < n; i++)
            foreach (var p in new[] { Ih[i], Hh[i], BiasIh[i], BiasHh[i] })
                if (p != null) rng.FillUniform(p.Value.Span, -bound, bound);
    }
}
