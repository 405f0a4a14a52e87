// Scores of a price forecast, as sklearn.metrics computes them: r2_score, mean_squared_error,
// mean_absolute_error and mean_absolute_percentage_error (a fraction, not a percentage; the
// denominator is max(|y|, machine epsilon)). Sums run in double, in index order. R² is null where it is
// undefined: one value (sklearn's NaN) or values all equal (sklearn forces 1 or 0, which would read as a score).
namespace Recur.Forecasting;

/// <summary>
/// R², MSE, MAE and MAPE (a fraction: 0.012 = 1.2 %) of predictions against actual values. R² is null
/// when the actual values do not vary (one value, or all equal): it divides by their spread.
/// </summary>
public sealed record RegressionMetrics(double? R2, double Mse, double Mae, double Mape, int Count)
{
    /// <summary>What to print for a null R².</summary>
    public const string R2Undefined = "undefined (needs at least 2 test days with different closes)";

    /// <summary>numpy's float64 eps (2⁻⁵²), sklearn's floor on MAPE's denominator; not .NET's double.Epsilon (the smallest subnormal).</summary>
    const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>The scores of <paramref name="predicted"/> against <paramref name="actual"/>; ArgumentException unless both hold the same positive count.</summary>
    public static RegressionMetrics Compute(ReadOnlySpan<double> actual, ReadOnlySpan<double> predicted)
    {
        int n = actual.Length;
        if (n == 0 || predicted.Length != n) throw new ArgumentException($"{n} actual values and {predicted.Length} predictions: need the same positive count");
        double mean = 0;
        for (int i = 0; i < n; i++) mean += actual[i];
        mean /= n;
        double ssRes = 0, ssTot = 0, abs = 0, pct = 0;
        bool varies = false;   // compared exactly: the mean of equal values may round off them, leaving a tiny ssTot
        for (int i = 0; i < n; i++)
        {
            double e = actual[i] - predicted[i];
            ssRes += e * e;
            ssTot += (actual[i] - mean) * (actual[i] - mean);
            abs += Math.Abs(e);
            pct += Math.Abs(e) / Math.Max(Math.Abs(actual[i]), MachineEpsilon);
            varies |= actual[i] != actual[0];
        }
        double? r2 = varies ? 1 - ssRes / ssTot : null;
        return new RegressionMetrics(r2, ssRes / n, abs / n, pct / n, n);
    }

    /// <summary>R² to 4 places, or <see cref="R2Undefined"/>.</summary>
    public string R2Text => R2 is double r ? $"{r:F4}" : R2Undefined;

    /// <summary>"R² 0.9512, MSE 1234.5, MAE 28.10, MAPE 0.25 % over 124 days".</summary>
    public override string ToString() => $"R² {R2Text}, MSE {Mse:F1}, MAE {Mae:F2}, MAPE {Mape * 100:F2} % over {Count} day{(Count == 1 ? "" : "s")}";
}
