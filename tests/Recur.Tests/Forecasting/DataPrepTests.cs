// Split, scaling and windows: the scaler sees the training range only (population std, as sklearn),
// windows are consecutive rows of one range labelled with the close of their last day, batches are
// time-major, and a range too small for a window is a clear error naming the dates.
using Recur.Forecasting;

namespace Recur.Tests.Forecasting;

public class DataPrepTests
{
    [Fact]
    public void ScalerIsFitOnTheTrainingRangeOnly()
    {
        var table = ForecastTestData.Nasdaq;
        var config = new ForecastConfig();
        var forecaster = Forecaster.Create(config, table);
        var (start, end) = table.RowsBetween(null, config.TrainEnd);
        Assert.Equal((0, 8061), (start, end));
        int f = table.FeatureCount;
        for (int k = 0; k < f; k++)
        {
            double mean = 0, sq = 0;
            for (int r = start; r < end; r++) mean += table.Values[r * f + k];
            mean /= end - start;
            for (int r = start; r < end; r++) sq += Math.Pow(table.Values[r * f + k] - mean, 2);
            double std = Math.Sqrt(sq / (end - start));   // ddof 0
            Assert.Equal(mean, forecaster.Scaler.Mean[k], 1e-9 * Math.Max(1, Math.Abs(mean)));
            Assert.Equal(std, forecaster.Scaler.Std[k], 1e-9 * std);
        }
        // Changing a test row leaves the scaler exactly as it was.
        var altered = StockFeatures.Compute(DailyBars.Parse("x.csv", AlterLastClose(Tests.Support.SharedData.File("nasdaq_19900101_20230630.csv"))));
        var other = Forecaster.Create(config, altered);
        Assert.Equal(forecaster.Scaler.Mean, other.Scaler.Mean);
        Assert.Equal(forecaster.Scaler.Std, other.Scaler.Std);
        Assert.Null(forecaster.TargetScaler);
    }

    static List<string> AlterLastClose(string path)
    {
        var lines = File.ReadAllLines(path).ToList();
        var cells = lines[^2].Split(',');
        cells[4] = "99999";
        lines[^2] = string.Join(',', cells);
        return lines;
    }

    [Fact]
    public void ScalerStandardisesAndKeepsConstantColumns()
    {
        double[] values = [1, 5, 3, 5, 5, 5, 100, 5];   // (4 rows, 2 columns); rows 0-2 are fit
        var s = StandardScaler.Fit(values, 2, 0, 3);
        Assert.Equal([3.0, 5.0], s.Mean);
        Assert.Equal(Math.Sqrt(8.0 / 3), s.Std[0], 1e-15);
        Assert.Equal(1.0, s.Std[1]);                     // constant column: std 0 becomes 1, as sklearn
        var z = new float[2];
        s.Transform(values.AsSpan(6, 2), z);
        Assert.Equal((float)(97 / Math.Sqrt(8.0 / 3)), z[0]);
        Assert.Equal(0f, z[1]);
    }

    [Fact]
    public void TargetScalerUsesTrainingClosesWhenAskedFor()
    {
        var table = ForecastTestData.WalkFeatures();
        var config = ForecastTestData.WalkConfig();
        var f = Forecaster.Create(config, table);
        var (start, end) = table.RowsBetween(null, config.TrainEnd);
        Assert.NotNull(f.TargetScaler);
        Assert.Equal(table.Close[start..end].Average(), f.TargetScaler!.Mean[0], 1e-9);
        Assert.Equal(f.TargetScaler.Mean[0], f.Unscale(0f), 1e-9);
    }

    [Fact]
    public void WindowsAreConsecutiveRowsLabelledWithTheirLastClose()
    {
        var table = ForecastTestData.Nasdaq;
        var forecaster = Forecaster.Create(new ForecastConfig(), table);
        var test = forecaster.Windows(table);
        Assert.Equal(124, test.Rows);
        Assert.Equal(120, test.Count);                    // 124 - 5 + 1 (the seed's range(len - 5) gives 119)
        Assert.Equal(new DateOnly(2023, 1, 3), test.Dates[0]);
        Assert.Equal(new DateOnly(2023, 1, 9), test.LabelDate(0));
        Assert.Equal(new DateOnly(2023, 6, 30), test.LabelDate(test.Count - 1));
        Assert.Equal(13787.919922, test.Label(test.Count - 1));
        var (s, _) = table.RowsBetween(new DateOnly(2023, 1, 1), null);
        for (int i = 0; i < test.Count; i++) Assert.Equal(table.Close[s + i + 4], test.Label(i));

        var train = forecaster.TrainWindows(table);
        Assert.Equal(8057, train.Count);
        Assert.Equal(new DateOnly(2022, 12, 30), train.LabelDate(train.Count - 1));
    }

    [Fact]
    public void GatherIsTimeMajor()
    {
        // 6 rows × 2 features: row r = (10r, 10r + 1).
        var scaled = Enumerable.Range(0, 6).SelectMany(r => new[] { 10f * r, 10f * r + 1 }).ToArray();
        var dates = Enumerable.Range(0, 6).Select(i => new DateOnly(2020, 1, 1).AddDays(i)).ToArray();
        var set = new WindowSet(3, 2, scaled, [1, 2, 3, 4, 5, 6], dates);
        Assert.Equal(4, set.Count);
        var x = new Tensor(3, 2, 2);
        set.Gather([3, 0], x);
        // x[t, b] = row ids[b] + t
        Assert.Equal([30, 31, 0, 1, 40, 41, 10, 11, 50, 51, 20, 21], x.ToArray());
        Assert.Equal(6, set.Label(3));
        Assert.Equal(3, set.Label(0));
    }

    [Fact]
    public void RangeWithoutEnoughDaysIsAClearError()
    {
        var table = ForecastTestData.Nasdaq;
        var e = Assert.Throws<InvalidDataException>(() => Forecaster.Create(new ForecastConfig
        {
            TrainEnd = new DateOnly(2023, 12, 31), TestStart = new DateOnly(2024, 1, 1), TestEnd = new DateOnly(2024, 6, 30),
        }, table).Windows(table));
        Assert.Contains("the test range 2024-01-01 to 2024-06-30 has 0 days with every feature, fewer than the 5 it needs", e.Message);
        Assert.Contains("run from 1991-01-03 (line 256) to 2023-06-30 (line 8440)", e.Message);

        e = Assert.Throws<InvalidDataException>(() => Forecaster.Create(new ForecastConfig { TrainEnd = new DateOnly(1990, 12, 31) }, table));
        Assert.Contains("the training range up to 1990-12-31 has 0 days", e.Message);

        // Counts of days read with thousands separators, as the CLI's other counts do, and one day is a day.
        e = Assert.Throws<InvalidDataException>(() => Forecaster.Create(new ForecastConfig { Window = 9000 }, table));
        Assert.Contains("the training range up to 2022-12-31 has 8,061 days with every feature, fewer than the 9,000 it needs", e.Message);
        e = Assert.Throws<InvalidDataException>(() => Forecaster.Create(new ForecastConfig
        {
            TrainStart = new DateOnly(2022, 12, 30), TrainEnd = new DateOnly(2022, 12, 30),
        }, table));
        Assert.Contains("the training range 2022-12-30 to 2022-12-30 has 1 day with every feature, fewer than the 5 it needs", e.Message);
    }

    [Fact]
    public void OverlappingRangesAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => new ForecastConfig { TestStart = new DateOnly(2022, 6, 1) }.Validate());
        Assert.Contains("the test range must start after the training range ends", e.Message);
    }
}
