// nn.BatchNorm1d: PyTorch reference cases for (N, C) and (N, C, L) in training (two steps: outputs,
// input gradients, accumulated parameter gradients, running stats, num_batches_tracked) and evaluation
// (state loaded through LoadStateDict), central-difference gradients in both modes, defaults and names.
using Recur.IO;
using Recur.Nn;
using Recur.Tests.Support;

namespace Recur.Tests.Nn;

public class BatchNorm1dTests
{
    [Theory]
    [InlineData("layer_batchnorm_train_2d")]
    [InlineData("layer_batchnorm_train_3d")]
    public void TrainingMatchesPyTorch(string name)
    {
        var c = ReferenceCase.Load(name);
        var layer = new BatchNorm1d(c.Int("num_features"), c.Float("eps"), c.Float("momentum"));
        Assert.True(layer.Training);
        layer.Weight.Value.CopyFrom(c.Get("weight").Span);
        layer.Bias.Value.CopyFrom(c.Get("bias").Span);
        for (int step = 1; step <= c.Int("steps"); step++)
        {
            var y = layer.Forward(c.Get($"x{step}"));
            Close.Assert(c.Get($"y{step}"), y, $"{name} y{step}");
            var dx = layer.Backward(c.Get($"dy{step}"))!;
            Close.Assert(c.Get($"dx{step}"), dx, $"{name} dx{step}");
        }
        Close.Assert(c.Get("running_mean"), layer.RunningMean, $"{name} running_mean");
        Close.Assert(c.Get("running_var"), layer.RunningVar, $"{name} running_var");
        Assert.Equal(c.Tensors["num_batches_tracked"].Longs![0], layer.NumBatchesTracked);
        Assert.Equal(2, layer.NumBatchesTracked);
        Close.Assert(c.Get("dweight"), layer.Weight.Grad, $"{name} dweight (two steps accumulated)");
        Close.Assert(c.Get("dbias"), layer.Bias.Grad, $"{name} dbias (two steps accumulated)");
    }

    [Theory]
    [InlineData("layer_batchnorm_eval_2d")]
    [InlineData("layer_batchnorm_eval_3d")]
    public void EvaluationMatchesPyTorch(string name)
    {
        var c = ReferenceCase.Load(name);
        var layer = new BatchNorm1d(c.Int("num_features"), c.Float("eps"), c.Float("momentum"));
        string[] keys = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"];
        layer.LoadStateDict(keys.ToDictionary(k => k, k => c.Tensors[k]));
        Assert.Equal(7, layer.NumBatchesTracked);
        layer.Eval();

        var y = layer.Forward(c.Get("x"));
        Close.Assert(c.Get("y"), y, $"{name} y");
        var dx = layer.Backward(c.Get("dy"))!;
        Close.Assert(c.Get("dx"), dx, $"{name} dx");
        Close.Assert(c.Get("dweight"), layer.Weight.Grad, $"{name} dweight");
        Close.Assert(c.Get("dbias"), layer.Bias.Grad, $"{name} dbias");
        Close.Assert(c.Get("running_mean"), layer.RunningMean, $"{name} running_mean unchanged");
        Close.Assert(c.Get("running_var"), layer.RunningVar, $"{name} running_var unchanged");
        Assert.Equal(7, layer.NumBatchesTracked);
    }

    [Theory]
    [InlineData(true, 2)]
    [InlineData(true, 3)]
    [InlineData(false, 2)]
    [InlineData(false, 3)]
    public void GradientsMatchCentralDifferences(bool training, int rank)
    {
        var rng = new Rng(21);
        var layer = new BatchNorm1d(3);
        rng.FillUniform(layer.Weight.Value.Span, 0.5f, 1.5f);
        rng.FillUniform(layer.Bias.Value.Span, -1, 1);
        rng.FillUniform(layer.RunningMean.Span, -0.5f, 0.5f);
        rng.FillUniform(layer.RunningVar.Span, 0.5f, 2f);
        layer.Train(training);
        int[] shape = rank == 2 ? [4, 3] : [2, 3, 3];
        var x = new Tensor(shape);
        var w = new Tensor(shape);
        rng.FillUniform(x.Span, -2, 2);
        rng.FillUniform(w.Span, -1, 1);
        double Loss() => GradCheck.Dot(layer.Forward(x).Span, w.Span);

        layer.Forward(x);
        var dx = layer.Backward(w)!.ToArray();
        string mode = training ? "train" : "eval";
        GradCheck.Check(x.Span, dx, Loss, $"{mode} dx");
        GradCheck.Check(layer.Weight.Value.Span, layer.Weight.Grad.ToArray(), Loss, $"{mode} dweight");
        GradCheck.Check(layer.Bias.Value.Span, layer.Bias.Grad.ToArray(), Loss, $"{mode} dbias");
    }

