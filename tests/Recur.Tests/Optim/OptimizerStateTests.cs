// Checkpoint behaviour and hot-loop hygiene: a run stopped mid-way, saved (through a safetensors
// file image) and resumed into fresh objects continues bit for bit; bad state is refused before
// anything is written; Step allocates nothing.
using Recur.IO;
using Recur.Nn;
using Recur.Optim;
using Recur.Tests.Support;

namespace Recur.Tests.Optim;

public class OptimizerStateTests
{
    public static IEnumerable<object[]> Cases() => OptimizerReferenceTests.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void ResumedRunContinuesBitIdentically(string name)
    {
        var c = ReferenceCase.Load(name);
        int steps = c.Int("steps"), stopAt = 4;

        var whole = OptimReference.Parameters(c);
        var wholeOpt = OptimReference.Optimizer(c, whole);
        var wholeSched = OptimReference.Scheduler(c, wholeOpt);
        for (int k = 0; k < steps; k++) { OptimReference.SetGrads(c, whole, k); wholeOpt.Step(); wholeSched?.Step(); }

        var first = OptimReference.Parameters(c);
        var firstOpt = OptimReference.Optimizer(c, first);
        var firstSched = OptimReference.Scheduler(c, firstOpt);
        for (int k = 0; k < stopAt; k++) { OptimReference.SetGrads(c, first, k); firstOpt.Step(); firstSched?.Step(); }
        var optState = RoundTrip(firstOpt.State());
        var schedState = firstSched != null ? RoundTrip(firstSched.State()) : null;
        var values = first.Values.ToArray();

        // A fresh process: parameters from the checkpoint, optimizer and schedule built from the config, then loaded.
        var resumed = OptimReference.Parameters(c);
        resumed.Values.CopyFrom(values);
        var resumedOpt = OptimReference.Optimizer(c, resumed);
        var resumedSched = OptimReference.Scheduler(c, resumedOpt);
        resumedOpt.LoadState(optState);
        if (resumedSched != null) resumedSched.LoadState(schedState!);
        Assert.Equal(stopAt, resumedOpt.StepCount);
        Assert.Equal(firstOpt.LearningRate, resumedOpt.LearningRate);
        for (int k = stopAt; k < steps; k++) { OptimReference.SetGrads(c, resumed, k); resumedOpt.Step(); resumedSched?.Step(); }

        Close.Exact(whole.Values.Span, resumed.Values.Span, $"{name} resumed parameters");
        foreach (var (key, data) in wholeOpt.State().Where(s => s.Name != "step"))
            Close.Exact(data.Floats, resumedOpt.State().Single(s => s.Name == key).Data.Floats, $"{name} resumed {key}");
    }

    [Fact]
    public void StateIsACopyNamedAfterParameters()
    {
        var set = TwoParameters();
        var adam = new Adam(set, lr: 0.1, amsgrad: true);
        set.Grads.Span.Fill(1f);
        adam.Step();
        var state = adam.State().ToList();
        Assert.Equal(["step", "exp_avg.w", "exp_avg.b", "exp_avg_sq.w", "exp_avg_sq.b", "max_exp_avg_sq.w", "max_exp_avg_sq.b"],
            state.Select(s => s.Name));
        Assert.Equal([2, 3], state[1].Data.Shape);
        float before = state[1].Data.Floats![0];
        adam.Step();
        Assert.Equal(before, state[1].Data.Floats![0]); // exported data does not track later steps
        Assert.Equal(2, adam.State().First().Data.Longs![0]);
    }

