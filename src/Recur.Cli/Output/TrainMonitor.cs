// Shows a language-model run as it trains: the progress status (step, epoch, smoothed loss and
// last-token accuracy, speed), a line per evaluation, and the plots loss.png / loss.svg and
// accuracy.png / accuracy.svg after every evaluation.
using Recur.LanguageModel;

namespace Recur.Cli.Output;

sealed class TrainMonitor(IProgressSink sink, int lrCuts = 0) : ITrainingMonitor
{
    double smoothed = double.NaN, smoothedAccuracy = double.NaN;

    public void Stepped(TrainingRun run, float loss, double tokensPerSecond, double fractionDone)
    {
        // The first step of a session folds in the run's saved history (this step included), so a resumed
        // run shows what the unbroken run would have shown rather than a mean restarted from one step.
        if (double.IsNaN(smoothed)) (smoothed, smoothedAccuracy) = (Average(run.TrainLoss), Average(run.TrainLastAccuracy));
        else
        {
            smoothed = 0.98 * smoothed + 0.02 * loss;
            smoothedAccuracy = 0.98 * smoothedAccuracy + 0.02 * run.TrainLastAccuracy[^1];
        }
        sink.Update(fractionDone, $"step {run.Progress.Step:N0} · epoch {run.EpochProgress:0.00} · loss {smoothed:0.000} · last-token accuracy {smoothedAccuracy:P0} · {tokensPerSecond:N0} tok/s");
    }

    /// <summary>The exponential moving average (weight 0.02 on each new value) of a whole history, from its first value.</summary>
    static double Average(List<float> history)
    {
        double mean = history[0];
        for (int i = 1; i < history.Count; i++) mean = 0.98 * mean + 0.02 * history[i];
        return mean;
    }

    public void Evaluated(TrainingRun run, EvalResult v, bool best)
    {
        string unit = TokenText.Unit(run.ModelConfig.Tokens);
        sink.Line($"step {run.Progress.Step:N0}: validation loss {v.Loss:0.0000} nats/{unit}, {v.Bits:0.000} bits/{unit}, perplexity {Commands.CommonOptions.FormatPerplexity(v.Perplexity)}, " +
            $"accuracy {v.TokenAccuracy:P1} ({LastToken(v.FullWindows > 0 ? v.LastTokenAccuracy : double.NaN, run.Config.Seq)}){(best ? " (best so far, saved)" : "")}" +
            (run.Progress.LrCuts > lrCuts ? $"; not better than {run.Progress.ScheduledBestLoss:0.0000}: learning rate ÷{run.Config.LrPlateau:G4}, now {run.LearningRate:G4}" : ""));
        lrCuts = run.Progress.LrCuts;
        Plot(run, warning => sink.Line(Reporter.WarningLine(warning)));
    }

    public void Checkpointed(TrainingRun run) { }

    /// <summary>"last token 12.5 %", or, where the validation streams are shorter than --seq (NaN), none as `recur eval` says it.</summary>
    public static string LastToken(double accuracy, int seq) =>
        double.IsNaN(accuracy) ? $"last token none: no validation stream fills a {seq}-token window" : $"last token {accuracy:P1}";

    /// <summary>Steps per point of the training curves: a rolling mean of 4 (as seed 004 plots them), wider on long runs.</summary>
    public static int Window(int steps) => Math.Max(4, steps / 250);

    /// <summary>
    /// loss.png/.svg: training loss (rolling mean) and validation loss against steps; accuracy.png/.svg: training
    /// accuracy over every token and on the last token of each sequence (rolling means), and the validation ones.
    /// </summary>
    public static void Plot(TrainingRun run, Action<string> warn) => Plots.Try(() => Draw(run), warn);

    /// <summary>The files <see cref="Plot"/> writes in the run directory.</summary>
    public static readonly string[] PlotFiles = ["loss.png", "loss.svg", "accuracy.png", "accuracy.svg"];

    static void Draw(TrainingRun run)
    {
        int count = run.TrainLoss.Count;
        if (count == 0) return;
        int window = Window(count);
        var xs = Enumerable.Range(1, count).Select(i => (double)i).ToArray();
        double[] Smooth(List<float> values) => Plots.RollingMean(values.Select(v => (double)v).ToList(), window);
        string mean = $"(mean of {window} steps)";
        var val = run.Progress.ValHistory;
        Plots.Lines(run.PathOf("loss"), $"Loss (nats per {TokenText.Unit(run.ModelConfig.Tokens)})", "step", "cross-entropy",
            new Series($"train {mean}", xs, Smooth(run.TrainLoss)),
            new Series("validation", val.Select(p => p[0]).ToArray(), val.Select(p => p[1]).ToArray()));
        var valAcc = val.Where(p => p.Length >= 4).ToList();
        var valLast = valAcc.Where(p => !double.IsNaN(p[3])).ToList();   // none without a window: no point to draw
        // A run resumed from a state file older than the accuracy history has it for its last steps only.
        var accXs = xs[(count - run.TrainAccuracy.Count)..];
        Plots.Lines(run.PathOf("accuracy"), "Accuracy (argmax = next token)", "step", "accuracy",
            new Series($"train, last token {mean}", accXs, Smooth(run.TrainLastAccuracy)),
            new Series($"train, every token {mean}", accXs, Smooth(run.TrainAccuracy)),
            new Series("validation, last token", valLast.Select(p => p[0]).ToArray(), valLast.Select(p => p[3]).ToArray()),
            new Series("validation, every token", valAcc.Select(p => p[0]).ToArray(), valAcc.Select(p => p[2]).ToArray()));
    }
}
