// The training loop around a TrainingRun: steps until a budget (steps, epochs, time — all counted from
// the start of the run, across resumes) is spent or the caller cancels; validates every EvalEvery steps,
// saves state and a model snapshot every CheckpointEvery steps and at the end, and on every way out
// leaves consistent files behind.
using System.Diagnostics;

namespace Recur.LanguageModel;

/// <summary>
/// What the loop reports as it goes (the CLI draws progress from it). Each method does nothing unless implemented,
/// so a monitor implements only what it wants, e.g. <c>Evaluated</c> to print validation losses.
/// </summary>
public interface ITrainingMonitor
{
    /// <summary>After every optimizer step: its loss (nats per token), this session's speed in tokens per second of training steps, and the largest fraction of any budget spent (0 to 1).</summary>
    void Stepped(TrainingRun run, float loss, double tokensPerSecond, double fractionDone) { }
    /// <summary>After every validation; <paramref name="best"/> when its loss is the lowest so far (model.safetensors now holds these weights).</summary>
    void Evaluated(TrainingRun run, EvalResult validation, bool best) { }
    /// <summary>After the state (and a model snapshot) is saved.</summary>
    void Checkpointed(TrainingRun run) { }
}

/// <summary>How a training loop ended.</summary>
public enum TrainStop
{
    /// <summary>A budget (steps, epochs or time) was used up; the final weights are evaluated on the validation part (if any) and saved.</summary>
    Budget,
    /// <summary>The caller cancelled; the weights so far are evaluated on the validation part (if any) and saved, and the run can be resumed.</summary>
    Cancelled,
    /// <summary>The loss or gradient became non-finite, or the loss exploded (<see cref="TrainingDivergedException"/>); the files keep the last good state.</summary>
    Diverged,
}

/// <summary>
/// The end of a training loop: why it stopped, and Steps, the run's step count then. ElapsedSeconds is the run's
/// whole time across resumes; SessionSeconds this session's (steps, validation, saving); StepSeconds the part of it
/// in training steps, over which TokensPerSecond is counted. Message says why training diverged (Stop is Diverged), or
/// that the budget was used up before this call (Stop is Budget, no step taken); null otherwise. The losses are in the run: <see cref="TrainingRun.Progress"/> (BestValLoss, BestStep, ValHistory)
/// and <see cref="TrainingRun.TrainLoss"/>.
/// </summary>
public sealed record TrainOutcome(TrainStop Stop, long Steps, double ElapsedSeconds, double SessionSeconds, double StepSeconds,
    double TokensPerSecond, string? Message);

