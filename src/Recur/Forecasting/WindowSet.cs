// Input sequences for one date range, as the seed's create_sequences makes them: window i is the
// scaled features of rows i .. i+W-1 of the range and its label is the close of row i+W-1 (the last
// day in the window). Windows never reach outside their range, so a test window never sees a training
// day and the first W-1 days of a range get no prediction. Every complete window is used: R rows give
// R-W+1 windows (the seed's `range(len - W)` leaves out the last one).
// Shapes: R rows, F features, W window, B batch; a batch is time-major (W, B, F) as the layers expect.
namespace Recur.Forecasting;

/// <summary>The scaled rows of one date range and the windows over them.</summary>
public sealed class WindowSet
{
    /// <summary>Days per window (W).</summary>
    public int Window { get; }
    /// <summary>Features per day (F).</summary>
    public int Features { get; }
    /// <summary>(R, F) scaled features, row-major.</summary>
    public float[] Scaled { get; }
    /// <summary>(R) close of each day, in price units.</summary>
    public double[] Close { get; }
    /// <summary>(R) date of each day.</summary>
    public DateOnly[] Dates { get; }

    /// <summary>R, the days of the range.</summary>
    public int Rows => Dates.Length;
    /// <summary>Number of windows: R - W + 1.</summary>
    public int Count => Rows - Window + 1;

    /// <summary>Windows over rows kept as given (not copied); ArgumentException when W or F is not positive, the lengths disagree, or R &lt; W.</summary>
    public WindowSet(int window, int features, float[] scaled, double[] close, DateOnly[] dates)
    {
        if (window < 1 || features < 1) throw new ArgumentOutOfRangeException(nameof(window), "window and features must be positive");
        if (scaled.Length != dates.Length * features || close.Length != dates.Length)
            throw new ArgumentException("scaled features, closes and dates disagree in length");
        if (dates.Length < window) throw new ArgumentException($"{dates.Length} rows cannot fill a window of {window}");
        (Window, Features, Scaled, Close, Dates) = (window, features, scaled, close, dates);
    }

    /// <summary>Scales rows [start, end) of <paramref name="table"/>.</summary>
    public static WindowSet From(FeatureTable table, int start, int end, StandardScaler scaler, int window)
    {
        int f = table.FeatureCount, rows = end - start;
        var scaled = new float[rows * f];
        for (int r = 0; r < rows; r++) scaler.Transform(table.Row(start + r), scaled.AsSpan(r * f, f));
        return new WindowSet(window, f, scaled, table.Close[start..end], table.Dates[start..end]);
    }

    /// <summary>The date whose close window <paramref name="i"/> predicts (its last day).</summary>
    public DateOnly LabelDate(int i) => Dates[i + Window - 1];

    /// <summary>The close window <paramref name="i"/> predicts, in price units.</summary>
    public double Label(int i) => Close[i + Window - 1];

    /// <summary>Copies windows <paramref name="ids"/> into <paramref name="x"/> (W, B, F), B = ids.Length: x[t, b] = row ids[b] + t.</summary>
    public void Gather(ReadOnlySpan<int> ids, Tensor x)
    {
        int b = ids.Length, f = Features;
        if (x.Rank != 3 || x.Shape[0] != Window || x.Shape[1] != b || x.Shape[2] != f)
            throw new ArgumentException($"{x} is not ({Window}, {b}, {f})");
        var dst = x.Span;
        for (int t = 0; t < Window; t++)
            for (int j = 0; j < b; j++)
                Scaled.AsSpan((ids[j] + t) * f, f).CopyTo(dst.Slice((t * b + j) * f, f));
    }
}
