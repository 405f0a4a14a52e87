// torch.optim.lr_scheduler.ExponentialLR: lr ← lr·γ at every epoch.
namespace Recur.Optim;

/// <summary>Multiplies the learning rate by <see cref="Gamma"/> every step (PyTorch's ExponentialLR).</summary>
public sealed class ExponentialLr : LrScheduler
{
    /// <summary>γ, the factor applied at every step.</summary>
    public double Gamma { get; }

    /// <summary>
    /// Schedules <paramref name="optimizer"/>'s current learning rate; the first <see cref="LrScheduler.Step"/> multiplies it by
    /// <paramref name="gamma"/>. Throws ArgumentOutOfRangeException unless gamma is finite and positive.
    /// </summary>
    public ExponentialLr(Optimizer optimizer, double gamma) : base(optimizer) => Gamma = CheckGamma(gamma);

    /// <summary>lr·γ.</summary>
    protected override double Next(double lr, long epoch) => lr * Gamma;
}
