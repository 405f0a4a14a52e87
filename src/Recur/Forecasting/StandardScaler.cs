// sklearn's StandardScaler: z = (x - mean) / std per column, with the population std (ddof 0) of the
// rows it was fit on and std 0 replaced by 1 (a constant column becomes 0, not NaN). Statistics are
// kept in double and the result rounded to float once, as torch.FloatTensor(scaler.transform(X)) does.
namespace Recur.Forecasting;

/// <summary>Per-column standardisation fit on training rows only.</summary>
public sealed class StandardScaler
{
    /// <summary>Column means of the rows it was fit on.</summary>
    public double[] Mean { get; }
    /// <summary>Column population stds, 1 where a column was constant (sklearn's scale_).</summary>
    public double[] Std { get; }
    /// <summary>Columns (features) the scaler standardises.</summary>
    public int Width => Mean.Length;

    /// <summary>A scaler with these statistics (kept, not copied), as loaded from a model file; ArgumentException unless they are non-empty, equally long and finite, every std positive.</summary>
    public StandardScaler(double[] mean, double[] std)
    {
        if (mean.Length != std.Length || mean.Length == 0) throw new ArgumentException("a scaler needs one mean and one std per column");
        for (int k = 0; k < std.Length; k++)
            if (!double.IsFinite(mean[k]) || !(std[k] > 0) || !double.IsFinite(std[k]))
                throw new ArgumentException($"scaler column {k}: mean {mean[k]} and std {std[k]} must be finite, std positive");
        (Mean, Std) = (mean, std);
    }

    /// <summary>Fits on rows [start, end) of a row-major (rows, width) array. Two passes, in row order.</summary>
    public static StandardScaler Fit(ReadOnlySpan<double> values, int width, int start, int end)
    {
        if (end <= start) throw new ArgumentException("a scaler needs at least one row to fit");
        int n = end - start;
        var mean = new double[width];
        var std = new double[width];
        for (int r = start; r < end; r++)
            for (int k = 0; k < width; k++) mean[k] += values[r * width + k];
        for (int k = 0; k < width; k++) mean[k] /= n;
        for (int r = start; r < end; r++)
            for (int k = 0; k < width; k++)
            {
                double d = values[r * width + k] - mean[k];
                std[k] += d * d;
            }
        for (int k = 0; k < width; k++)
        {
            std[k] = Math.Sqrt(std[k] / n);
            if (std[k] == 0) std[k] = 1;
        }
        return new StandardScaler(mean, std);
    }

    /// <summary>dst[k] = (float)((row[k] - mean[k]) / std[k]).</summary>
    public void Transform(ReadOnlySpan<double> row, Span<float> dst)
    {
        if (row.Length != Width || dst.Length != Width) throw new ArgumentException($"a row of {row.Length} values for a scaler of {Width} columns");
        for (int k = 0; k < Width; k++) dst[k] = (float)((row[k] - Mean[k]) / Std[k]);
    }
}
