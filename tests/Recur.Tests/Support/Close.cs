// Mixed absolute/relative comparison for float results: |actual - expected| <= atol + rtol·|expected|.
namespace Recur.Tests.Support;

static class Close
{
    public const float Atol = 1e-5f, Rtol = 1e-5f;

    public static void Assert(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what,
        float atol = Atol, float rtol = Rtol)
    {
        Xunit.Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        int worst = -1;
        double worstExcess = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (double.IsNaN(e) && double.IsNaN(a)) continue;
            if (double.IsNaN(e) != double.IsNaN(a)) { worst = i; break; }
            double excess = Math.Abs(a - e) - (atol + rtol * Math.Abs(e));
            if (excess > worstExcess || double.IsNaN(excess)) { worstExcess = excess; worst = i; }
        }
        if (worst >= 0)
            Xunit.Assert.Fail($"{what}: element {worst} is {actual[worst]:R}, expected {expected[worst]:R} (atol {atol}, rtol {rtol})");
    }

    public static void Assert(Tensor expected, Tensor actual, string what, float atol = Atol, float rtol = Rtol)
    {
        Xunit.Assert.True(expected.SameShape(actual), $"{what}: shape {Tensor.ShapeString(actual.Shape)}, expected {Tensor.ShapeString(expected.Shape)}");
        Assert(expected.Span, actual.Span, what, atol, rtol);
    }

    /// <summary>Bit-for-bit equality.</summary>
    public static void Exact(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Xunit.Assert.True(expected.Length == actual.Length, $"{what}: length {actual.Length}, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Xunit.Assert.Fail($"{what}: element {i} is {actual[i]:R}, expected exactly {expected[i]:R}");
    }
}
