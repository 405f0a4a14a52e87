// Up-front size checks for a text classifier, so that a size option too large for one .NET array
// (Array.MaxLength, 2,147,483,591 floats) is refused naming that option, before anything is allocated,
// instead of the engine's "shape (...) has more than 2147483647 elements" halfway through building the
// model or an epoch. Shapes (PyTorch's), with G = gates·H (LSTM 4H, GRU 3H, RNN H), dirs = 1 or 2:
//   embedding.weight (V, E); rnn.weight_ih_l0 (G, E), weight_ih_lk (G, dirs·H), weight_hh (G, H),
//   two biases (G) per layer and direction; fc1 (Fc, dirs·H) + (Fc); fc2 (outputs, Fc) + (outputs),
// outputs = 1 for two classes, else K.
// Every parameter also lives in one arena (ParameterSet), so their total must fit one array too.
// A batch's buffers are (P, ·) for P packed tokens (padded: T·N), widest G per token.
namespace Recur.Classification;

static class ModelSize
{
    static readonly long Max = Array.MaxLength;

    static int Gates(string cell) => cell switch { "lstm" => 4, "gru" => 3, _ => 1 };

    /// <summary>
    /// Throws ArgumentException naming the option to lower when a parameter tensor or the parameter
    /// total would not fit one array. <paramref name="vocabSize"/> is V (2, &lt;pad&gt; and &lt;unk&gt;, while unknown).
    /// </summary>
    public static void CheckParameters(ClassifierConfig c, int vocabSize = 2)
    {
        long g = (long)Gates(c.Cell) * c.Hidden, h = c.Hidden, dirsH = (long)c.Directions * c.Hidden;
        string hidden = $"--hidden {c.Hidden}", embed = $"--embed {c.Embed}", fc = $"--fc {c.Fc}";
        Fit($"rnn.weight_hh_l0 ({c.Cell})", g, h, hidden, "lower --hidden");
        Fit($"rnn.weight_ih_l0 ({c.Cell})", g, c.Embed, Pair(embed, c.Embed, hidden, c.Hidden), "lower --embed or --hidden");
        if (c.Layers > 1) Fit($"rnn.weight_ih_l1 ({c.Cell}, {(c.Bidirectional ? "bidirectional" : "one direction")})", g, dirsH, hidden, "lower --hidden");
        Fit("fc1.weight", c.Fc, dirsH, Pair(fc, c.Fc, hidden, c.Hidden), "lower --fc or --hidden");
        if (c.Outputs > 1) Fit("fc2.weight", c.Outputs, c.Fc, $"{fc} (for {c.Classes} classes)", "lower --fc");
        Fit("embedding.weight", vocabSize, c.Embed, vocabSize > 2 ? $"{embed} (for a vocabulary of {vocabSize:N0})" : embed,
            vocabSize > 2 ? "lower --embed, or keep fewer words with --max-vocab or --min-freq" : "lower --embed");

        // In double: with every size near int.MaxValue the sum passes long's range.
        double perLayer0 = (double)g * (c.Embed + h) + 2.0 * g, perLayerK = (double)g * (dirsH + h) + 2.0 * g;
        double total = (double)vocabSize * c.Embed + c.Directions * (perLayer0 + (c.Layers - 1) * perLayerK)
            + (double)c.Fc * dirsH + c.Fc + (double)c.Outputs * (c.Fc + 1);
        if (total > Max)
            throw new ArgumentException($"--layers {c.Layers} with {hidden} is too large: the model would have {total:N0} parameters " +
                $"({(c.Layers > 1 ? $"{c.Layers:N0} layers of " : "")}{Gates(c.Cell)}·hidden·(input + hidden) weights{(c.Bidirectional ? " in both directions" : "")}), " +
                $"more than the {Max:N0} Recur can hold in its one parameter array; lower --layers, --hidden, --embed or --fc");
    }

    /// <summary>
    /// Throws ArgumentException naming --batch-size, --hidden or --embed when the largest batch a
    /// run can draw would need a buffer larger than one array. <paramref name="lengths"/> are the
    /// training texts' token counts after max-len; <paramref name="longest"/> covers validation texts too.
    /// </summary>
    public static void CheckBatches(ClassifierConfig c, ClassifierTrainConfig t, IReadOnlyList<int> lengths, int longest)
    {
        int n = Math.Min(t.BatchSize, lengths.Count);
        // Packed, a batch holds its texts' tokens: at most the n longest. Padded, T·N: the longest times n.
        long trainRows = t.Padded ? (long)lengths.Max() * n : lengths.OrderDescending().Take(n).Sum(l => (long)l);
        // Validation batches stop at InferenceTokens, unless one text alone is longer.
        long valRows = t.ValSplit > 0 ? Math.Max(Classifier.InferenceTokens, longest) : 0;
        long rows = Math.Max(trainRows, valRows);
        long g = (long)Gates(c.Cell) * c.Hidden;
        bool gates = g >= c.Embed;
        long width = gates ? g : c.Embed;
        double need = (double)rows * width;
        if (need <= Max) return;
        string option = gates ? "--hidden" : "--embed", value = $"{option} {(gates ? c.Hidden : c.Embed)}";
        string batch = trainRows >= valRows
            ? $"a batch of the {n:N0} longest training texts holds {rows:N0} tokens{(t.Padded ? " padded" : "")}"
            : $"a validation batch holds up to {rows:N0} tokens";
        throw new ArgumentException($"--batch-size {t.BatchSize} with {value} is too large for these texts: {batch}, " +
            $"× {width:N0} values per token ({(gates ? $"{Gates(c.Cell)}·hidden gates" : "the embedding")}) = {need:N0} values, " +
            $"more than the {Max:N0} one buffer can hold; lower --batch-size or {option}, or cut texts with --max-len");
    }

    static void Fit(string tensor, long rows, long cols, string options, string lower)
    {
        double n = (double)rows * cols;
        if (n > Max)
            throw new ArgumentException($"{options} is too large: {tensor} would be {rows:N0} × {cols:N0} = {n:N0} values, " +
                $"more than the {Max:N0} one array can hold; {lower}");
    }

    /// <summary>Two options that size one tensor, the larger first: "--fc 1,000,000,000 (with --hidden 50)".</summary>
    static string Pair(string a, long av, string b, long bv) => av >= bv ? $"{a} (with {b})" : $"{b} (with {a})";
}
