// nn.Linear: PyTorch reference cases (with and without bias, 2-D and 3-D input), central-difference
// gradients, PyTorch's default initialisation, state dict names, accumulation and allocation.
using Recur.Nn;
using Recur.Tests.Support;

namespace Recur.Tests.Nn;

public class LinearTests
{
    public static IEnumerable<object[]> Cases => ReferenceCase.Names("layer_linear_");

    [Fact]
    public void AllReferenceCasesArePresent() => Assert.Equal(4, Cases.Count());

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var c = ReferenceCase.Load(name);
        bool bias = c.Bool("bias");
        var layer = new Linear(c.Int("in"), c.Int("out"), new Rng(1), bias);
        Assert.Equal(bias, layer.Bias != null);
        layer.Weight.Value.CopyFrom(c.Get("weight").Span);
        if (bias) layer.Bias!.Value.CopyFrom(c.Get("bias").Span);

        var y = layer.Forward(c.Get("x"));
        Close.Assert(c.Get("y"), y, $"{name} y");
        var dx = layer.Backward(c.Get("dy"))!;
        Close.Assert(c.Get("dx"), dx, $"{name} dx");
        Close.Assert(c.Get("dweight"), layer.Weight.Grad, $"{name} dweight");
        if (bias) Close.Assert(c.Get("dbias"), layer.Bias!.Grad, $"{name} dbias");
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(false, 3)]
    public void GradientsMatchCentralDifferences(bool bias, int rank)
    {
        var rng = new Rng(11);
        var layer = new Linear(3, 4, rng, bias);
        var x = rank == 2 ? new Tensor(5, 3) : new Tensor(2, 3, 3);
        rng.FillUniform(x.Span, -1, 1);
        var w = new Tensor(rank == 2 ? new[] { 5, 4 } : new[] { 2, 3, 4 });
        rng.FillUniform(w.Span, -1, 1);
        double Loss() => GradCheck.Dot(layer.Forward(x).Span, w.Span);

        layer.Forward(x);
        var dx = layer.Backward(w)!.ToArray();
        GradCheck.Check(x.Span, dx, Loss, "dx");
        GradCheck.Check(layer.Weight.Value.Span, layer.Weight.Grad.ToArray(), Loss, "dweight");
        if (bias) GradCheck.Check(layer.Bias!.Value.Span, layer.Bias.Grad.ToArray(), Loss, "dbias");
    }

    [Fact]
    public void InitialisationIsUniformWithinOneOverRootFanIn()
    {
        const int inFeatures = 64, outFeatures = 200;
        var layer = new Linear(inFeatures, outFeatures, new Rng(3));
        float bound = 1f / MathF.Sqrt(inFeatures);
        foreach (var (name, p) in new[] { ("weight", layer.Weight), ("bias", layer.Bias!) })
        {
            var v = p.Value.Span;
            foreach (float x in v) Assert.InRange(x, -bound, bound);
            double mean = 0, sq = 0;
            foreach (float x in v) { mean += x; sq += (double)x * x; }
            mean /= v.Length;
            double variance = sq / v.Length - mean * mean;
            // U(-b, b): mean 0, variance b²/3; the bias has only 200 values, hence its looser limits.
            double slack = name == "weight" ? 0.05 : 0.25;
            Assert.InRange(mean, -slack * bound, slack * bound);
            Assert.InRange(variance, (1 - slack) * bound * bound / 3, (1 + slack) * bound * bound / 3);
        }
        Assert.True(layer.Weight.Value.Span.ToArray().Max() > 0.99f * bound, "weights should reach near the upper bound");
        Assert.True(layer.Weight.Value.Span.ToArray().Min() < -0.99f * bound, "weights should reach near the lower bound");
    }

    [Fact]
    public void StateDictUsesPyTorchNames()
    {
        Assert.Equal(["weight", "bias"], new Linear(2, 3, new Rng(1)).StateDict().Select(e => e.Name));
        Assert.Equal(["weight"], new Linear(2, 3, new Rng(1), bias: false).StateDict().Select(e => e.Name));
        var shapes = new Linear(2, 3, new Rng(1)).StateDict().ToDictionary(e => e.Name, e => e.Data.Shape);
        Assert.Equal([3, 2], shapes["weight"]);
        Assert.Equal([3], shapes["bias"]);
    }

    [Fact]
    public void BackwardAccumulatesAndCanSkipInputGradient()
    {
        var rng = new Rng(5);
        var layer = new Linear(3, 2, rng);
        var x = new Tensor(4, 3);
        var dy = new Tensor(4, 2);
        rng.FillUniform(x.Span, -1, 1);
        rng.FillUniform(dy.Span, -1, 1);
        layer.Forward(x);
        layer.Backward(dy);
        var once = layer.Weight.Grad.ToArray();
        var onceBias = layer.Bias!.Grad.ToArray();
        Assert.Null(layer.Backward(dy, needInputGrad: false));
        Close.Assert(once.Select(v => 2 * v).ToArray(), layer.Weight.Grad.Span, "dweight after two backward passes");
        Close.Assert(onceBias.Select(v => 2 * v).ToArray(), layer.Bias.Grad.Span, "dbias after two backward passes");
    }

    [Fact]
    public void AnyLeadingShapeActsLikeRows()
    {
        var rng = new Rng(6);
        var layer = new Linear(4, 3, rng);
        var x = new Tensor(2, 2, 3, 4);
        var dy = new Tensor(2, 2, 3, 3);
        rng.FillUniform(x.Span, -1, 1);
        rng.FillUniform(dy.Span, -1, 1);
        var y4 = layer.Forward(x).ToArray();
        var dx4 = layer.Backward(dy)!;
        Assert.Equal([2, 2, 3, 4], dx4.Shape);
        var dx4Values = dx4.ToArray();
        var y2 = layer.Forward(x.Reshape(12, 4));
        Assert.Equal([12, 3], y2.Shape);
        Close.Exact(y2.Span, y4, "rank-4 y vs rows");
        Close.Exact(layer.Backward(dy.Reshape(12, 3))!.Span, dx4Values, "rank-4 dx vs rows");
    }

    [Fact]
    public void WrongInputWidthIsRejected()
    {
        var layer = new Linear(3, 2, new Rng(1));
        var e = Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(4, 5)));
        Assert.Contains("3 features", e.Message);
    }

    [Fact]
    public void SteadyStateStepAllocatesNothing()
    {
        var rng = new Rng(2);
        var layer = new Linear(16, 8, rng);
        var x = new Tensor(3, 5, 16);
        var dy = new Tensor(3, 5, 8);
        rng.FillUniform(x.Span, -1, 1);
        rng.FillUniform(dy.Span, -1, 1);
        for (int i = 0; i < 3; i++) { layer.Forward(x); layer.Backward(dy); }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) { layer.Forward(x); layer.Backward(dy); }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
