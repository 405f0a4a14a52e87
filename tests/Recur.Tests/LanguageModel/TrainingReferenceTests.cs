// Whole training steps of the language model against PyTorch (tools/reference/training.py). The layers,
// the loss, clipping and the optimizers are each checked alone elsewhere; this checks their composition
// as `recur train` runs it: a run started with --init-from a model file holding PyTorch's initial weights
// trains on the same text through Trainer.Run, and every step's loss, gradient norm before clipping and
// learning rate, and every weight after the last step, match PyTorch's. The cases cover stateful batches
// over more than one epoch (the carried, detached state and its reset, --lr-decay), one-hot input, a clip
// that acts on some steps and not others, a tied output layer, and each optimizer.
using Recur.IO;
using Recur.LanguageModel;
using Recur.Tests.Support;
using Recur.Text;
using Xunit.Abstractions;

namespace Recur.Tests.LanguageModel;

public class TrainingReferenceTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Cases() => ReferenceCase.Names("training_");

    // Tolerances. Recur does the same float32 work as PyTorch in another order (GEMM blocking, fused gates,
    // the clip's norm summed in double), so each step's gradient differs by a few ulps, and K steps carry
    // those differences forward in the weights. Measured over these cases: losses and gradient norms within
    // 2e-7 relative, weights within 1e-6 absolute. The bounds leave room for other SIMD widths and kernels
    // (losses 1e-5 relative; weights 1e-4 relative or 1e-5 absolute near zero, where Adam's and RMSprop's
    // m / √v enlarges a relative difference in a near-zero gradient) and stay far below what a wrong step
    // does: a state not carried or not reset, a clip not applied or a missed lr decay moves the losses or
    // weights by 1e-3 or more.
    const float LossRtol = 1e-5f, WeightRtol = 1e-4f, WeightAtol = 1e-5f;

    [Theory, MemberData(nameof(Cases))]
    public void StepsMatchPyTorch(string name)
    {
        var rc = ReferenceCase.Load(name);
        using var dir = new TempDir();
        string text = rc.Str("text");
        var run = TrainingRun.FineTune(dir.File("run"), LanguageModelFile.Load(StartingModel(rc, text, dir)), new TrainConfig
        {
            Corpus = [dir.Write("text.txt", text)], ValFrac = 0, Batch = rc.Int("batch"), Seq = rc.Int("seq"),
            Optimizer = rc.Str("optimizer"), Lr = rc.Double("lr"), WeightDecay = rc.Double("weight_decay"),
            LrDecay = rc.Double("lr_decay"), Clip = rc.Double("clip"), Steps = rc.Int("steps"), Keep = 0,
        });
        Assert.Equal(rc.GetInts("tokens"), run.Corpus.Train);   // the same ids: the vocabulary is PyTorch's too

        var steps = new StepRecorder();
        var outcome = Trainer.Run(run, steps);
        Assert.Equal(TrainStop.Budget, outcome.Stop);
        Assert.Equal(rc.Int("steps"), steps.Losses.Count);

        var losses = rc.Get("losses").ToArray();
        var norms = rc.Get("grad_norms").ToArray();
        var final = run.Model.StateDict().ToDictionary(p => p.Name, p => p.Data.Floats!);
        output.WriteLine($"{name}: loss max rel diff {MaxRelative(losses, [.. steps.Losses]):E2}, " +
            $"grad norm {MaxRelative(norms, [.. steps.Norms]):E2}, weights max abs diff " +
            $"{final.Max(kv => MaxAbsolute(rc.Get("final." + kv.Key).ToArray(), kv.Value)):E2}");
        Close.Assert(losses, [.. steps.Losses], $"{name} losses", atol: 0, rtol: LossRtol);
        Close.Assert(norms, [.. steps.Norms], $"{name} gradient norms before clipping", atol: 0, rtol: LossRtol);
        Close.Assert(rc.Get("lr_after").ToArray(), [.. steps.LearningRates], $"{name} learning rates", atol: 0, rtol: 1e-6f);
        Assert.Equal(rc.Tensors.Keys.Where(k => k.StartsWith("final.")).Select(k => k["final.".Length..]).Order(), final.Keys.Order());
        foreach (var (param, values) in final)
            Close.Assert(rc.Get("final." + param).Span, values, $"{name} {param} after {steps.Losses.Count} steps", WeightAtol, WeightRtol);
    }

    /// <summary>A Recur model file holding PyTorch's initial weights, as `recur train --init-from` reads one.</summary>
    static string StartingModel(ReferenceCase rc, string text, TempDir dir)
    {
        var model = TokenModel.Create(new ModelConfig
        {
            Cell = rc.Str("cell"), Layers = rc.Int("layers"), Hidden = rc.Int("hidden"), Embed = rc.Int("embed"),
            Tie = rc.Bool("tie"), VocabSize = rc.Int("vocab_size"),
        }, new Rng(0));
        model.LoadStateDict(rc.Tensors.Where(kv => kv.Key.StartsWith("init.")).ToDictionary(kv => kv.Key["init.".Length..], kv => kv.Value), strict: true);
        string path = dir.File("start.safetensors");
        ModelFile.Save(path, model, new Dictionary<string, string>
        {
            ["recur.config"] = model.Config.ToJson(), ["recur.vocab"] = Vocabulary.FromCharacters(text).ToJson(),
        });
        return path;
    }

    static double MaxRelative(float[] expected, float[] actual) => expected.Zip(actual, (e, a) => Math.Abs((double)a - e) / Math.Abs(e)).Max();
    static double MaxAbsolute(float[] expected, float[] actual) => expected.Zip(actual, (e, a) => Math.Abs((double)a - e)).Max();

    /// <summary>What each step left behind, read as Trainer.Run reports the step (the other reports: the interface's no-ops).</summary>
    sealed class StepRecorder : ITrainingMonitor
    {
        public List<float> Losses { get; } = [];
        public List<float> Norms { get; } = [];
        public List<float> LearningRates { get; } = [];

        public void Stepped(TrainingRun run, float loss, double tokensPerSecond, double fractionDone)
        {
            Losses.Add(loss);
            Norms.Add(run.LastGradientNorm);
            LearningRates.Add((float)run.LearningRate);
        }
    }
}
