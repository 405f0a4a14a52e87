// The seed's training loop: every epoch the training windows are shuffled and cut into batches of
// BatchSize (the last one smaller, as DataLoader's drop_last=False), each batch takes one Adam step on
// the MSE of the predicted close, and the epoch's loss is the mean of the batch losses weighted by
// batch size (the seed's total_loss / len(dataset)). Deterministic: the weights come from Rng(seed),
// the batch order from an independent stream of the same seed, and every kernel sums in a fixed order,
// so a seed gives the same bits on any thread count. An ensemble's members train side by side, up to one
// per thread, member k exactly as a one-model run of seed Seed + k.
// Shapes: W window, B batch, F features; x (W, B, F), y and dy (B, 1).
using Recur.Nn;
using Recur.Nn.Losses;
using Recur.Optim;

namespace Recur.Forecasting;

/// <summary>What one finished epoch reports: its number (from 1) of all, its training MSE in price units
/// (with ScaleTarget, the scaled loss × std²), the time since training began, and which member (from 0) of how many trains.</summary>
public sealed record ForecastEpochReport(int Epoch, int Epochs, double Loss, TimeSpan Elapsed, int Member = 0, int Members = 1);

/// <summary>Trains a <see cref="Forecaster"/>'s model as the seed does.</summary>
public static class ForecastTrainer
{
    /// <summary>Seed offset of the batch-order stream, so it is independent of the weights' stream.</summary>
    const ulong ShuffleStream = 0x5348554646_4C45;   // "SHUFFLE"

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when <paramref name="train"/> does not fit the forecaster or a
    /// batch of it would hold more activations than the config allows; <see cref="Train"/> checks this first.
    /// </summary>
    public static void Check(Forecaster forecaster, WindowSet train)
    {
        forecaster.CheckFits(train);
        forecaster.Config.CheckBatch(Math.Min(forecaster.Config.BatchSize, train.Count));
    }

    /// <summary>
    /// Runs <see cref="ForecastConfig.Epochs"/> epochs over <paramref name="train"/> for every member and returns
    /// each epoch's loss (an ensemble's: the members' mean; <paramref name="onEpoch"/> hears each member's, one call at a time).
    /// Throws <see cref="TrainingDivergedException"/> when the loss stops being finite (the learning rate is too high).
    /// </summary>
    public static double[] Train(Forecaster forecaster, WindowSet train, Action<ForecastEpochReport>? onEpoch = null, CancellationToken cancel = default)
    {
        Check(forecaster, train);
        int members = forecaster.Members.Count;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var gate = new object();
        Action<ForecastEpochReport>? report = onEpoch == null ? null : r => { lock (gate) onEpoch(r); };
        var losses = new double[members][];   // (K, epochs)
        // Members are independent, so up to Workers.Count of them train at once, each on its own thread with
        // its kernels unforked (forks of one member would contend with the others for the cores: 2 members on
        // 2 threads took 11.2 s against 10.1 s one after the other); every member's bits stay the same.
        if (members == 1 || Workers.Count == 1)
            for (int k = 0; k < members; k++) losses[k] = TrainMember(forecaster, k, train, report, clock, cancel);
        else
        {
            try
            {
                Parallel.For(0, members, new ParallelOptions { MaxDegreeOfParallelism = Workers.Count },
                    k => Workers.Serially(() => losses[k] = TrainMember(forecaster, k, train, report, clock, cancel)));
            }
            catch (AggregateException e)
            {
                var first = e.InnerExceptions.FirstOrDefault(x => x is TrainingDivergedException) ?? e.InnerExceptions[0];
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            }
        }
        var mean = new double[forecaster.Config.Epochs];
        foreach (var l in losses)
            for (int e = 0; e < mean.Length; e++) mean[e] += l[e];
        for (int e = 0; e < mean.Length; e++) mean[e] /= members;
        return mean;
    }

    static double[] TrainMember(Forecaster forecaster, int member, WindowSet train, Action<ForecastEpochReport>? onEpoch,
        System.Diagnostics.Stopwatch clock, CancellationToken cancel)
    {
        var config = forecaster.Config.Member(member);
        int members = forecaster.Members.Count;
        var model = forecaster.Members[member];
        var order = new Rng(config.Seed ^ ShuffleStream);
        double lossScale = forecaster.TargetScaler is { } ts ? ts.Std[0] * ts.Std[0] : 1;

        int n = train.Count, full = Math.Min(config.BatchSize, n);
        var ids = Enumerable.Range(0, n).ToArray();
        var stepper = new Stepper(model, config.LearningRate, train, Labels(forecaster, train));

        var losses = new double[config.Epochs];
        model.Train();
        for (int epoch = 0; epoch < config.Epochs; epoch++)
        {
            cancel.ThrowIfCancellationRequested();
            order.Shuffle(ids.AsSpan());
            double total = 0;
            for (int start = 0; start < n; start += full)
            {
                int b = Math.Min(full, n - start);
                total += (double)stepper.Step(ids.AsSpan(start, b)) * b;
            }
            losses[epoch] = total / n * lossScale;
            if (!double.IsFinite(losses[epoch]))
            {
                string which = members > 1 ? $" of model {member + 1} of {members} (seed {config.Seed})" : "";
                throw new TrainingDivergedException($"training diverged in epoch {epoch + 1}{which} (loss {losses[epoch]}); {(config.ScaleTarget ? "try a lower --lr" : "try a lower --lr or --scale-target")}");
            }
            onEpoch?.Invoke(new ForecastEpochReport(epoch + 1, config.Epochs, losses[epoch], clock.Elapsed, member, members));
        }
        model.Eval();
        return losses;
    }

    /// <summary>
    /// (n) every training window's target in the units the model trains on: its close, standardised with
    /// the forecaster's target scaler under --scale-target. TrainMember's targets, and the reference tests'.
    /// </summary>
    internal static float[] Labels(Forecaster forecaster, WindowSet train)
    {
        var labels = new float[train.Count];
        for (int i = 0; i < labels.Length; i++) labels[i] = forecaster.Scale(train.Label(i));
        return labels;
    }

    /// <summary>
    /// One model's training steps: its Adam, the MSE and the batch buffers. TrainMember's step; tests drive
    /// it directly with PyTorch's weights and batches (which is why it takes a model, not a forecaster:
    /// a Forecaster reads the 37 stock features, the model any F).
    /// </summary>
    internal sealed class Stepper(ForecastModel model, double learningRate, WindowSet train, float[] labels)
    {
        readonly Adam adam = new(new ParameterSet(model), learningRate);
        readonly MseLoss mse = new();
        // Two batch shapes in a run (full batches and the smaller last one), each with its own buffers.
        readonly Dictionary<int, (Tensor X, Tensor Y, Tensor DY)> batches = [];

        /// <summary>
        /// One Adam step on windows <paramref name="windows"/> of the training set, whose targets (training
        /// units) are labels[window]: returns the batch's mean squared error. The model must be in training mode.
        /// </summary>
        public float Step(ReadOnlySpan<int> windows)
        {
            int b = windows.Length;
            if (!batches.TryGetValue(b, out var buffers))
                batches[b] = buffers = (new Tensor(train.Window, b, train.Features), new Tensor(b, 1), new Tensor(b, 1));
            var (x, y, dy) = buffers;
            train.Gather(windows, x);                        // (W, B, F)
            for (int j = 0; j < b; j++) y[j] = labels[windows[j]];
            adam.ZeroGrad();
            var pred = model.Forward(x);                     // (B, 1)
            float loss = mse.Forward(pred, y, dy);
            model.Backward(dy);
            adam.Step();
            return loss;
        }
    }
}
