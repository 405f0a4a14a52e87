// Seed 004's test of a counting model: read K tokens of text as context from a zero state, then let the
// model continue greedily for K tokens, each prediction fed back as the next input, and count how often
// all K equal the text's next K tokens. Windows start at 0, K, 2K, ... so every context is followed by
// K real tokens; they run side by side, up to `batch` at a time.
namespace Recur.LanguageModel;

/// <summary>How many greedy continuations were entirely right, and how many of their tokens were.</summary>
public sealed record ContinuationResult(int Windows, int Exact, long TokensRight, int Length)
{
    /// <summary>The fraction of windows whose whole continuation was right.</summary>
    public double ExactRate => Windows == 0 ? double.NaN : (double)Exact / Windows;
    /// <summary>The fraction of continued tokens that were right.</summary>
    public double TokenRate => Windows == 0 ? double.NaN : (double)TokensRight / ((long)Windows * Length);
}

/// <summary>Seed 004's continuation test: how often a model, reading K tokens of text, goes on with the text's next K.</summary>
public static class Continuation
{
    /// <summary>Greedy <paramref name="length"/>-token continuations of every <paramref name="length"/>-token window of <paramref name="tokens"/>.</summary>
    public static ContinuationResult Evaluate(TokenModel model, ReadOnlySpan<int> tokens, int length, int batch = 64)
    {
        if (length < 1) throw new ArgumentException($"--continuation must be at least 1 (got {length})");
        if (batch < 1) throw new ArgumentException($"--batch must be at least 1 (got {batch})");
        int windows = tokens.Length / length - 1;
        if (windows < 1) throw new ArgumentException($"the text has {tokens.Length} tokens; continuations of {length} need at least {2 * length}");
        bool wasTraining = model.Training;
        model.FreezeWeights();
        try
        {
            int exact = 0;
            long right = 0;
            var input = new int[length * Math.Min(batch, windows)];
            var next = new int[Math.Min(batch, windows)];
            var ok = new bool[next.Length];
            for (int first = 0; first < windows; first += batch)
            {
                int n = Math.Min(batch, windows - first);
                var state = model.NewState(n);
                // context (K, n), time-major: window w reads tokens[(first + w)·K ..][..K]
                for (int s = 0; s < length; s++)
                    for (int w = 0; w < n; w++) input[s * n + w] = tokens[(first + w) * length + s];
                var logits = model.Forward(input.AsSpan(0, length * n), length, n, state);
                int v = logits.Dim(2), last = (length - 1) * n * v;
                Array.Fill(ok, true);
                for (int k = 0; k < length; k++)
                {
                    for (int w = 0; w < n; w++)
                    {
                        next[w] = Predictions.ArgMax(logits.Span.Slice(last + w * v, v));
                        if (next[w] == tokens[(first + w + 1) * length + k]) right++;
                        else ok[w] = false;
                    }
                    if (k == length - 1) break;
                    state.CopyFrom(model.FinalState);
                    logits = model.Forward(next.AsSpan(0, n), 1, n, state);
                    last = 0;
                }
                for (int w = 0; w < n; w++) if (ok[w]) exact++;
            }
            return new ContinuationResult(windows, exact, right, length);
        }
        finally { model.Train(wasTraining); }
    }
}
