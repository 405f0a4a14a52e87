// Regression metrics as sklearn defines them (values worked by hand), and the least-squares baseline:
// it recovers an exact linear relation and, on the seed's NASDAQ split, scores what the README reports.
using Recur.Forecasting;

namespace Recur.Tests.Forecasting;

public class MetricsAndBaselineTests
{
    [Fact]
    public void MetricsAreSklearns()
    {
        // y = [1, 2, 3, 4], ŷ = [1.5, 2, 2, 5]: errors -0.5, 0, 1, -1.
        var m = RegressionMetrics.Compute([1, 2, 3, 4], [1.5, 2, 2, 5]);
        Assert.Equal(2.25 / 4, m.Mse, 15);
        Assert.Equal(2.5 / 4, m.Mae, 15);
        Assert.Equal(1 - 2.25 / 5, m.R2!.Value, 15);                       // SS_tot = 2.25 + 0.25 + 0.25 + 2.25
        Assert.Equal((0.5 / 1 + 0 + 1.0 / 3 + 1.0 / 4) / 4, m.Mape, 15);   // a fraction, as sklearn
        Assert.Equal(4, m.Count);
        Assert.Throws<ArgumentException>(() => RegressionMetrics.Compute([1, 2], [1]));
    }

    // R² divides by the actual values' spread: with one value (sklearn's NaN) or all equal (sklearn's
    // forced 1 or 0) it is undefined, null, and said so; the other metrics stand.
    [Fact]
    public void RSquaredIsUndefinedWithoutSpread()
    {
        var one = RegressionMetrics.Compute([11522.55957], [11000]);
        Assert.Null(one.R2);
        Assert.Equal(522.55957 * 522.55957, one.Mse, 6);
        Assert.Equal("R² undefined (needs at least 2 test days with different closes), MSE 273068.5, MAE 522.56, MAPE 4.54 % over 1 day", one.ToString());
        Assert.Null(RegressionMetrics.Compute([2, 2], [2, 2]).R2);
        Assert.Null(RegressionMetrics.Compute([2, 2], [2, 3]).R2);
        // Equal values whose mean rounds off them (0.1 × 3 / 3 ≠ 0.1) leave a tiny spread that is not one.
        Assert.Null(RegressionMetrics.Compute([0.1, 0.1, 0.1], [0.1, 0.1, 0.2]).R2);
        Assert.EndsWith("over 2 days", RegressionMetrics.Compute([1, 2], [1, 2]).ToString());
        Assert.Equal(1.0, RegressionMetrics.Compute([1, 2], [1, 2]).R2);
    }

    [Fact]
    public void BaselineRecoversAnExactLinearRelation()
    {
        // close = 100 + 3·z0 - 2·z2 on the last day of every window; z1 is noise the fit must ignore.
        var rng = new Rng(9);
        int rows = 60, f = 3;
        var z = new float[rows * f];
        rng.FillNormal(z, 0, 1);
        var close = Enumerable.Range(0, rows).Select(r => 100 + 3.0 * z[r * f] - 2.0 * z[r * f + 2]).ToArray();
        var dates = Enumerable.Range(0, rows).Select(i => new DateOnly(2020, 1, 1).AddDays(i)).ToArray();
        var set = new WindowSet(4, f, z, close, dates);
        var b = LinearBaseline.Fit(set);
        Assert.Equal(100, b.Intercept, 1e-9);
        Assert.Equal(3, b.Weights[0], 1e-9);
        Assert.Equal(0, b.Weights[1], 1e-9);
        Assert.Equal(-2, b.Weights[2], 1e-9);
        var p = b.Predict(set);
        for (int i = 0; i < set.Count; i++) Assert.Equal(set.Label(i), p[i], 1e-9);
    }

    [Fact]
    public void BaselineOnTheSeedsSplitScoresAsReported()
    {
        var table = ForecastTestData.Nasdaq;
        var f = Forecaster.Create(new ForecastConfig(), table);
        var train = f.TrainWindows(table);
        var test = f.Windows(table);
        var baseline = LinearBaseline.Fit(train);
        var m = RegressionMetrics.Compute(Enumerable.Range(0, test.Count).Select(test.Label).ToArray(), baseline.Predict(test));
        // README: R² 0.9716 on the 120 test windows (least squares is deterministic).
        Assert.Equal(0.9716, m.R2!.Value, 4);
        Assert.Equal(120, m.Count);
    }
}
