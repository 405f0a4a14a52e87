// Small daily-bar files for the forecasting tests: a deterministic random walk long enough for the
// 252-day features, written as Yahoo-style CSV text, and the real NASDAQ file's features (shared).
using System.Globalization;
using System.Text;
using Recur.Forecasting;
using Recur.Tests.Support;

namespace Recur.Tests.Forecasting;

static class ForecastTestData
{
    public const string Header = "Date,Open,High,Low,Close,Adj Close,Volume";

    static readonly Lazy<FeatureTable> nasdaq = new(() => StockFeatures.Compute(DailyBars.ReadCsv(SharedData.File("nasdaq_19900101_20230630.csv"))));

    /// <summary>The NASDAQ file's 8,185 feature rows (computed once per test run).</summary>
    public static FeatureTable Nasdaq => nasdaq.Value;

    /// <summary>
    /// Header plus <paramref name="rows"/> weekdays from 2000-01-03 of a seeded random walk (close ~1000,
    /// volume ~1e6), one CSV line each.
    /// </summary>
    public static List<string> WalkLines(int rows, ulong seed = 7)
    {
        var rng = new Rng(seed);
        var lines = new List<string> { Header };
        var day = new DateOnly(2000, 1, 3);
        double close = 1000;
        for (int i = 0; i < rows; i++)
        {
            while (day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) day = day.AddDays(1);
            double open = close * (1 + 0.01 * (rng.NextDouble() - 0.5));
            close = open * (1 + 0.02 * (rng.NextDouble() - 0.5));
            double high = Math.Max(open, close) * 1.003, low = Math.Min(open, close) * 0.997;
            long volume = 1_000_000 + (long)(rng.NextDouble() * 500_000);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd},{open:F6},{high:F6},{low:F6},{close:F6},{close:F6},{volume}"));
            day = day.AddDays(1);
        }
        return lines;
    }

    /// <summary>Writes lines as a file in <paramref name="dir"/> and returns its path.</summary>
    public static string Write(string dir, string name, IEnumerable<string> lines)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n", new UTF8Encoding(false));
        return path;
    }

    /// <summary>The walk's features: 600 rows give 346 feature rows, 2000-01-03 + 254 weekdays onward.</summary>
    public static FeatureTable WalkFeatures(int rows = 600, ulong seed = 7) =>
        StockFeatures.Compute(DailyBars.Parse("walk.csv", WalkLines(rows, seed)));

    /// <summary>A config for the walk: train up to the end of 2001, test 2002-01-01 to 2002-04-30, few epochs.</summary>
    public static ForecastConfig WalkConfig(int epochs = 3) => new()
    {
        TrainEnd = new DateOnly(2001, 12, 31),
        TestStart = new DateOnly(2002, 1, 1),
        TestEnd = new DateOnly(2002, 4, 30),
        Epochs = epochs,
        BatchSize = 32,
        ScaleTarget = true,
    };
}
