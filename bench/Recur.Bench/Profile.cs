// Where a training step's time goes, phase by phase (forward RNN, output layer, loss, backward, clip,
// optimizer), for one benchmark configuration. Run on a quiet machine; proportions are what matter.
using System.Diagnostics;
using Recur.LanguageModel;
using Recur.Nn;
using Recur.Nn.Losses;
using Recur.Optim;
using Recur.Text;

namespace Recur.Bench;

static class Profile
{
    /// <param name="outputs">0, or an output layer this wide (a wider vocabulary than the config's; the targets stay
    /// the corpus's tokens, which changes no timing).</param>
    public static void Run(string config, int steps, int threads, int outputs = 0)
    {
        Workers.SetThreads(threads);
        var c = LmConfig.Find(config);
        // The config's own text: tinyshakespeare's characters, or a word config's War and Peace words.
        var (ids, vocab) = LmBench.Text(c);
        c = c with { Vocab = Math.Max(outputs, vocab.Count) };
        var model = new CharModel(c.Model, new Rng(1));
        var parameters = new ParameterSet(model);
        var adam = new Adam(parameters, 2e-3);
        var loss = new CrossEntropyLoss();
        var batches = new Batches(ids, Batching.Stateful, c.Batch, c.Seq);
        var state = model.NewState(c.Batch);
        var times = new Dictionary<string, double>();
        var sw = new Stopwatch();
        var bytes = new Dictionary<string, long>();
        void Phase(string name, Action a)
        {
            long b0 = GC.GetTotalAllocatedBytes(precise: true);
            sw.Restart();
            a();
            times[name] = times.GetValueOrDefault(name) + sw.Elapsed.TotalMilliseconds;
            bytes[name] = bytes.GetValueOrDefault(name) + GC.GetTotalAllocatedBytes(precise: true) - b0;
        }
        Tensor? logits = null, dLogits = null, hidden = null, dHidden = null;
        var predicted = new int[c.Batch * c.Seq];
        for (int s = 0; s < steps + 2; s++)
        {
            if (s == 2) { times.Clear(); bytes.Clear(); }
            batches.Fill(s % batches.PerEpoch);
            Phase("zero grad", adam.ZeroGrad);
            Phase("rnn forward", () => hidden = c.Embed > 0
                ? model.Rnn.Forward(model.Embedding!.Forward(batches.Input, c.Seq, c.Batch), default, state)
                : model.Rnn.ForwardTokens(batches.Input, c.Seq, c.Batch, default, state));
            Phase("fc forward", () => logits = model.Fc.Forward(hidden!));
            // As the trainer: the loss also gives each row's most likely token, counted for the accuracy.
            Phase("loss, accuracy", () =>
            {
                dLogits ??= new Tensor(logits!.Shape);
                loss.Forward(logits!, batches.Target, dLogits, predicted);
                Predictions.Correct(predicted, batches.Target);
                Predictions.Correct(predicted, batches.Target, (c.Seq - 1) * c.Batch);
            });
            Phase("fc backward", () => dHidden = model.Fc.Backward(dLogits!));
            Phase("rnn backward", () =>
            {
                var dx = model.Rnn.Backward(dHidden!, null, needInputGrad: c.Embed > 0);
                if (c.Embed > 0) model.Embedding!.Backward(dx!);
            });
            Phase("carry state", () => state.CopyFrom(model.Rnn.FinalState));
            Phase("clip", () => GradClip.ClipByGlobalNorm(parameters, 5));
            Phase("adam", adam.Step);
        }
        double total = times.Values.Sum();
        Console.WriteLine($"{config}, {c.Vocab} outputs, {threads} threads, {steps} steps: {total / steps:0.0} ms/step, {c.Batch * c.Seq * steps / total * 1000:N0} tokens/s, {c.TrainFlopsPerToken * c.Batch * c.Seq * steps / total / 1e6:0.0} GFLOP/s");
        foreach (var (name, ms) in times) Console.WriteLine($"  {name,-15} {ms / steps,8:0.00} ms  {ms / total,6:P1}  {bytes[name] / steps,8} bytes allocated/step");
    }
}