    [Fact]
    public void BadStateIsRefusedBeforeAnythingIsWritten()
    {
        var set = TwoParameters();
        var sgd = new Sgd(set, lr: 0.1, momentum: 0.9);
        set.Grads.Span.Fill(1f);
        sgd.Step();
        var good = sgd.State().ToDictionary(s => s.Name, s => s.Data);

        var target = new Sgd(TwoParameters(), lr: 0.1, momentum: 0.9);
        var missing = new Dictionary<string, TensorData>(good); missing.Remove("momentum_buffer.b");
        var extra = new Dictionary<string, TensorData>(good) { ["exp_avg.w"] = good["momentum_buffer.w"] };
        var badShape = new Dictionary<string, TensorData>(good) { ["momentum_buffer.w"] = new TensorData(new float[6], 3, 2) };
        var badStep = new Dictionary<string, TensorData>(good) { ["step"] = new TensorData(new float[1], 1) };
        foreach (var (what, state) in new[] { ("missing", missing), ("unexpected", extra), ("shape", badShape), ("step", badStep) })
        {
            var e = Assert.Throws<FormatException>(() => target.LoadState(state));
            if (what != "step") Assert.StartsWith("optimizer state does not fit this sgd optimizer: ", e.Message);   // not the class name, "Sgd"
            Assert.Contains(what == "missing" ? "missing 'momentum_buffer.b'" : what == "unexpected" ? "unexpected 'exp_avg.w'" :
                what == "shape" ? "momentum_buffer.w" : "'step'", e.Message);
            Assert.Equal(0, target.StepCount);
            Assert.All(target.State().Skip(1), s => Assert.All(s.Data.Floats!, v => Assert.Equal(0f, v)));
        }
    }

    [Fact]
    public void StepAllocatesNothing()
    {
        Optimizer[] optimizers =
        [
            new Adam(TwoParameters(), amsgrad: true, weightDecay: 0.1), new AdamW(TwoParameters()),
            new Sgd(TwoParameters(), lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1),
            new RmsProp(TwoParameters(), momentum: 0.9, centered: true, weightDecay: 0.1),
        ];
        foreach (var opt in optimizers)
        {
            opt.Parameters.Grads.Span.Fill(0.5f);
            var schedule = new StepLr(opt, stepSize: 2, gamma: 0.5);
            for (int i = 0; i < 3; i++) { opt.Step(); schedule.Step(); GradClip.ClipByGlobalNorm(opt.Parameters, 1.0); }
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 5; i++)
            {
                GradClip.ClipByGlobalNorm(opt.Parameters, 1.0);
                GradClip.ClipByValue(opt.Parameters, 0.5f);
                opt.Step();
                schedule.Step();
                opt.ZeroGrad();
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated == 0, $"{opt.GetType().Name}: steps allocated {allocated} bytes");
        }
    }

    [Fact]
    public void SettingsAreCheckedAsPyTorchChecksThem()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(TwoParameters(), lr: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(TwoParameters(), beta1: 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(TwoParameters(), eps: -1e-8));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(TwoParameters(), lr: 0.1, momentum: -0.5));
        Assert.Throws<ArgumentException>(() => new Sgd(TwoParameters(), lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Sgd(TwoParameters(), lr: 0.1, nesterov: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(TwoParameters(), alpha: -0.1));
        var adam = new Adam(TwoParameters());
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = -0.1);
        Assert.Equal(1e-2, new AdamW(TwoParameters()).WeightDecay);
        Assert.Equal(0.99, new RmsProp(TwoParameters()).Alpha);
    }

    [Fact]
    public void GradientsAreNotChangedByStep()
    {
        foreach (var make in new Func<ParameterSet, Optimizer>[]
                 { s => new Adam(s, weightDecay: 0.1), s => new Sgd(s, 0.1, 0.9, weightDecay: 0.1), s => new RmsProp(s, weightDecay: 0.1, centered: true) })
        {
            var set = TwoParameters();
            new Rng(5).FillNormal(set.Grads.Span, 0, 1);
            var grads = set.Grads.ToArray();
            make(set).Step();
            Close.Exact(grads, set.Grads.Span, "gradients after a step");
        }
    }

    /// <summary>"w" (2, 3) and "b" (3), seeded.</summary>
    static ParameterSet TwoParameters()
    {
        var w = new Parameter("w", 2, 3);
        var b = new Parameter("b", 3);
        var rng = new Rng(11);
        rng.FillNormal(w.Value.Span, 0, 1);
        rng.FillNormal(b.Value.Span, 0, 1);
        return new ParameterSet([("w", w), ("b", b)]);
    }

    /// <summary>Through a safetensors file image, as a checkpoint would travel.</summary>
    static Dictionary<string, TensorData> RoundTrip(IEnumerable<(string Name, TensorData Data)> state)
    {
        using var stream = new MemoryStream();
        Safetensors.Write(stream, state);
        stream.Position = 0;
        return Safetensors.Read(stream).Tensors.ToDictionary(kv => kv.Key, kv => kv.Value);
    }
}