    [Fact]
    public void DefaultsAndStateDictNamesMatchPyTorch()
    {
        var layer = new BatchNorm1d(5);
        Assert.Equal(1e-5f, layer.Eps);
        Assert.Equal(0.1f, layer.Momentum);
        Assert.All(layer.Weight.Value.ToArray(), v => Assert.Equal(1f, v));
        Assert.All(layer.Bias.Value.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(layer.RunningMean.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(layer.RunningVar.ToArray(), v => Assert.Equal(1f, v));
        var state = layer.StateDict().ToList();
        Assert.Equal(["weight", "bias", "running_mean", "running_var", "num_batches_tracked"], state.Select(e => e.Name));
        Assert.Equal(["weight", "bias"], layer.NamedParameters().Select(p => p.Name));
        var counter = state[4].Data;
        Assert.Equal(DType.I64, counter.DType);
        Assert.Empty(counter.Shape);
        Assert.Equal([0L], counter.Longs!);
    }

    [Fact]
    public void NullMomentumKeepsACumulativeAverage()
    {
        var rng = new Rng(2);
        var layer = new BatchNorm1d(2, momentum: null);
        var x = new Tensor(4, 2);
        double[] meanSum = new double[2], varSum = new double[2];
        for (int step = 0; step < 3; step++)
        {
            rng.FillUniform(x.Span, -1, 3);
            layer.Forward(x);
            for (int j = 0; j < 2; j++)
            {
                double mu = 0, ss = 0;
                for (int i = 0; i < 4; i++) mu += x[i, j];
                mu /= 4;
                for (int i = 0; i < 4; i++) ss += (x[i, j] - mu) * (x[i, j] - mu);
                meanSum[j] += mu;
                varSum[j] += ss / 3; // unbiased
            }
        }
        // PyTorch's momentum=None: factor 1/num_batches_tracked, so the stats are plain averages
        // (the initial running_var of 1 is fully replaced after the first batch).
        Close.Assert(meanSum.Select(s => (float)(s / 3)).ToArray(), layer.RunningMean.Span, "running_mean");
        Close.Assert(varSum.Select(s => (float)(s / 3)).ToArray(), layer.RunningVar.Span, "running_var");
        Assert.Equal(3, layer.NumBatchesTracked);
    }

    [Fact]
    public void BadInputsAreRejected()
    {
        var layer = new BatchNorm1d(3);
        Assert.Contains("expects (N, 3) or (N, 3, L)", Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(4, 2))).Message);
        Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(3)));
        Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(2, 3, 1, 1)));
        Assert.Contains("more than one value per channel",
            Assert.Throws<ArgumentException>(() => layer.Forward(new Tensor(1, 3))).Message);
        Assert.Equal(0, layer.NumBatchesTracked);
        layer.Eval();
        Assert.Equal([1, 3], layer.Forward(new Tensor(1, 3)).Shape); // a single row is fine in eval
        Assert.Throws<ArgumentException>(() => layer.Backward(new Tensor(2, 3)));
        Assert.Throws<InvalidOperationException>(() => new BatchNorm1d(3).Backward(new Tensor(2, 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNorm1d(0));
    }

    [Fact]
    public void BackwardAccumulatesAndCanSkipInputGradient()
    {
        var rng = new Rng(4);
        var layer = new BatchNorm1d(3);
        var x = new Tensor(5, 3, 2);
        var dy = new Tensor(5, 3, 2);
        rng.FillUniform(x.Span, -1, 1);
        rng.FillUniform(dy.Span, -1, 1);
        layer.Forward(x);
        layer.Backward(dy);
        var once = layer.Weight.Grad.ToArray();
        Assert.Null(layer.Backward(dy, needInputGrad: false));
        Close.Assert(once.Select(v => 2 * v).ToArray(), layer.Weight.Grad.Span, "dweight after two backward passes");
    }

    [Fact]
    public void SteadyStateStepAllocatesNothing()
    {
        var rng = new Rng(3);
        var layer = new BatchNorm1d(6);
        var x = new Tensor(8, 6, 3);
        var dy = new Tensor(8, 6, 3);
        rng.FillUniform(x.Span, -1, 1);
        rng.FillUniform(dy.Span, -1, 1);
        for (int i = 0; i < 3; i++) { layer.Forward(x); layer.Backward(dy); }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10; i++) { layer.Forward(x); layer.Backward(dy); }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
