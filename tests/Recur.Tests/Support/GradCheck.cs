// Central-difference gradient checks: perturb one value by ±eps, rerun the scalar loss, compare
// (L(+) - L(-)) / 2eps with the analytic gradient by relative error. Float32 forward passes make
// eps ~1e-2 and a tolerance of ~1e-2 the practical choice.
namespace Recur.Tests.Support;

static class GradCheck
{
    /// <summary>
    /// Checks <paramref name="analytic"/> (the gradient of <paramref name="loss"/> with respect to <paramref name="x"/>)
    /// at up to <paramref name="samples"/> positions spread over x.
    /// </summary>
    public static void Check(Span<float> x, ReadOnlySpan<float> analytic, Func<double> loss, string what,
        float eps = 1e-2f, double tolerance = 2e-2, int samples = 40)
    {
        Assert.Equal(x.Length, analytic.Length);
        int step = Math.Max(1, x.Length / samples);
        for (int i = 0; i < x.Length; i += step)
        {
            float saved = x[i];
            x[i] = saved + eps; double plus = loss();
            x[i] = saved - eps; double minus = loss();
            x[i] = saved;
            double numeric = (plus - minus) / (2 * eps);
            double a = analytic[i];
            double scale = Math.Max(Math.Max(Math.Abs(numeric), Math.Abs(a)), 1e-2);
            double rel = Math.Abs(numeric - a) / scale;
            Assert.True(rel <= tolerance, $"{what}[{i}]: analytic {a:G6}, numeric {numeric:G6} (relative error {rel:G3})");
        }
    }

    /// <summary>Σ w·y in double: a scalar loss whose gradient with respect to y is w.</summary>
    public static double Dot(ReadOnlySpan<float> y, ReadOnlySpan<float> w)
    {
        double s = 0;
        for (int i = 0; i < y.Length; i++) s += (double)y[i] * w[i];
        return s;
    }
}
