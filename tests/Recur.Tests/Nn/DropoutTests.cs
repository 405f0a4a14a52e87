// nn.Dropout: mask statistics, exact scaling by 1/(1-p), evaluation and p = 0 as pass-throughs, seeded
// determinism, the shared FillMask, central-difference gradients and allocation. PyTorch's generator is
// not ours, so there is no reference file: the tests pin down the distribution and the arithmetic instead.
using Recur.Nn;
using Recur.Tests.Support;

namespace Recur.Tests.Nn;

public class DropoutTests
{
    [Theory]
    [InlineData(0.1f)]
    [InlineData(0.3f)]
    [InlineData(0.75f)]
    public void MaskDropsAboutPAndScalesTheRestExactly(float p)
    {
        var layer = new Dropout(p, new Rng(17));
        var x = new Tensor(200, 500);
        x.Span.Fill(1f);
        var y = layer.Forward(x);
        float keep = 1f / (1f - p);
        int zeros = 0;
        double sum = 0;
        foreach (float v in y.Span)
        {
            if (v == 0f) zeros++;
            else Assert.Equal(keep, v);
            sum += v;
        }
        // 100,000 draws: the dropped fraction's standard error is at most 0.0016.
        Assert.InRange(zeros / (double)x.Length, p - 0.01, p + 0.01);
        Assert.InRange(sum / x.Length, 1 - 0.04, 1 + 0.04);
    }

    [Fact]
    public void EvalAndZeroProbabilityPassThrough()
    {
        var rng = new Rng(3);
        var x = new Tensor(4, 5);
        rng.FillUniform(x.Span, -1, 1);
        var state = rng.State;

        var layer = new Dropout(0.5f, rng);
        layer.Eval();
        Assert.Same(x, layer.Forward(x));
        Assert.Null(layer.Mask);
        Assert.Same(x, layer.Backward(x));

        var none = new Dropout(0f, rng);
        Assert.True(none.Training);
        Assert.Same(x, none.Forward(x));
        Assert.Null(none.Mask);
        Assert.Equal(state, rng.State); // nothing was drawn

        layer.Train();
        Assert.NotSame(x, layer.Forward(x));
        Assert.NotNull(layer.Mask);
    }

    [Fact]
    public void SameSeedGivesSameMaskAndSuccessiveCallsDiffer()
    {
        var x = new Tensor(3, 7, 5);
        new Rng(1).FillUniform(x.Span, -1, 1);
        var a = new Dropout(0.4f, new Rng(99));
        var b = new Dropout(0.4f, new Rng(99));
        var first = a.Forward(x).ToArray();
        Close.Exact(first, b.Forward(x).Span, "same seed");
        Assert.NotEqual(first, a.Forward(x).ToArray());
        Assert.NotEqual(first, new Dropout(0.4f, new Rng(100)).Forward(x).ToArray());
    }

    [Fact]
    public void ForwardAndBackwardMultiplyByTheSharedMask()
    {
        var rng = new Rng(5);
        var x = new Tensor(6, 9);
        var dy = new Tensor(6, 9);
        rng.FillUniform(x.Span, -2, 2);
        rng.FillUniform(dy.Span, -2, 2);
        var layer = new Dropout(0.25f, new Rng(42));
        var y = layer.Forward(x);

        var mask = new float[x.Length];
        Dropout.FillMask(new Rng(42), 0.25f, mask);
        Close.Exact(mask, layer.Mask!.Span, "layer mask vs FillMask");
        Close.Exact(x.ToArray().Select((v, i) => v * mask[i]).ToArray(), y.Span, "y = x·mask");
        var dx = layer.Backward(dy);
        Close.Exact(dy.ToArray().Select((v, i) => v * mask[i]).ToArray(), dx.Span, "dx = dy·mask");
        Assert.Equal(x.Shape, dx.Shape);
    }

    [Fact]
    public void GradientMatchesCentralDifferences()
    {
        var rng = new Rng(8);
        var x = new Tensor(3, 4, 5);
        var w = new Tensor(3, 4, 5);
        rng.FillUniform(x.Span, -1, 1);
        rng.FillUniform(w.Span, -1, 1);
        // A fresh layer on the same seed per evaluation, so every loss sees the same mask.
        double Loss() => GradCheck.Dot(new Dropout(0.5f, new Rng(6)).Forward(x).Span, w.Span);
        var layer = new Dropout(0.5f, new Rng(6));
        layer.Forward(x);
        var dx = layer.Backward(w).ToArray();
        Assert.Contains(0f, dx);
        GradCheck.Check(x.Span, dx, Loss, "dx", samples: 60);
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(1f)]
    [InlineData(float.NaN)]
    public void ProbabilityOutsideZeroToOneIsRejected(float p)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(p, new Rng(1)));
        Assert.Contains("[0, 1)", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Dropout.FillMask(new Rng(1), p, new float[3]));
    }

    [Fact]
    public void HasNoStateAndBackwardNeedsForward()
    {
        var layer = new Dropout(0.2f, new Rng(1));
        Assert.Empty(layer.StateDict());
        Assert.Throws<InvalidOperationException>(() => layer.Backward(new Tensor(2)));
    }

    [Fact]
    public void SteadyStateStepAllocatesNothing()
    {
        var layer = new Dropout(0.3f, new Rng(2));
        var x = new Tensor(8, 4, 16);
        x.Span.Fill(1f);
        for (int i = 0; i < 3; i++) layer.Backward(layer.Forward(x));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) layer.Backward(layer.Forward(x));
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
