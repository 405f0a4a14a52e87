// The language-model configurations the speed benchmark compares (issue 4), shared by the Recur side
// and, by name, bench/torch_lm.py.
using Recur.LanguageModel;

namespace Recur.Bench;

sealed record LmConfig(string Name, string Cell, int Layers, int Hidden, int Embed, int Batch, int Seq, string What)
{
    /// <summary>Output classes: tinyshakespeare's 65 characters, or a word vocabulary's size (profile --vocab).</summary>
    public int Vocab { get; init; } = 65;
    /// <summary>A word model on War and Peace (lowercased, the Vocab most frequent tokens) rather than characters of tinyshakespeare.</summary>
    public bool Words { get; init; }
    /// <summary>The output layer's weight is the embedding (--tie).</summary>
    public bool Tie { get; init; }

    public static readonly LmConfig[] All =
    [
        new("lstm2x512-onehot", "lstm", 2, 512, 0, 64, 100, "seed 003's shape"),
        new("lstm1x512-emb256", "lstm", 1, 512, 256, 64, 40, "seed 002c"),
        new("lstm2x128-emb64", "lstm", 2, 128, 64, 50, 50, "torch-rnn's default"),
        new("gru3x512-onehot", "gru", 3, 512, 0, 64, 100, "3-layer GRU"),
        new("words2x200-tied", "lstm", 2, 200, 200, 20, 35, "PyTorch's word_language_model") { Words = true, Tie = true, Vocab = 10000 },
    ];

    /// <summary>A single LSTM layer 512 → 512 at batch 64 × 100 steps (issue 2's layer benchmark).</summary>
    public static readonly LmConfig Layer512 = new("lstm-layer-512", "lstm", 1, 512, 512, 64, 100, "one nn.LSTM(512, 512)");

    public static LmConfig Find(string name) => All.Append(Layer512).FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"unknown config '{name}'; choose one of {string.Join(", ", All.Select(c => c.Name))}");

    public ModelConfig Model => new()
    {
        Cell = Cell, Layers = Layers, Hidden = Hidden, Embed = Embed, VocabSize = Vocab, Tie = Tie, Tokens = Words ? ModelConfig.Words : ModelConfig.Chars,
    };

    /// <summary>Multiply-adds ×2 per training token: forward 1×, backward 2× the layer GEMMs plus the output layer.
    /// An embedding's lookup and a one-hot input's row copy are not GEMMs and count nothing.</summary>
    public double TrainFlopsPerToken
    {
        get
        {
            int g = Cell == "lstm" ? 4 : Cell == "gru" ? 3 : 1, h = Hidden;
            double forward = 0;
            for (int l = 0; l < Layers; l++)
            {
                int d = l == 0 ? (Embed > 0 ? Embed : 0) : h; // one-hot input is a lookup, not a GEMM
                forward += 2.0 * g * h * (d + h);
            }
            forward += 2.0 * h * Vocab;
            // backward: dW and dX for every GEMM of the forward, the first layer's dX included when there
            // is an embedding: both sides train the embedding table, so both compute it (dX = dGates · W_ih)
            return 3 * forward;
        }
    }
}
