// Scores of a price forecast, as sklearn.metrics computes them: r2_score, mean_squared_error,
// mean_absolute_error and mean_absolute_percentage_error (a fraction, not a percentage; the
// denominator is max(|y|, machine epsilon)). Sums run in double, in index order.
namespace Recur.Forecasting;

/// <summary>R², MSE, MAE and MAPE (a fraction: 0.012 = 1.2 %) of predictions against actual values.</summary>
public sealed record RegressionMetrics(double R2, double Mse, double Mae, double Mape, int Count)
{
    /// <summary>numpy's float64 eps (2⁻⁵²), sklearn's floor on MAPE's denominator; not .NET's double.Epsilon (the smallest subnormal).</summary>
    const double MachineEpsilon = 2.220446049250313e-16;

    public static RegressionMetrics Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        int n = actual.Length;
        if (n == 0 || predicted.Length != n) throw new ArgumentException($"{n} actual values and {predicted.Length} predictions: need the same positive count");
        double mean = 0;
        for (int i = 0; i < n; i++) mean += actual[i];
        mean /= n;
        double ssRes = 0, ssTot = 0, abs = 0, pct = 0;
        for (int i = 0; i < n; i++)
        {
            double e = actual[i] - predicted[i];
            ssRes += e * e;
            ssTot += (actual[i] - mean) * (actual[i] - mean);
            abs += Math.Abs(e);
            pct += Math.Abs(e) / Math.Max(Math.Abs(actual[i]), MachineEpsilon);
        }
        // sklearn: a constant target scores 1 when predicted exactly, else 0.
        double r2 = ssTot > 0 ? 1 - ssRes / ssTot : ssRes == 0 ? 1 : 0;
        return new RegressionMetrics(r2, ssRes / n, abs / n, pct / n, n);
    }

    public override string ToString() => $"R² {R2:F4}, MSE {Mse:F1}, MAE {Mae:F2}, MAPE {Mape * 100:F2} % over {Count} days";
}
