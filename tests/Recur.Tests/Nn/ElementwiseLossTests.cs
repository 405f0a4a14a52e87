// BCEWithLogitsLoss, BCELoss and MseLoss against PyTorch 1.13 (mean and sum) and by central
// differences; BCELoss also at the 0/1 edges, where PyTorch clamps each log at -100.
using Recur.Nn.Losses;
using Recur.Tests.Support;

namespace Recur.Tests.Nn;

public class ElementwiseLossTests
{
    delegate float Loss(Tensor input, Tensor target, Tensor? dInput);

    static Loss Make(string name, Reduction r) => name switch
    {
        "loss_bce_with_logits" => new BCEWithLogitsLoss(r).Forward,
        "loss_bce" => new BCELoss(r).Forward,
        "loss_mse" => new MseLoss(r).Forward,
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [InlineData("loss_bce_with_logits")]
    [InlineData("loss_bce")]
    [InlineData("loss_mse")]
    public void MatchesPyTorch(string name)
    {
        var c = ReferenceCase.Load(name);
        var input = c.Get("input");
        var target = c.Get("target");
        foreach (var (reduction, key) in new[] { (Reduction.Mean, "mean"), (Reduction.Sum, "sum") })
        {
            var loss = Make(name, reduction);
            var grad = new Tensor(input.Shape);
            float value = loss(input, target, grad);
            Close.Assert(c.Get("loss_" + key).Span, [value], $"{name} {key} loss");
            Close.Assert(c.Get("grad_" + key), grad, $"{name} {key} gradient");
        }
    }

    [Theory]
    [InlineData("loss_bce_with_logits")]
    [InlineData("loss_bce")]
    [InlineData("loss_mse")]
    public void GradientMatchesCentralDifferences(string name)
    {
        var input = new Tensor(3, 7);
        var target = new Tensor(3, 7);
        var rng = new Rng(21);
        if (name == "loss_bce") rng.FillUniform(input.Span, 0.1f, 0.9f); // away from the clamp and the edges
        else rng.FillNormal(input.Span, 0, 2);
        rng.FillUniform(target.Span, 0, 1);
        foreach (var reduction in new[] { Reduction.Mean, Reduction.Sum })
        {
            var loss = Make(name, reduction);
            var grad = new Tensor(3, 7);
            loss(input, target, grad);
            GradCheck.Check(input.Span, grad.Span, () => loss(input, target, null), $"{name} {reduction}", samples: 21);
        }
    }

    [Fact]
    public void BceAtTheEdgesIsFiniteAsInPyTorch()
    {
        var input = Tensor.FromArray([0f, 0f, 1f, 1f], 4);
        var target = Tensor.FromArray([0f, 1f, 1f, 0f], 4);
        var grad = new Tensor(4);
        float value = new BCELoss(Reduction.Sum).Forward(input, target, grad);
        Assert.Equal(200f, value); // two logs of 0 clamped at -100
        Assert.Equal(new float[] { 0f, -1e12f, 0f, 1e12f }, grad.ToArray());
    }

    [Fact]
    public void BceRefusesValuesOutsideZeroOne()
    {
        var target = new Tensor(2);
        foreach (float bad in new[] { -0.1f, 1.5f, float.NaN })
            Assert.Throws<ArgumentOutOfRangeException>(() => new BCELoss().Forward(Tensor.FromArray([0.5f, bad], 2), target));
    }

    [Fact]
    public void BceWithLogitsIsStableForLargeLogits()
    {
        var input = Tensor.FromArray([-200f, 200f, -200f, 200f], 4);
        var target = Tensor.FromArray([0f, 1f, 1f, 0f], 4);
        var grad = new Tensor(4);
        float value = new BCEWithLogitsLoss(Reduction.Sum).Forward(input, target, grad);
        Assert.Equal(400f, value);
        Assert.Equal(new float[] { 0f, 0f, -1f, 1f }, grad.ToArray());
    }

    [Fact]
    public void ShapesMustMatch()
    {
        Assert.Throws<ArgumentException>(() => new MseLoss().Forward(new Tensor(2, 3), new Tensor(3, 2)));
        Assert.Throws<ArgumentException>(() => new BCEWithLogitsLoss().Forward(new Tensor(2, 3), new Tensor(2, 3), new Tensor(6)));
    }
}
