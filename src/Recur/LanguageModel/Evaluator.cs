// Loss and accuracy of a model on a token stream, in eval mode: the stream is cut into N contiguous
// sequences read T steps at a time with the state carried over, so every token is predicted from all
// before it in its sequence. At most N-1 tokens at the very end go unpredicted. Accuracy is how often
// the most likely token (argmax) is the next one: over every token, and over the last token of each
// T-step window (seed 004 measures the 71st token of windows of 70), a shorter one at a stream's end
// included. When the streams are shorter than T there is no window, and FullWindows says so.
using Recur.Nn.Losses;

namespace Recur.LanguageModel;

/// <summary>
/// Mean cross-entropy over a stream, and argmax accuracies. <paramref name="FullWindows"/>: windows of all T
/// steps read (N per T steps of each stream); 0 when every stream is shorter than T, and then
/// LastTokenAccuracy is no window's but only that of each stream's last token.
/// </summary>
public sealed record EvalResult(double Loss, long Tokens, double TokenAccuracy = double.NaN, double LastTokenAccuracy = double.NaN, long FullWindows = 0)
{
    /// <summary>Bits per token: loss / ln 2.</summary>
    public double Bits => Loss / Math.Log(2);
    /// <summary>e^loss: the model is as unsure as a uniform choice among this many tokens.</summary>
    public double Perplexity => Math.Exp(Loss);
}

/// <summary>Loss and accuracy of a language model on a text, as `recur eval` and validation measure them.</summary>
public static class Evaluator
{
    /// <summary>How many streams Evaluate reads <paramref name="tokens"/> tokens as: --batch, fewer when there are fewer predictions.</summary>
    static int Streams(int tokens, int batch) => Math.Max(1, Math.Min(batch, tokens - 1));

    /// <summary>Whether Evaluate reads a whole window (FullWindows > 0) of a text this long: its streams are at least T steps.</summary>
    public static bool FillsAWindow(int tokens, int batch, int steps) => tokens >= 2 && (tokens - 1) / Streams(tokens, batch) >= steps;

    /// <summary>
    /// Mean cross-entropy (nats per token) of predicting tokens[1..] from what precedes each, and accuracies.
    /// <paramref name="tokens"/> are ids of the model's vocabulary (<see cref="TokenText.Encode"/>); they are read
    /// as <paramref name="batch"/> streams (N, fewer for a short text), <paramref name="steps"/> tokens (T) at a time.
    /// </summary>
    public static EvalResult Evaluate(TokenModel model, ReadOnlySpan<int> tokens, int batch, int steps)
    {
        if (tokens.Length < 2) throw new ArgumentException("need at least two tokens to evaluate");
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), $"batch must be at least 1 (got {batch})");
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), $"steps must be at least 1 (got {steps})");
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            int n = Streams(tokens.Length, batch);
            int length = (tokens.Length - 1) / n;   // predictions per sequence
            var state = model.NewState(n);
            var ce = new CrossEntropyLoss(reduction: Reduction.Sum);
            double total = 0;
            long correct = 0, lastCorrect = 0, windows = 0, full = 0;
            var input = new int[n * Math.Min(steps, length)];
            var target = new int[input.Length];
            for (int start = 0; start < length; start += steps)
            {
                int t = Math.Min(steps, length - start);
                for (int s = 0; s < t; s++)
                    for (int i = 0; i < n; i++)
                    {
                        int p = i * length + start + s;
                        input[s * n + i] = tokens[p];
                        target[s * n + i] = tokens[p + 1];
                    }
                var logits = model.Forward(input.AsSpan(0, t * n), t, n, state);
                correct += Predictions.Correct(logits.Span, target.AsSpan(0, t * n));
                lastCorrect += Predictions.Correct(logits.Span, target.AsSpan(0, t * n), (t - 1) * n);
                windows += n;
                if (t == steps) full += n;
                total += ce.Forward(logits, target.AsSpan(0, t * n));
                state.CopyFrom(model.FinalState);
            }
            long count = (long)n * length;
            return new EvalResult(total / count, count, (double)correct / count, (double)lastCorrect / windows, full);
        }
        finally { model.Train(wasTraining); }
    }
}

/// <summary>Argmax predictions of logits rows, counted against targets.</summary>
public static class Predictions
{
    /// <summary>The index of the largest value (the first, on ties; the first NaN, if any), vectorised: a word model
    /// counts its right guesses over (700, 10,000) logits every step, 5.7 ms one compare at a time.</summary>
    public static int ArgMax(ReadOnlySpan<float> row) => row.IsEmpty ? 0 : System.Numerics.Tensors.TensorPrimitives.IndexOfMax(row);

    /// <summary>How many rows from <paramref name="firstRow"/> on of logits (rows, V) have their argmax equal to the target of that row.</summary>
    public static int Correct(ReadOnlySpan<float> logits, ReadOnlySpan<int> targets, int firstRow = 0)
    {
        int v = logits.Length / targets.Length, hits = 0;
        for (int r = firstRow; r < targets.Length; r++)
            if (ArgMax(logits.Slice(r * v, v)) == targets[r]) hits++;
        return hits;
    }

    /// <summary>How many rows from <paramref name="firstRow"/> on have the predicted class (e.g. from CrossEntropyLoss.Forward) equal to their target.</summary>
    public static int Correct(ReadOnlySpan<int> predicted, ReadOnlySpan<int> targets, int firstRow = 0)
    {
        int hits = 0;
        for (int r = firstRow; r < targets.Length; r++) if (predicted[r] == targets[r]) hits++;
        return hits;
    }
}
