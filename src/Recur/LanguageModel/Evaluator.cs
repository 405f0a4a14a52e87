// Loss of a model on a token stream, in eval mode: the stream is cut into N contiguous sequences read
// T steps at a time with the state carried over, so every token is predicted from all before it in its
// sequence. At most N-1 tokens at the very end go unpredicted.
using Recur.Nn;
using Recur.Nn.Losses;

namespace Recur.LanguageModel;

/// <summary>Summed and mean cross-entropy over a stream.</summary>
public sealed record EvalResult(double Loss, long Tokens)
{
    /// <summary>Bits per token: loss / ln 2.</summary>
    public double Bits => Loss / Math.Log(2);
    public double Perplexity => Math.Exp(Loss);
}

public static class Evaluator
{
    /// <summary>Mean cross-entropy (nats per token) of predicting tokens[1..] from what precedes each.</summary>
    public static EvalResult Evaluate(CharModel model, ReadOnlySpan<int> tokens, int batch, int steps)
    {
        if (tokens.Length < 2) throw new ArgumentException("need at least two tokens to evaluate");
        bool wasTraining = model.Training;
        model.Eval();
        try
        {
            int n = Math.Max(1, Math.Min(batch, tokens.Length - 1));
            int length = (tokens.Length - 1) / n;   // predictions per sequence
            var state = model.NewState(n);
            var ce = new CrossEntropyLoss(reduction: Reduction.Sum);
            double total = 0;
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
                total += ce.Forward(logits, target.AsSpan(0, t * n));
                state.CopyFrom(model.Rnn.FinalState);
            }
            long count = (long)n * length;
            return new EvalResult(total / count, count);
        }
        finally { model.Train(wasTraining); }
    }
}
