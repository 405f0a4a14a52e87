// The 37 features of the book's generate_features ("Python Machine Learning by Example", 4th ed.,
// ch6/ch12), in double precision; the formulas, with pandas' semantics spelled out, are in
// shared/data/PROVENANCE.md §5f and docs/forecast.md. Everything on day t uses days before t except
// `open` (today's open): price/volume stats over windows of 5, 21 and 252 rows ("_5", "_30", "_365"),
// sample standard deviations (ddof 1), returns, and moving averages of the (already lagged) daily
// return. As pandas' dropna does, a day lacking any feature (too little history) is dropped: with no
// missing values in the file the first kept day is row 254 (0-based), as moving_avg_365 needs 254
// days before it. Sums run directly over each window, in order, so no error builds up along the file.
namespace Recur.Forecasting;

/// <summary>Features (rows × 37) of the days that have them all, with each day's close (the target).</summary>
public sealed class FeatureTable
{
    /// <summary>The day of each row, ascending: the days that have every feature.</summary>
    public DateOnly[] Dates { get; }
    /// <summary>Row-major (Count, FeatureCount) values in <see cref="StockFeatures.Names"/> order.</summary>
    public double[] Values { get; }
    /// <summary>The close of each day: the book's target column `close`.</summary>
    public double[] Close { get; }
    /// <summary>The source file's line of each row, for messages.</summary>
    public int[] Lines { get; }
    /// <summary>Where the bars came from (the CSV path), for messages.</summary>
    public string Source { get; }
    /// <summary>F = 37, the features per row.</summary>
    public int FeatureCount => StockFeatures.Names.Count;
    /// <summary>Rows (days).</summary>
    public int Count => Dates.Length;

    internal FeatureTable(string source, DateOnly[] dates, double[] values, double[] close, int[] lines)
    {
        (Source, Dates, Values, Close, Lines) = (source, dates, values, close, lines);
    }

    /// <summary>The F features of row <paramref name="i"/>, a view into <see cref="Values"/>.</summary>
    public ReadOnlySpan<double> Row(int i) => Values.AsSpan(i * FeatureCount, FeatureCount);

    /// <summary>Rows whose dates lie in [from, to] (either end open when null), as [start, end).</summary>
    public (int Start, int End) RowsBetween(DateOnly? from, DateOnly? to)
    {
        int start = 0, end = Count;
        if (from is { } f) while (start < Count && Dates[start] < f) start++;
        if (to is { } t) while (end > start && Dates[end - 1] > t) end--;
        return (start, end);
    }
}

/// <summary>The book's 37 stock features, computed in double precision.</summary>
public static class StockFeatures
{
    /// <summary>Rows in the short, medium and long windows (the book's "_5", "_30", "_365": 5, 21 and 252 trading days).</summary>
    public const int Short = 5, Medium = 21, Long = 252;

    /// <summary>The first row (0-based) that has every feature when the file has no gaps: moving_avg_365 needs return_1 at rows 2..253.</summary>
    public const int FirstRow = Long + 2;

