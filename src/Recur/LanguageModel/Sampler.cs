// Generating text: the whole prime runs through the network, then each next token is drawn from the
// softmax of the logits divided by the temperature (0: always the most likely), optionally restricted
// to the k most likely (seed 000 uses 5, seed 003 uses 4) and/or the smallest set whose probability
// reaches p (nucleus sampling). --count N draws N independent samples as one batch. A word model reads
// its prime with the word tokenizer (unknown words as <unk>) and joins what it generates with
// WordJoiner's spacing rule; Length counts tokens either way.
using Recur.Text;

namespace Recur.LanguageModel;

/// <summary>What to generate.</summary>
public sealed record SampleOptions
{
    /// <summary>Text the samples start from (lowercased or transliterated as the model's text was); empty: a line break (or &lt;eos&gt;), or a random token where the model has none.</summary>
    public string Prime { get; init; } = "";
    /// <summary>Tokens to generate after the prime.</summary>
    public int Length { get; init; } = 500;
    /// <summary>Divides the logits before the softmax: below 1 more conservative, above 1 more varied; 0 always takes the most likely token.</summary>
    public double Temperature { get; init; } = 1.0;
    /// <summary>Sample among the k most likely tokens (0 = all).</summary>
    public int TopK { get; init; }
    /// <summary>Sample among the most likely tokens whose probabilities sum to p (1 = all).</summary>
    public double TopP { get; init; } = 1.0;
    /// <summary>Seeds the draws: the same model, options and seed give the same text.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Independent samples, computed as one batch.</summary>
    public int Count { get; init; } = 1;
    /// <summary>A sample ends once it has generated this string (kept in the output); a word model matches its words and marks, whatever their spacing.</summary>
    public string? Stop { get; init; }

    /// <summary>The most samples in one batch: each holds its own state and text.</summary>
    public const int MaxCount = 10_000;

    /// <summary>Throws ArgumentException with a one-line reason (naming `recur sample`'s option) if a value is out of range.</summary>
    public void Validate()
    {
        if (Length < 0) throw new ArgumentException($"--length must be 0 or more (got {Length})");
        if (!(Temperature >= 0) || double.IsInfinity(Temperature)) throw new ArgumentException($"--temperature must be 0 (greedy) or positive (got {Temperature})");
        if (TopK < 0) throw new ArgumentException($"--top-k must be 0 (off) or positive (got {TopK})");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentException($"--top-p must be in (0, 1] (got {TopP})");
        if (Count < 1 || Count > MaxCount) throw new ArgumentException($"--count must be from 1 to {MaxCount} (got {Count})");
        if (Stop is "") throw new ArgumentException("--stop must not be empty");
    }
}

/// <summary>Generates text from a language model as `recur sample` does; <see cref="Choose"/> draws one token for a custom loop.</summary>
public sealed class Sampler
{
    readonly TokenModel model;
    readonly Vocabulary vocab;

