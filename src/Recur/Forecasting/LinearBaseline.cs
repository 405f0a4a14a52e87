// The baseline beside the recurrent model: ordinary least squares, close ≈ b + Σ w_k·z_k, on the
// same scaled features of each window's LAST day (not the flattened window), fit on the training
// windows' last days and scored on the test windows' last days, so it predicts exactly the days the
// recurrent model does. Solved by Householder QR in double (the normal equations would square the
// condition number of 37 strongly correlated features); a column that adds nothing numerically
// (|R_jj| ≤ 1e-10·max|R_ii|) gets weight 0.
// Shapes: m training rows, p = F + 1 unknowns (intercept first); [A | b] (m, p + 1) row-major.
namespace Recur.Forecasting;

/// <summary>Least-squares linear regression on the last day's scaled features.</summary>
public sealed class LinearBaseline
{
    /// <summary>Intercept.</summary>
    public double Intercept { get; }
    /// <summary>One weight per feature.</summary>
    public double[] Weights { get; }

    LinearBaseline(double intercept, double[] weights) => (Intercept, Weights) = (intercept, weights);

    /// <summary>Fits on the last day of every window of <paramref name="train"/> against its label.</summary>
    public static LinearBaseline Fit(WindowSet train)
    {
        RequireEnough(train);
        int m = train.Count, f = train.Features, p = f + 1;
        var ab = new double[m * (p + 1)];   // (m, p + 1): [1, z_1 .. z_F | close] of each window's last day
        for (int i = 0; i < m; i++)
        {
            var row = ab.AsSpan(i * (p + 1), p + 1);
            row[0] = 1;
            var z = train.Scaled.AsSpan((i + train.Window - 1) * f, f);
            for (int k = 0; k < f; k++) row[1 + k] = z[k];
            row[p] = train.Label(i);
        }
        var x = LeastSquares(ab, m, p);
        return new LinearBaseline(x[0], x[1..]);
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/>, saying how to widen the training range, unless
    /// <paramref name="train"/> has a window per coefficient (F + 1); `forecast train` checks this before training.
    /// </summary>
    public static void RequireEnough(WindowSet train)
    {
        int m = train.Count, p = train.Features + 1, days = p + train.Window - 1;
        if (m >= p) return;
        throw new ArgumentException($"the training range {train.Dates[0]:yyyy-MM-dd} to {train.Dates[^1]:yyyy-MM-dd} gives {m:N0} window{(m == 1 ? "" : "s")} of {train.Window:N0} days, " +
            $"too few for the linear baseline (fit by train and baseline), which needs one per coefficient: {p} ({train.Features} features and the intercept); " +
            $"choose an earlier --train-start or a later --train-end so that the range holds at least {days:N0} days with every feature");
    }

    /// <summary>The prediction for every window of <paramref name="set"/> (from its last day).</summary>
    public double[] Predict(WindowSet set)
    {
        if (set.Features != Weights.Length) throw new ArgumentException($"{set.Features} features for a baseline of {Weights.Length}");
        var y = new double[set.Count];
        for (int i = 0; i < set.Count; i++)
        {
            var z = set.Scaled.AsSpan((i + set.Window - 1) * set.Features, set.Features);
            double s = Intercept;
            for (int k = 0; k < Weights.Length; k++) s += Weights[k] * z[k];
            y[i] = s;
        }
        return y;
    }

    /// <summary>
    /// argmin ‖A·x − b‖ for the augmented (m, p + 1) matrix [A | b], overwritten: Householder reflections
    /// H_j = I − 2vvᵀ/(vᵀv) turn A into R (upper triangular) and b into Qᵀb, then R·x = (Qᵀb)[0..p) by back substitution.
    /// </summary>
    static double[] LeastSquares(double[] ab, int m, int p)
    {
        int w = p + 1;
        var diag = new double[p];   // R's diagonal; the rest of R stays in ab above it, v_j below it
        for (int j = 0; j < p; j++)
        {
            double norm = 0;
            for (int i = j; i < m; i++) norm += ab[i * w + j] * ab[i * w + j];
            norm = Math.Sqrt(norm);
            double alpha = ab[j * w + j] > 0 ? -norm : norm;   // the sign that avoids cancellation in v
            diag[j] = alpha;
            ab[j * w + j] -= alpha;                            // v_j = column j (rows j..m) − α·e_j
            double vv = 0;
            for (int i = j; i < m; i++) vv += ab[i * w + j] * ab[i * w + j];
            if (vv == 0) continue;                             // the column is zero already
            for (int c = j + 1; c < w; c++)
            {
                double dot = 0;
                for (int i = j; i < m; i++) dot += ab[i * w + j] * ab[i * w + c];
                double s = 2 * dot / vv;
                for (int i = j; i < m; i++) ab[i * w + c] -= s * ab[i * w + j];
            }
        }
        double largest = diag.Max(Math.Abs);
        var x = new double[p];
        for (int j = p - 1; j >= 0; j--)
        {
            if (Math.Abs(diag[j]) <= 1e-10 * largest) continue;   // numerically dependent column: weight 0
            double s = ab[j * w + p];
            for (int c = j + 1; c < p; c++) s -= ab[j * w + c] * x[c];
            x[j] = s / diag[j];
        }
        return x;
    }
}
