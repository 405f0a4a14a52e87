// torch.optim.lr_scheduler.ExponentialLR: lr ← lr·γ at every epoch.
namespace Recur.Optim;

/// <summary>Multiplies the learning rate by <see cref="Gamma"/> every step (PyTorch's ExponentialLR).</summary>
public sealed class ExponentialLr : LrScheduler
{
    public double Gamma { get; }

    public ExponentialLr(Optimizer optimizer, double gamma) : base(optimizer) => Gamma = gamma;

    protected override double Next(double lr, long epoch) => lr * Gamma;
}