/// <summary>The loop that trains a <see cref="TrainingRun"/> as `recur train` does.</summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="run"/> until its budget (<see cref="Spent"/>) is used up (a new run takes its first step
    /// whatever its TimeSeconds), <paramref name="cancel"/> is cancelled or the loss diverges, validating and saving as
    /// its config says; <paramref name="monitor"/> hears each step, validation and checkpoint. A run whose budget is
    /// already used up (a resume that raised none) returns at once and writes nothing: its files already hold where it
    /// stopped. The run must not be disposed yet (ObjectDisposedException).
    /// </summary>
    public static TrainOutcome Run(TrainingRun run, ITrainingMonitor? monitor = null, CancellationToken cancel = default)
    {
        run.ThrowIfDisposed();
        var config = run.Config;
        var p = run.Progress;
        var clock = Stopwatch.StartNew();
        var stepClock = new Stopwatch();   // training steps only: the speed shown leaves out validation and saving
        double before = p.ElapsedSeconds;
        long tokensAtStart = p.TokensSeen, stepAtStart = p.Step;
        double Elapsed() => before + clock.Elapsed.TotalSeconds;
        double Speed() => (p.TokensSeen - tokensAtStart) / Math.Max(stepClock.Elapsed.TotalSeconds, 1e-9);
        TrainStop stop = TrainStop.Budget;
        string? message = null;
        bool evaluatedAtEnd = false, savedAtEnd = false;
        // A new run takes its first step whatever its TimeSeconds: with none it would save nothing to resume, and a
        // budget shorter than the time to start would train one step on an idle machine and none on a busy one.
        while (p.Step == 0 || !Spent(run, Elapsed()))
        {
            if (cancel.IsCancellationRequested) { stop = TrainStop.Cancelled; break; }
            float loss;
            stepClock.Start();
            try { loss = run.Step(); }
            catch (TrainingDivergedException e) { stop = TrainStop.Diverged; message = e.Message; break; }
            finally { stepClock.Stop(); }
            evaluatedAtEnd = savedAtEnd = false;
            monitor?.Stepped(run, loss, Speed(), FractionDone(run, Elapsed()));
            if (p.Step % config.EvalEvery == 0) { Evaluate(run, monitor); evaluatedAtEnd = true; }
            if (p.Step % config.CheckpointEvery == 0)
            {
                p.ElapsedSeconds = Elapsed();
                Save(run, monitor, snapshot: true);
                savedAtEnd = true;
            }
        }
        // A diverged run keeps its last good files: the weights in memory may already be poisoned. A call that took
        // no step has nothing new to validate or save.
        if (p.Step == stepAtStart && stop == TrainStop.Budget)
            message = $"nothing to train: the run at step {p.Step:N0} has used up its budget (Steps, Epochs or TimeSeconds); raise one in TrainingRun.Resume's update";
        if (stop != TrainStop.Diverged && p.Step > stepAtStart)
        {
            if (!evaluatedAtEnd) Evaluate(run, monitor);
            p.ElapsedSeconds = Elapsed();
            // The final weights as a model file too (torch-rnn saves at the last iteration): they are
            // otherwise only in state.safetensors, which eval and sample do not read.
            if (!savedAtEnd) Save(run, monitor, snapshot: true);
        }
        return new TrainOutcome(stop, p.Step, Elapsed(), clock.Elapsed.TotalSeconds, stepClock.Elapsed.TotalSeconds, Speed(), message);
    }

    static void Evaluate(TrainingRun run, ITrainingMonitor? monitor)
    {
        var v = run.Validate();
        if (v is { } r) monitor?.Evaluated(run, r.Result, r.Best);
    }

    static void Save(TrainingRun run, ITrainingMonitor? monitor, bool snapshot)
    {
        // Without validation the latest weights are the model.
        if (run.Corpus.Validation.Length < 2) run.SaveModel(run.PathOf(TrainingRun.ModelFileName));
        run.SaveState();
        if (snapshot) run.SaveSnapshot();
        monitor?.Checkpointed(run);
    }

    /// <summary>True once any budget is used up; with no budget at all, after 10 epochs.</summary>
    public static bool Spent(TrainingRun run, double elapsedSeconds)
    {
        var c = run.Config;
        var p = run.Progress;
        if (c.Steps is long s && p.Step >= s) return true;
        if (c.TimeSeconds is double t && elapsedSeconds >= t) return true;
        double epochs = c.Epochs ?? (c.Steps == null && c.TimeSeconds == null ? DefaultEpochs : double.PositiveInfinity);
        return run.EpochProgress >= epochs - 1e-9;
    }

    /// <summary>The epochs a run trains when its config sets no budget (no Steps, Epochs or TimeSeconds).</summary>
    public const double DefaultEpochs = 10;

    /// <summary>The largest fraction of any budget used so far.</summary>
    public static double FractionDone(TrainingRun run, double elapsedSeconds)
    {
        var c = run.Config;
        double f = 0;
        if (c.Steps is long s) f = Math.Max(f, (double)run.Progress.Step / s);
        if (c.TimeSeconds is double t) f = Math.Max(f, elapsedSeconds / t);
        double epochs = c.Epochs ?? (c.Steps == null && c.TimeSeconds == null ? DefaultEpochs : 0);
        if (epochs > 0) f = Math.Max(f, run.EpochProgress / epochs);
        return Math.Min(f, 1);
    }
}
