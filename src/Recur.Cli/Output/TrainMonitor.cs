// Shows a language-model run as it trains: the progress status (step, epoch, smoothed loss, speed),
// a line per evaluation, and the loss-curve plot (loss.png / loss.svg) after every evaluation.
using Recur.LanguageModel;

namespace Recur.Cli.Output;

sealed class TrainMonitor(IProgressSink sink) : ITrainingMonitor
{
    double smoothed = double.NaN;

    public void Stepped(TrainingRun run, float loss, double tokensPerSecond, double fractionDone)
    {
        smoothed = double.IsNaN(smoothed) ? loss : 0.98 * smoothed + 0.02 * loss;
        sink.Update(fractionDone, $"step {run.Progress.Step:N0} · epoch {run.EpochProgress:0.00} · loss {smoothed:0.000} · {tokensPerSecond:N0} tok/s");
    }

    public void Evaluated(TrainingRun run, EvalResult v, bool best)
    {
        sink.Line($"step {run.Progress.Step:N0}: validation loss {v.Loss:0.0000} nats/char, {v.Bits:0.000} bits/char, perplexity {v.Perplexity:0.00}{(best ? " (best so far, saved)" : "")}");
        Plot(run);
    }

    public void Checkpointed(TrainingRun run) { }

    /// <summary>loss.png and loss.svg: training loss (rolling mean) and validation loss against steps.</summary>
    public static void Plot(TrainingRun run)
    {
        var train = run.TrainLoss;
        if (train.Count == 0) return;
        int window = Math.Clamp(train.Count / 50, 1, 100);
        var xs = Enumerable.Range(1, train.Count).Select(i => (double)i).ToArray();
        var ys = Plots.RollingMean(train.Select(v => (double)v).ToList(), window);
        var val = run.Progress.ValHistory;
        Plots.Lines(run.PathOf("loss"), "Loss (nats per token)", "step", "cross-entropy",
            new Series(window > 1 ? $"train (mean of {window} steps)" : "train", xs, ys),
            new Series("validation", val.Select(p => p[0]).ToArray(), val.Select(p => p[1]).ToArray()));
    }
}