    /// <summary>Feature names in the book's column order (the target `close` is not among them).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "open", "open_1", "close_1", "high_1", "low_1", "volume_1",
        "avg_price_5", "avg_price_30", "avg_price_365",
        "ratio_avg_price_5_30", "ratio_avg_price_5_365", "ratio_avg_price_30_365",
        "avg_volume_5", "avg_volume_30", "avg_volume_365",
        "ratio_avg_volume_5_30", "ratio_avg_volume_5_365", "ratio_avg_volume_30_365",
        "std_price_5", "std_price_30", "std_price_365",
        "ratio_std_price_5_30", "ratio_std_price_5_365", "ratio_std_price_30_365",
        "std_volume_5", "std_volume_30", "std_volume_365",
        "ratio_std_volume_5_30", "ratio_std_volume_5_365", "ratio_std_volume_30_365",
        "return_1", "return_5", "return_30", "return_365",
        "moving_avg_5", "moving_avg_30", "moving_avg_365",
    ];

    /// <summary>
    /// Computes every feature. Days lacking one (too little history) are dropped, as the book's dropna does;
    /// a file too short to leave any day, or a feature that divides by zero (a price or volume constant
    /// over a window), is an <see cref="InvalidDataException"/> naming the file and the row.
    /// </summary>
    public static FeatureTable Compute(DailyBars bars)
    {
        int n = bars.Count, f = Names.Count;
        if (n <= FirstRow)
            throw new InvalidDataException($"{bars.Source}: only {n} data {(n == 1 ? $"row ({bars.Where(0)})" : $"rows ({bars.Where(0)} to {bars.Where(n - 1)})")}; " +
                $"the 252-day features need {FirstRow} earlier days, so the first usable day is data row {FirstRow + 1} " +
                $"(line {FirstRow + 2}) and a file needs more than {FirstRow} rows, and more again for training");
        var o = bars.Open; var h = bars.High; var l = bars.Low; var c = bars.Close; var v = bars.Volume;
        // return_1 of day s (the change into day s-1): (C[s-1] - C[s-2]) / C[s-2], defined from s = 2.
        var r1 = new double[n];
        for (int s = 0; s < n; s++) r1[s] = s >= 2 ? (c[s - 1] - c[s - 2]) / c[s - 2] : double.NaN;

        var rows = new List<int>(n);
        var values = new List<double>(n * f);
        Span<double> x = stackalloc double[f];
        for (int t = 0; t < n; t++)
        {
            if (!Fill(x, t, o, h, l, c, v, r1)) continue;
            for (int k = 0; k < f; k++)
                if (double.IsInfinity(x[k]))
                    throw new InvalidDataException($"{bars.Source}: {bars.Where(t)}: feature {Names[k]} is infinite " +
                        "(a division by zero, or a value too large for its sums: is the price or Volume constant, zero or absurd over the days before it?)");
            rows.Add(t);
            foreach (double value in x) values.Add(value);
        }
        if (rows.Count == 0)
            throw new InvalidDataException($"{bars.Source}: no day has every feature: each needs {FirstRow} days of history, " +
                "and a price or Volume constant over a window (such as Volume 0 throughout) makes a ratio 0/0");
        return new FeatureTable(bars.Source, [.. rows.Select(t => bars.Dates[t])], [.. values], [.. rows.Select(t => c[t])],
            [.. rows.Select(t => bars.Lines[t])]);
    }

    /// <summary>Features of day t into x; false when one is missing (NaN), which drops the day.</summary>
    static bool Fill(Span<double> x, int t, double[] o, double[] h, double[] l, double[] c, double[] v, double[] r1)
    {
        if (t < FirstRow) return false;
        x[0] = o[t]; x[1] = o[t - 1]; x[2] = c[t - 1]; x[3] = h[t - 1]; x[4] = l[t - 1]; x[5] = v[t - 1];
        int i = 6;
        // avg_price_5/30/365 and their ratios, then the same for volume.
        foreach (var series in (double[][])[c, v])
        {
            double m5 = Mean(series, t, Short), m21 = Mean(series, t, Medium), m252 = Mean(series, t, Long);
            x[i++] = m5; x[i++] = m21; x[i++] = m252;
            x[i++] = m5 / m21; x[i++] = m5 / m252; x[i++] = m21 / m252;
        }
        // std_price_*, ratios; std_volume_*, ratios.
        foreach (var series in (double[][])[c, v])
        {
            double s5 = Std(series, t, Short), s21 = Std(series, t, Medium), s252 = Std(series, t, Long);
            x[i++] = s5; x[i++] = s21; x[i++] = s252;
            x[i++] = s5 / s21; x[i++] = s5 / s252; x[i++] = s21 / s252;
        }
        // return_k = (C[t-1] - C[t-1-k]) / C[t-1-k]
        foreach (int k in (int[])[1, Short, Medium, Long]) x[i++] = (c[t - 1] - c[t - 1 - k]) / c[t - 1 - k];
        // moving_avg_w = mean of return_1 over days t-w .. t-1
        foreach (int w in (int[])[Short, Medium, Long]) x[i++] = Mean(r1, t, w);
        foreach (double value in x) if (double.IsNaN(value)) return false;
        return true;
    }

    /// <summary>mean(x[t-w .. t-1]).</summary>
    static double Mean(double[] x, int t, int w)
    {
        double sum = 0;
        for (int s = t - w; s < t; s++) sum += x[s];
        return sum / w;
    }

    /// <summary>Sample standard deviation (ddof 1) of x[t-w .. t-1], two-pass.</summary>
    static double Std(double[] x, int t, int w)
    {
        double mean = Mean(x, t, w), sq = 0;
        for (int s = t - w; s < t; s++) sq += (x[s] - mean) * (x[s] - mean);
        return Math.Sqrt(sq / (w - 1));
    }
}
