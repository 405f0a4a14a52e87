// nn.Embedding: PyTorch reference cases (repeated ids, with and without padding_idx), central-difference
// gradients, N(0, 1) initialisation with a zero padding row, id validation, names and allocation.
using Recur.Nn;
using Recur.Tests.Support;

namespace Recur.Tests.Nn;

public class EmbeddingTests
{
    [Theory]
    [InlineData("layer_embedding")]
    [InlineData("layer_embedding_padding")]
    public void MatchesPyTorch(string name)
    {
        var c = ReferenceCase.Load(name);
        int? padding = c.HasKey("padding_idx") ? c.Int("padding_idx") : null;
        var layer = new Embedding(c.Int("num_embeddings"), c.Int("embedding_dim"), new Rng(1), padding);
        layer.Weight.Value.CopyFrom(c.Get("weight").Span);
        var idsShape = c.Tensors["ids"].Shape;
        var ids = c.GetInts("ids");

        var y = layer.Forward(ids, idsShape);
        Close.Assert(c.Get("y"), y, $"{name} y");
        layer.Backward(c.Get("dy"));
        Close.Assert(c.Get("dweight"), layer.Weight.Grad, $"{name} dweight");
        if (padding is int p)
        {
            Assert.Contains(p, ids);
            Assert.All(Row(layer.Weight.Grad, p, layer.EmbeddingDim), g => Assert.Equal(0f, g));
        }
    }

    [Fact]
    public void GradientMatchesCentralDifferences()
    {
        var rng = new Rng(4);
        var layer = new Embedding(6, 3, rng, paddingIdx: 1);
        int[] ids = [0, 5, 5, 2, 1, 4, 0, 1];
        var w = new Tensor(4, 2, 3);
        rng.FillUniform(w.Span, -1, 1);
        double Loss() => GradCheck.Dot(layer.Forward(ids, 4, 2).Span, w.Span);

        layer.Forward(ids, 4, 2);
        layer.Backward(w);
        // The padding row's output moves with the weight, but PyTorch gives it no gradient: check the others.
        var analytic = layer.Weight.Grad.ToArray();
        var rows = layer.Weight.Value.Span;
        for (int v = 0; v < 6; v++)
        {
            if (v == 1) continue;
            GradCheck.Check(rows.Slice(v * 3, 3), analytic.AsSpan(v * 3, 3), Loss, $"dweight row {v}");
        }
        Assert.All(analytic.AsSpan(3, 3).ToArray(), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void InitialisationIsStandardNormalWithZeroPaddingRow()
    {
        const int v = 400, e = 50;
        var layer = new Embedding(v, e, new Rng(9), paddingIdx: 7);
        var row = Row(layer.Weight.Value, 7, e);
        Assert.All(row, x => Assert.Equal(0f, x));
        double sum = 0, sq = 0;
        var all = layer.Weight.Value.Span;
        foreach (float x in all) { sum += x; sq += (double)x * x; }
        int n = all.Length - e;
        double mean = sum / n, std = Math.Sqrt(sq / n - mean * mean);
        // 19,950 draws: the sample mean's standard error is 0.007, the std's 0.005.
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(std, 0.97, 1.03);
    }

    [Fact]
    public void NegativePaddingIndexCountsFromTheEnd()
    {
        var layer = new Embedding(5, 2, new Rng(1), paddingIdx: -1);
        Assert.Equal(4, layer.PaddingIdx);
        Assert.All(Row(layer.Weight.Value, 4, 2), x => Assert.Equal(0f, x));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(5, 2, new Rng(1), paddingIdx: 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(5, 2, new Rng(1), paddingIdx: -6));
    }

    [Fact]
    public void PaddingRowNeverReceivesGradient()
    {
        var layer = new Embedding(4, 3, new Rng(2), paddingIdx: 0);
        int[] ids = [0, 0, 3, 0];
        var y = layer.Forward(ids);
        Assert.Equal([4, 3], y.Shape);
        Assert.All(y.Span[..3].ToArray(), x => Assert.Equal(0f, x));
        var dy = new Tensor(4, 3);
        dy.Span.Fill(1f);
        layer.Backward(dy);
        layer.Backward(dy);
        Assert.All(Row(layer.Weight.Grad, 0, 3), g => Assert.Equal(0f, g));
        Assert.All(Row(layer.Weight.Grad, 3, 3), g => Assert.Equal(2f, g));
        Assert.All(Row(layer.Weight.Grad, 1, 3), g => Assert.Equal(0f, g));
    }

    [Fact]
    public void ForwardCopiesRowsInShape()
    {
        var layer = new Embedding(5, 2, new Rng(3));
        int[] ids = [4, 1, 1, 0, 3, 2];
        var y = layer.Forward(ids, 3, 2);
        Assert.Equal([3, 2, 2], y.Shape);
        for (int i = 0; i < ids.Length; i++)
            Close.Exact(Row(layer.Weight.Value, ids[i], 2), y.Span.Slice(i * 2, 2), $"position {i}");
    }

    [Fact]
    public void BadIdsAndShapesAreRejectedWithClearErrors()
    {
        var layer = new Embedding(5, 2, new Rng(3));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward([1, 5, 2]));
        Assert.Contains("token id 5 at position 1", e.Message);
        Assert.Contains("[0, 5)", e.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => layer.Forward([-1]));
        Assert.Contains("token id -1 at position 0", e.Message);
        var s = Assert.Throws<ArgumentException>(() => layer.Forward([1, 2, 3], 2, 2));
        Assert.Contains("do not fill shape (2, 2)", s.Message);
        Assert.Throws<InvalidOperationException>(() => new Embedding(5, 2, new Rng(3)).Backward(new Tensor(1, 2)));
    }

    [Fact]
    public void StateDictUsesPyTorchNames()
    {
        var state = new Embedding(7, 3, new Rng(1), paddingIdx: 0).StateDict().ToList();
        Assert.Equal(["weight"], state.Select(e => e.Name));
        Assert.Equal([7, 3], state[0].Data.Shape);
    }

    [Fact]
    public void SteadyStateStepAllocatesNothing()
    {
        var layer = new Embedding(50, 8, new Rng(2), paddingIdx: 0);
        var ids = new int[6 * 4];
        for (int i = 0; i < ids.Length; i++) ids[i] = (i * 7) % 50;
        var dy = new Tensor(6, 4, 8);
        dy.Span.Fill(0.5f);
        for (int i = 0; i < 3; i++) { layer.Forward(ids, 6, 4); layer.Backward(dy); }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) { layer.Forward(ids, 6, 4); layer.Backward(dy); }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    static float[] Row(Tensor table, int row, int e) => table.Span.Slice(row * e, e).ToArray();
}
