// nn.ReLU, nn.Sigmoid, nn.Tanh as layers: PyTorch reference cases (saturating inputs and exact zeros),
// central-difference gradients, any rank, no state, allocation. The kernels themselves are tested
// over every length in Kernels/ActivationTests.
using Recur.Nn;
using Recur.Tests.Support;

namespace Recur.Tests.Nn;

public class ActivationLayerTests
{
    static Activation Create(string name) => name switch
    {
        "relu" => new ReLU(),
        "sigmoid" => new Sigmoid(),
        "tanh" => new Tanh(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [InlineData("relu")]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    public void MatchesPyTorch(string name)
    {
        var c = ReferenceCase.Load("layer_" + name);
        Assert.Equal(name, c.Str("activation"));
        var layer = Create(name);
        var y = layer.Forward(c.Get("x"));
        Close.Assert(c.Get("y"), y, $"{name} y");
        Close.Assert(c.Get("dx"), layer.Backward(c.Get("dy")), $"{name} dx");
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    public void GradientMatchesCentralDifferences(string name)
    {
        var rng = new Rng(31);
        var layer = Create(name);
        var x = new Tensor(2, 3, 4);
        var w = new Tensor(2, 3, 4);
        rng.FillUniform(x.Span, -3, 3);
        rng.FillUniform(w.Span, -1, 1);
        // Keep ReLU's kink out of reach of the ±0.01 probes.
        foreach (ref float v in x.Span) if (MathF.Abs(v) < 0.05f) v = 0.05f;
        double Loss() => GradCheck.Dot(layer.Forward(x).Span, w.Span);
        layer.Forward(x);
        GradCheck.Check(x.Span, layer.Backward(w).ToArray(), Loss, $"{name} dx");
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    public void AnyShapeWorksAndShapeIsKept(string name)
    {
        var layer = Create(name);
        foreach (var shape in new[] { new[] { 7 }, new[] { 2, 3, 2, 5 } })
        {
            var x = new Tensor(shape);
            new Rng(1).FillUniform(x.Span, -1, 1);
            var y = layer.Forward(x);
            Assert.Equal(shape, y.Shape);
            Assert.Equal(shape, layer.Backward(y).Shape);
        }
        Assert.Throws<ArgumentException>(() => layer.Backward(new Tensor(3)));
        Assert.Empty(layer.StateDict());
        Assert.Throws<InvalidOperationException>(() => Create(name).Backward(new Tensor(1)));
    }

    [Fact]
    public void ReluGradientAtZeroIsZero()
    {
        var layer = new ReLU();
        var y = layer.Forward(Tensor.FromArray([-1f, 0f, 2f], 3));
        Close.Exact([0f, 0f, 2f], y.Span, "relu y");
        Close.Exact([0f, 0f, 5f], layer.Backward(Tensor.FromArray([5f, 5f, 5f], 3)).Span, "relu dx");
    }

    [Fact]
    public void SteadyStateStepAllocatesNothing()
    {
        Activation[] layers = [new ReLU(), new Sigmoid(), new Tanh()];
        var x = new Tensor(4, 5, 6);
        new Rng(2).FillUniform(x.Span, -2, 2);
        foreach (var layer in layers) layer.Backward(layer.Forward(x));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++)
            foreach (var layer in layers) layer.Backward(layer.Forward(x));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
