// Learning-rate schedules: PyTorch's lr sequence (from the reference cases, exact doubles) is covered
// by OptimizerReferenceTests; here the semantics by hand and the checkpoint replay.
using Recur.IO;
using Recur.Nn;
using Recur.Optim;

namespace Recur.Tests.Optim;

public class LrSchedulerTests
{
    [Fact]
    public void StepLrDecaysEveryStepSizeSteps()
    {
        var opt = new Sgd(OneParameter(), lr: 1.0);
        var s = new StepLr(opt, stepSize: 2, gamma: 0.5);
        Assert.Equal(0, s.LastEpoch);
        Assert.Equal(1.0, opt.LearningRate); // constructing a schedule leaves lr alone, as PyTorch's does
        var lrs = new List<double>();
        for (int i = 0; i < 6; i++) { s.Step(); lrs.Add(s.LastLr); }
        Assert.Equal([1.0, 0.5, 0.5, 0.25, 0.25, 0.125], lrs);
        Assert.Equal(6, s.LastEpoch);
    }

    [Fact]
    public void ExponentialLrDecaysEveryStep()
    {
        var opt = new Adam(OneParameter(), lr: 0.1);
        var s = new ExponentialLr(opt, gamma: 0.9);
        double expected = 0.1;
        for (int i = 0; i < 5; i++)
        {
            s.Step();
            expected *= 0.9;
            Assert.Equal(expected, opt.LearningRate);
        }
    }

    [Fact]
    public void LoadStateReplaysTheSameDoubles()
    {
        var opt = new Sgd(OneParameter(), lr: 0.07);
        var s = new StepLr(opt, stepSize: 3, gamma: 0.3);
        for (int i = 0; i < 10; i++) s.Step();
        var state = s.State().ToDictionary(x => x.Name, x => x.Data);
        Assert.Equal(10, state["last_epoch"].Longs![0]);

        var opt2 = new Sgd(OneParameter(), lr: 0.07);
        var s2 = new StepLr(opt2, stepSize: 3, gamma: 0.3);
        s2.LoadState(state);
        Assert.Equal(opt.LearningRate, opt2.LearningRate);
        Assert.Equal(10, s2.LastEpoch);
        s.Step(); s2.Step();
        Assert.Equal(opt.LearningRate, opt2.LearningRate);

        Assert.Throws<FormatException>(() => s2.LoadState(new Dictionary<string, TensorData>()));
        Assert.Throws<FormatException>(() => s2.LoadState(new Dictionary<string, TensorData>
            { ["last_epoch"] = new TensorData([3L]), ["other"] = new TensorData([1L]) }));
    }

    [Fact]
    public void StepSizeMustBePositive()
    {
        foreach (int size in new[] { 0, -3 })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new StepLr(new Sgd(OneParameter(), 0.1), size));
            Assert.Equal("stepSize", e.ParamName);
            Assert.Contains($"step size must be at least 1, the steps between decays (got {size})", e.Message);
        }
    }

    // A gamma of 0 trained on at lr 0 without a word, NaN or infinity poisoned the weights, and a negative one
    // failed only at the optimizer's next step; each is refused when the schedule is made, saying what is allowed.
    [Theory]
    [InlineData(0.0)]
    [InlineData(-0.5)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void GammaMustBeFiniteAndPositive(double gamma)
    {
        foreach (Func<Optimizer, LrScheduler> make in new Func<Optimizer, LrScheduler>[] { o => new ExponentialLr(o, gamma), o => new StepLr(o, 2, gamma) })
        {
            var opt = new Sgd(OneParameter(), lr: 0.1);
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => make(opt));
            Assert.Equal("gamma", e.ParamName);
            Assert.Contains($"gamma must be a finite number > 0, the factor the learning rate is multiplied by (got {gamma})", e.Message);
            Assert.Equal(0.1, opt.LearningRate);
        }
        // Above 1 grows the rate, as PyTorch allows (a learning-rate range test uses it).
        Assert.Equal(1.5, new ExponentialLr(new Sgd(OneParameter(), 0.1), 1.5).Gamma);
        Assert.Equal(1e-300, new StepLr(new Sgd(OneParameter(), 0.1), 1, 1e-300).Gamma);
    }

    static ParameterSet OneParameter() => new([("x", new Parameter("x", 3))]);
}