    /// <summary>A sampler over <paramref name="model"/>, whose tokens are <paramref name="vocab"/>: the vocabulary it was trained with (both from <see cref="LanguageModelFile.Load"/>).</summary>
    public Sampler(TokenModel model, Vocabulary vocab)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocab);
        if (vocab.Count != model.Config.VocabSize)
            throw new ArgumentException($"a vocabulary of {vocab.Count} tokens does not fit a model of {model.Config.VocabSize}; give the vocabulary the model was trained with", nameof(vocab));
        this.model = model;
        this.vocab = vocab;
    }

    /// <summary>
    /// Generates <see cref="SampleOptions.Count"/> samples, each the prime followed by generated text.
    /// <paramref name="onPrime"/> receives the prime once it is known to be valid (with an empty prime: the
    /// start token chosen), then <paramref name="onToken"/> receives (sample index, text) as each token is chosen: the
    /// token itself, or for words the token with the space before it (if any), or a line break for &lt;eos&gt;.
    /// </summary>
    public string[] Generate(SampleOptions o, Action<int, string>? onToken = null, Action<string>? onPrime = null)
    {
        o.Validate();
        var cfg = model.Config;
        string prime = o.Prime;
        if (cfg.Ascii) prime = AsciiFold.Fold(prime);
        if (cfg.Lowercase) prime = prime.ToLowerInvariant();
        var rng = new Rng(o.Seed);
        bool words = cfg.Tokens == ModelConfig.Words;
        string[]? stopWords = o.Stop == null ? null : CheckStop(o.Stop, words);
        int[] primeIds = prime.Length == 0 ? [StartToken(rng)]
            : words ? TokenText.Encode(prime, cfg.Tokens, vocab)
            : vocab.EncodeCharactersStrict(prime, "the prime");
        if (primeIds.Length == 0) throw new ArgumentException("the prime holds no word or mark; give some text, or leave --prime out");
        if (prime.Length == 0) prime = words ? "" : vocab[primeIds[0]];
        onPrime?.Invoke(prime);

        int n = o.Count, v = cfg.VocabSize;
        // The prime runs as one (prime, count) batch: its logits and gates must fit one tensor.
        if ((long)n * primeIds.Length * Math.Max(v, 4 * cfg.Hidden) > int.MaxValue)
            throw new ArgumentException($"--count {n:N0} with a prime of {primeIds.Length:N0} tokens is more than one batch can hold; lower --count or shorten the prime");
        bool training = model.Training;
        model.FreezeWeights();
        try
        {
            var state = model.NewState(n);
            var input = new int[primeIds.Length * n];
            for (int t = 0; t < primeIds.Length; t++)
                for (int i = 0; i < n; i++) input[t * n + i] = primeIds[t];
            var logits = model.Forward(input, primeIds.Length, n, state);
            int last = (primeIds.Length - 1) * n * v;
            var texts = Enumerable.Range(0, n).Select(_ => new System.Text.StringBuilder(prime, (int)Math.Min(prime.Length + 2L * o.Length + 16, 1 << 20))).ToArray();
            var joiners = Enumerable.Range(0, n).Select(_ => TokenText.Joiner(cfg.Tokens, prime)).ToArray();
            var done = new bool[n];
            var next = new int[n];
            var stopper = stopWords == null ? null : new WordStop(stopWords, vocab, n);
            if (stopper != null && prime.Length > 0)
                foreach (int id in primeIds) for (int i = 0; i < n; i++) stopper.Add(i, id);
            var scratch = new Scratch(v);
            for (int step = 0; step < o.Length && done.Contains(false); step++)
            {
                for (int i = 0; i < n; i++)
                {
                    next[i] = Choose(logits.Span.Slice(last + i * v, v), o, rng, scratch);
                    if (done[i]) continue;
                    string token = joiners[i](vocab[next[i]]);
                    texts[i].Append(token);
                    onToken?.Invoke(i, token);
                    if (stopper != null) { stopper.Add(i, next[i]); done[i] = stopper.Ends(i); }
                    else if (o.Stop != null && EndsWith(texts[i], o.Stop)) done[i] = true;
                }
                state.CopyFrom(model.FinalState);
                logits = model.Forward(next, 1, n, state);
                last = 0;
            }
            return texts.Select(t => t.ToString()).ToArray();
        }
        finally { model.Train(training); }
    }

    /// <summary>
    /// Refuses a stop string the model cannot generate: a character model must know each of its characters;
    /// a word model each of its words and marks (WordTokenizer's tokens), except that the first may also be
    /// the end of a word it knows ("ra" ends "zebra"). Returns a word model's stop tokens (null for characters).
    /// </summary>
    string[]? CheckStop(string stop, bool words)
    {
        if (!words)
        {
            var cannotMake = new Dictionary<string, int>();
            vocab.EncodeCharacters(stop, cannotMake);
            if (cannotMake.Count > 0)
                throw new ArgumentException($"--stop holds {string.Join(", ", cannotMake.Keys.Take(5).Select(Vocabulary.Describe))}, which the model never generates, so no sample would stop there");
            return null;
        }
        var tokens = WordTokenizer.Tokenize(stop);
        if (tokens.Count == 0) throw new ArgumentException("--stop holds no word, mark or line break; a word model's samples stop at words, so give some");
        // <eos> is printed as a line break, so no stop text can end with part of it.
        var unknown = tokens.Where((t, i) => !vocab.TryGetId(t, out _)
            && !(i == 0 && vocab.Tokens.Any(w => w != WordTokenizer.EndOfLine && w.EndsWith(t, StringComparison.Ordinal)))).Distinct().ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"--stop holds {string.Join(", ", unknown.Take(5).Select(t => t == WordTokenizer.EndOfLine ? "a line break (<eos>)" : Vocabulary.Describe(t)))}, which the model never generates " +
                "(not in its vocabulary), so no sample would stop there; choose a stop of words it knows (recur info lists them)");
        return tokens.ToArray();
    }

    /// <summary>With no prime, generation starts after a line end (a newline character, or &lt;eos&gt; for words).</summary>
    int StartToken(Rng rng) => vocab.TryGetId("\n", out int id) || vocab.TryGetId(Recur.Text.WordTokenizer.EndOfLine, out id) ? id : rng.NextInt(vocab.Count);

    static bool EndsWith(System.Text.StringBuilder sb, string s)
    {
        if (sb.Length < s.Length) return false;
        for (int i = 0; i < s.Length; i++)
            if (sb[sb.Length - s.Length + i] != s[i]) return false;
        return true;
    }

    /// <summary>Buffers for <see cref="Choose"/>, sized to the vocabulary, so drawing allocates nothing.</summary>
    public sealed class Scratch(int vocab)
    {
        /// <summary>(V) the candidates' unnormalised weights exp((logit - max) / T), in <see cref="Order"/>'s order.</summary>
        public readonly double[] Probs = new double[vocab];
        /// <summary>(V) negated logits, the sort keys that put the candidates in decreasing order.</summary>
        public readonly float[] Keys = new float[vocab];
        /// <summary>(V) token ids of the candidates, most likely first when top-k or top-p is on.</summary>
        public readonly int[] Order = new int[vocab];
        /// <summary>(V) without top-k: the weights exp((logit - max) / T) in float.</summary>
        public readonly float[] Weights = new float[vocab];
        /// <summary>With top-p: the weights' sums by bucket (<see cref="NucleusThreshold"/>).</summary>
        public readonly double[] Mass = new double[MassBuckets];
    }

    /// <summary>Draws a token id from one row of logits under the temperature, top-k and top-p rules.</summary>
    public static int Choose(ReadOnlySpan<float> logits, SampleOptions o, Rng rng, Scratch s)
    {
        int v = logits.Length;
        if (o.Temperature == 0 || o.TopK == 1)
        {
            int best = 0;
            for (int j = 1; j < v; j++) if (logits[j] > logits[best]) best = j;
            return best;
        }
        if (o.TopK == 0 && float.IsNormal((float)o.Temperature))
            return ChooseWeighted(logits, (float)o.Temperature, o.TopP, rng, s);
        var probs = s.Probs;
        var order = s.Order;
        int keep = v;
        if (o.TopK == 0 && o.TopP >= 1)
            for (int j = 0; j < v; j++) order[j] = j;
        else if (o.TopK > 0)
        {
            keep = Math.Min(o.TopK, v);
            LargestFirst(logits, keep, s.Keys, order);
        }
        else
        {
            // Candidates by decreasing logit: sort negated logits ascending, carrying the ids.
            for (int j = 0; j < v; j++) { order[j] = j; s.Keys[j] = -logits[j]; }
            Array.Sort(s.Keys, order, 0, v);
        }
        // Softmax of logits / T in double over the candidates.
        float max = logits[order[0]];
        for (int r = 1; r < keep; r++) max = Math.Max(max, logits[order[r]]);
        double sum = 0;
        for (int r = 0; r < keep; r++) sum += probs[r] = Math.Exp((logits[order[r]] - max) / o.Temperature);
        if (o.TopP < 1)
        {
            double cumulative = 0;
            for (int r = 0; r < keep; r++)
            {
                cumulative += probs[r] / sum;
                if (cumulative >= o.TopP) { keep = r + 1; break; }
            }
            sum = 0;
            for (int r = 0; r < keep; r++) sum += probs[r];
        }
        double u = rng.NextDouble() * sum;
        for (int r = 0; r < keep; r++)
        {
            u -= probs[r];
            if (u < 0) return order[r];
        }
        return order[keep - 1];
    }

    /// <summary>
    /// The ids of the <paramref name="k"/> largest logits into order[0..k), largest first, as sorting them all would
    /// give (up to ties), in O(V log k): a min-heap of the k largest so far in keys/order, then a sort of those k
    /// (for a 10,000-word vocabulary and k = 40, ~40 µs instead of ~700).
    /// </summary>
    internal static void LargestFirst(ReadOnlySpan<float> logits, int k, float[] keys, int[] order)
    {
        for (int j = 0; j < k; j++)
        {
            // Sift up: the parent of i is (i - 1) / 2; keys[0] stays the smallest kept.
            int i = j;
            while (i > 0 && logits[j] < keys[(i - 1) / 2]) { keys[i] = keys[(i - 1) / 2]; order[i] = order[(i - 1) / 2]; i = (i - 1) / 2; }
            keys[i] = logits[j]; order[i] = j;
        }
        for (int j = k; j < logits.Length; j++)
        {
            float x = logits[j];
            if (!(x > keys[0])) continue;
            // Replace the smallest and sift down.
            int i = 0;
            while (true)
            {
                int c = 2 * i + 1;
                if (c >= k) break;
                if (c + 1 < k && keys[c + 1] < keys[c]) c++;
                if (!(keys[c] < x)) break;
                keys[i] = keys[c]; order[i] = order[c]; i = c;
            }
            keys[i] = x; order[i] = j;
        }
        // Decreasing logit: negated keys ascending.
        for (int i = 0; i < k; i++) keys[i] = -keys[i];
        Array.Sort(keys, order, 0, k);
    }

    /// <summary>
    /// A draw without top-k: the weights in float, vectorised (a 10,000-word row costs ~100 µs as scalar double exps,
    /// a few µs so), summed and searched in double in index order, over every token or, below p = 1, the tokens at or
    /// above the nucleus's edge (<see cref="NucleusThreshold"/>): the same distribution as walking the sorted candidates.
    /// </summary>
    static unsafe int ChooseWeighted(ReadOnlySpan<float> logits, float temperature, double p, Rng rng, Scratch s)
    {
        int v = logits.Length;
        var w = s.Weights;
        fixed (float* x = logits, y = w) Kernels.Softmax.TemperedWeights(x, y, v, temperature);
        float threshold = p < 1 ? NucleusThreshold(w, v, p, s) : 0;   // weights are never negative: 0 keeps all
        double sum = 0;
        for (int j = 0; j < v; j++) if (w[j] >= threshold) sum += w[j];
        double u = rng.NextDouble() * sum;
        int last = 0;
        for (int j = 0; j < v; j++)
        {
            if (w[j] < threshold) continue;
            last = j;
            u -= w[j];
            if (u < 0) return j;
        }
        return last;
    }

    /// <summary>
    /// The largest weight t such that the weights of at least t (w[0..v), not negative) hold at least p of their
    /// total: the nucleus is then every token at or above t (the smallest set of most likely tokens reaching p, with
    /// all of a tie at its edge). A selection, not a sort: the weights' masses by bucket of their float bits (16
    /// buckets an octave, in order as the bits of positive floats are; 1 and above in the last), summed from the top
    /// down to the bucket that crosses p, and only that bucket's weights sorted. Sums are in double, in an order the
    /// weights fix. <paramref name="s"/>'s Mass and Keys are scratch.
    /// </summary>
    internal static float NucleusThreshold(float[] w, int v, double p, Scratch s)
    {
        var mass = s.Mass;
        Array.Clear(mass);
        for (int j = 0; j < v; j++) mass[Bucket(w[j])] += w[j];
        double total = 0;
        foreach (double m in mass) total += m;
        double target = p * total, above = 0;
        int b = mass.Length - 1;
        while (b > 0 && above + mass[b] < target) above += mass[b--];
        int n = 0;
        for (int j = 0; j < v; j++) if (Bucket(w[j]) == b) s.Keys[n++] = -w[j];
        Array.Sort(s.Keys, 0, n);  // the bucket's weights, largest first
        for (int r = 0; r < n; r++)
        {
            float x = -s.Keys[r];
            if ((above += x) >= target) return x;
        }
        return n > 0 ? -s.Keys[n - 1] : 0;
    }

    /// <summary>The bucket of a weight: its top 13 bits (8 of exponent, 4 of mantissa); 0 for 0, the last for 1 and above (and NaN).</summary>
    static int Bucket(float x) => (int)Math.Min(BitConverter.SingleToUInt32Bits(x) >> 19, (uint)MassBuckets - 1);

    const int MassBuckets = (0x3F800000 >> 19) + 1;  // 1f's bucket is the last
}
