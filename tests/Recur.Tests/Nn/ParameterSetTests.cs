// A ParameterSet owns its parameters' storage until another set is made from them: the old set's arenas
// then hold copies nobody reads, so stepping, zeroing or clipping through it must fail, not train nothing.
using Recur.Nn;
using Recur.Nn.Losses;
using Recur.Optim;

namespace Recur.Tests.Nn;

public class ParameterSetTests
{
    [Fact]
    public void ASetWhoseParametersAnotherSetTookIsRefused()
    {
        var fc = new Linear(4, 3, new Rng(1));
        var first = new ParameterSet(fc);
        var adam = new Adam(first, lr: 0.1);
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, -1f, 0f, 1f, 2f], 2, 4);
        var y = fc.Forward(x);
        new CrossEntropyLoss().Forward(y, [0, 2], y);
        fc.Backward(y);

        var second = new ParameterSet(fc);   // e.g. GradClip.ClipByGlobalNorm(new ParameterSet(model), 1) inside the loop
        var e = Assert.Throws<InvalidOperationException>(() => adam.Step());
        Assert.Contains("another ParameterSet", e.Message);
        Assert.Throws<InvalidOperationException>(() => adam.ZeroGrad());
        Assert.Throws<InvalidOperationException>(() => GradClip.ClipByGlobalNorm(first, 1));
        Assert.Throws<InvalidOperationException>(() => GradClip.ClipByValue(first, 1));

        // The newest set holds the parameters and trains them.
        var before = fc.Weight.Value.ToArray();
        GradClip.ClipByGlobalNorm(second, 1);
        new Adam(second, lr: 0.1).Step();
        Assert.NotEqual(before, fc.Weight.Value.ToArray());
    }
}
