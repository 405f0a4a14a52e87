// torch.optim.lr_scheduler.StepLR: lr ← lr·γ at every stepSize-th epoch.
namespace Recur.Optim;

/// <summary>Multiplies the learning rate by <see cref="Gamma"/> every <see cref="StepSize"/> steps (PyTorch's StepLR).</summary>
public sealed class StepLr : LrScheduler
{
    /// <summary>Steps between decays (PyTorch's step_size), positive.</summary>
    public int StepSize { get; }
    /// <summary>γ, the factor applied at each decay (default 0.1).</summary>
    public double Gamma { get; }

    /// <summary>
    /// Schedules <paramref name="optimizer"/>'s current learning rate; throws ArgumentOutOfRangeException for a step size
    /// below 1 or a gamma that is not finite and positive.
    /// </summary>
    public StepLr(Optimizer optimizer, int stepSize, double gamma = 0.1) : base(optimizer)
    {
        if (stepSize < 1) throw new ArgumentOutOfRangeException(nameof(stepSize), $"step size must be at least 1, the steps between decays (got {stepSize})");
        StepSize = stepSize;
        Gamma = CheckGamma(gamma);
    }

    /// <summary>lr·γ when <paramref name="epoch"/> is a multiple of <see cref="StepSize"/>, else lr.</summary>
    protected override double Next(double lr, long epoch) => epoch % StepSize == 0 ? lr * Gamma : lr;
}
