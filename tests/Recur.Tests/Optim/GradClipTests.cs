// Gradient clipping against torch.nn.utils.clip_grad_norm_ / clip_grad_value_ over three parameters.
using Recur.Nn;
using Recur.Optim;
using Recur.Tests.Support;

namespace Recur.Tests.Optim;

public class GradClipTests
{
    [Theory]
    [InlineData("optim_clip_norm")]
    [InlineData("optim_clip_norm_noop")]
    public void ClipByGlobalNormMatchesPyTorch(string name)
    {
        var c = ReferenceCase.Load(name);
        var set = LoadGrads(c);
        float total = GradClip.ClipByGlobalNorm(set, OptimReference.Num(c, "max_norm", double.NaN));
        Close.Assert(c.Get("total_norm").Span, [total], $"{name} total norm");
        foreach (var (n, p, _) in set.Entries) Close.Assert(c.Get("clipped." + n), p.Grad, $"{name} {n}");
    }

    [Fact]
    public void ClipByValueMatchesPyTorch()
    {
        var c = ReferenceCase.Load("optim_clip_value");
        var set = LoadGrads(c);
        GradClip.ClipByValue(set, c.Float("clip_value"));
        foreach (var (n, p, _) in set.Entries) Close.Exact(c.Get("clipped." + n).Span, p.Grad.Span, $"clip value {n}");
    }

    [Fact]
    public void NormBelowTheLimitLeavesGradientsBitIdentical()
    {
        var c = ReferenceCase.Load("optim_clip_norm_noop");
        var set = LoadGrads(c);
        var before = set.Grads.ToArray();
        float total = GradClip.ClipByGlobalNorm(set, 1000);
        Assert.True(total < 1000);
        Close.Exact(before, set.Grads.Span, "unclipped gradients");
    }

    [Fact]
    public void ClippedNormIsTheLimit()
    {
        var set = LoadGrads(ReferenceCase.Load("optim_clip_norm"));
        float total = GradClip.ClipByGlobalNorm(set, 0.25);
        Assert.True(total > 0.25f);
        float after = GradClip.ClipByGlobalNorm(set, 1e9);
        Assert.Equal(0.25, after, 1e-6);
    }

    [Fact]
    public void ClipByValueKeepsNaN()
    {
        var p = new Parameter("x", 4);
        var set = new ParameterSet([("x", p)]);
        p.Grad.CopyFrom([float.NaN, -3f, 0.2f, float.PositiveInfinity]);
        GradClip.ClipByValue(set, 1f);
        Assert.True(float.IsNaN(p.Grad[0]));
        Assert.Equal(new float[] { -1f, 0.2f, 1f }, p.Grad.Span[1..].ToArray());
    }

    /// <summary>The case's parameters (zero values) holding its gradients "grad.&lt;name&gt;".</summary>
    static ParameterSet LoadGrads(ReferenceCase c)
    {
        var list = new List<(string, Parameter)>();
        foreach (var n in OptimReference.Names(c))
        {
            var g = c.Get("grad." + n);
            var p = new Parameter(n, g.Shape);
            p.Grad.CopyFrom(g.Span);
            list.Add((n, p));
        }
        return new ParameterSet(list);
    }
}
