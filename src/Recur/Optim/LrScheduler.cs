// The base of learning-rate schedules, with torch.optim.lr_scheduler's (1.13) semantics: made after
// the optimizer (last_epoch = 0, lr unchanged), then Step() once per epoch after the optimizer's
// steps; each Step() computes the new lr from the current one (PyTorch's chainable form), in double.
// Checkpoints hold "last_epoch"; loading replays the schedule from the base lr, which reproduces
// the same doubles as an uninterrupted run.
using Recur.IO;

namespace Recur.Optim;

/// <summary>A schedule that sets <see cref="Optimizer.LearningRate"/> once per <see cref="Step"/>.</summary>
public abstract class LrScheduler
{
    /// <summary>The optimizer whose <see cref="Optim.Optimizer.LearningRate"/> the schedule sets.</summary>
    public Optimizer Optimizer { get; }
    /// <summary>The optimizer's learning rate when the schedule was made (PyTorch's initial_lr / base_lrs).</summary>
    public double BaseLr { get; }
    /// <summary>Steps taken (PyTorch's last_epoch: 0 after construction).</summary>
    public long LastEpoch { get; private set; }
    /// <summary>The learning rate the last step set (PyTorch's get_last_lr()).</summary>
    public double LastLr => Optimizer.LearningRate;

    /// <summary>Takes the optimizer's current learning rate as <see cref="BaseLr"/>, leaving it unchanged (last_epoch = 0); throws ArgumentNullException for null.</summary>
    protected LrScheduler(Optimizer optimizer)
    {
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        BaseLr = optimizer.LearningRate;
    }

    /// <summary>
    /// γ for a multiplying schedule: a finite number above 0. Zero would train at lr 0 without a word, a negative one
    /// make the optimizer refuse its next step, NaN or infinity poison the weights.
    /// </summary>
    internal static double CheckGamma(double gamma) =>
        gamma > 0 && double.IsFinite(gamma) ? gamma
        : throw new ArgumentOutOfRangeException(nameof(gamma), $"gamma must be a finite number > 0, the factor the learning rate is multiplied by (got {gamma})");

    /// <summary>Advances one epoch and sets the optimizer's learning rate.</summary>
    public void Step()
    {
        LastEpoch++;
        Optimizer.LearningRate = Next(Optimizer.LearningRate, LastEpoch);
    }

    /// <summary>The learning rate for <paramref name="epoch"/> (≥ 1) given the one before it.</summary>
    protected abstract double Next(double lr, long epoch);

    /// <summary>"last_epoch" as an int64 scalar.</summary>
    public IEnumerable<(string Name, TensorData Data)> State()
    {
        yield return ("last_epoch", new TensorData([LastEpoch]));
    }

    /// <summary>Restores <see cref="State"/>: sets LastEpoch and the learning rate it implies from <see cref="BaseLr"/>.</summary>
    public void LoadState(IReadOnlyDictionary<string, TensorData> state)
    {
        if (!state.TryGetValue("last_epoch", out var d) || d.DType != DType.I64 || d.Length != 1 || d.Longs![0] < 0)
            throw new FormatException("scheduler state needs 'last_epoch', one non-negative int64");
        foreach (var key in state.Keys)
            if (key != "last_epoch") throw new FormatException($"scheduler state has unexpected '{key}'");
        long epochs = d.Longs[0];
        double lr = BaseLr;
        for (long e = 1; e <= epochs; e++) lr = Next(lr, e);
        LastEpoch = epochs;
        Optimizer.LearningRate = lr;
    }
}
