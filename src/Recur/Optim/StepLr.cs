// torch.optim.lr_scheduler.StepLR: lr ← lr·γ at every stepSize-th epoch.
namespace Recur.Optim;

/// <summary>Multiplies the learning rate by <see cref="Gamma"/> every <see cref="StepSize"/> steps (PyTorch's StepLR).</summary>
public sealed class StepLr : LrScheduler
{
    public int StepSize { get; }
    public double Gamma { get; }

    public StepLr(Optimizer optimizer, int stepSize, double gamma = 0.1) : base(optimizer)
    {
        if (stepSize <= 0) throw new ArgumentOutOfRangeException(nameof(stepSize), $"step size {stepSize} is not positive");
        StepSize = stepSize;
        Gamma = gamma;
    }

    protected override double Next(double lr, long epoch) => epoch % StepSize == 0 ? lr * Gamma : lr;
}
