// Steady state allocates nothing: after warm-up, training steps and sampling steps leave the managed
// heap untouched (all threads counted), so the GC never runs during training.
using Recur.LanguageModel;
using Recur.Tests.Support;
using Recur.Text;

namespace Recur.Tests.LanguageModel;

[Collection("allocation")] // measured alone: other tests' threads would allocate meanwhile
public class AllocationTests
{
    [Theory]
    [InlineData("lstm", 0, Batching.Stateful)]
    [InlineData("gru", 16, Batching.Windows)]
    public void TrainingStepsAllocateNothing(string cell, int embed, Batching batching)
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(20000));
        var config = new TrainConfig { Corpus = [corpus], Batching = batching, Batch = 16, Seq = 20, Steps = 1000 };
        var run = TrainingRun.Create(dir.File("run"), new ModelConfig { Cell = cell, Layers = 2, Hidden = 64, Embed = embed, Dropout = 0.1f }, config, new TextOptions());
        for (int i = 0; i < 40; i++) run.Step(); // past the JIT's tiering, which allocates on other threads
        int collections = GC.CollectionCount(0);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) run.Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated == 0, $"20 training steps allocated {allocated} bytes");
        if (!GcNoise.On) Assert.Equal(collections, GC.CollectionCount(0));
    }

    [Fact]
    public void SamplingStepsAllocateNothing()
    {
        using var dir = new TempDir();
        string corpus = dir.Write("c.txt", TempDir.Corpus(4000));
        var config = new TrainConfig { Corpus = [corpus], Batch = 8, Seq = 16, Steps = 2, EvalEvery = 2, CheckpointEvery = 2 };
        Trainer.Run(TrainingRun.Create(dir.File("run"), new ModelConfig { Hidden = 32, Layers = 2 }, config, new TextOptions()));
        var m = LanguageModelFile.Load(dir.File("run"));
        var sampler = new Sampler(m.Model, m.Vocabulary);
        var options = new SampleOptions { Prime = "the", Length = 50, Count = 3, TopK = 5 };
        sampler.Generate(options);
        long Measure(int length)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            sampler.Generate(options with { Length = length });
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Measure(550);
        long shortRun = Measure(50), longRun = Measure(550);
        // The per-call setup and the text may allocate; the steps must not. 500 more characters per sample
        // cost 3 samples × (builder room for 2 chars per step + the final string) × 2 bytes per char.
        long text = 3 * (2 * 500 + 500) * 2;
        Assert.True(longRun - shortRun <= text + 256, $"500 more sampling steps allocated {longRun - shortRun - text} bytes beyond the text itself");
    }
}

[CollectionDefinition("allocation", DisableParallelization = true)]
public class AllocationCollection;
