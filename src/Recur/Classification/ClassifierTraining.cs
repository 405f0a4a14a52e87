// Training a text classifier as seed 002 does: shuffled batches of 32, σ + BCE (softmax + cross-entropy for
// more than two classes), Adam 0.003, ten epochs;
// plus an optional validation split (held out from the training texts before the vocabulary is built)
// whose best epoch is the one kept, bucketing, max-len and gradient clipping.
// Every random draw comes from the seed: one generator each for the split, the weights and the batch
// order, so a run is bit-identical for a seed whatever the thread count.
using System.Diagnostics;
using Recur.Nn;
using Recur.Nn.Losses;
using Recur.Optim;

namespace Recur.Classification;

/// <summary>What one epoch did. Seconds count the training steps only; validation is timed apart.</summary>
/// <param name="CpuSeconds">Processor time of the whole process (all threads) during the training steps: on a busy
/// machine the wall-clock Seconds include waiting for a core, this does not.</param>
public sealed record ClassifierEpochReport(int Epoch, double TrainLoss, double TrainAccuracy, double? ValAccuracy, double Seconds,
    double CpuSeconds, double ValSeconds, int Texts, long Tokens, long PaddedTokens, bool Best)
{
    /// <summary>Training texts per second of training steps.</summary>
    public double TextsPerSecond => Texts / Seconds;
    /// <summary>Real (unpadded) training tokens per second of training steps.</summary>
    public double TokensPerSecond => Tokens / Seconds;
}

/// <summary>A training run: data prepared once, then one call per epoch.</summary>
public sealed class ClassifierTraining
{
    /// <summary>The settings (validated).</summary>
    public ClassifierTrainConfig Config { get; }
    /// <summary>The classifier being trained: its network, vocabulary, labels and max-len.</summary>
    public Classifier Classifier { get; }
    /// <summary>Texts trained on (after any validation split).</summary>
    public int TrainCount => trainSeqs.Length;
    /// <summary>Texts held out for validation (0 without a split).</summary>
    public int ValCount => valSeqs.Length;
    /// <summary>Real tokens in the training texts (after max-len).</summary>
    public long TrainTokens { get; }
    /// <summary>One report per epoch run so far, in order.</summary>
    public IReadOnlyList<ClassifierEpochReport> History => history;
    /// <summary>The epoch whose weights the model holds after <see cref="Finish"/>: the best on validation, or the last.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>
    /// The mean training loss (BCE or cross-entropy, nats per text) above which an epoch counts as diverged:
    /// 3·ln K for K classes (3·ln 2 for two). Always answering 1/K for each class scores ln K, and a constant
    /// guess at the class balance no more; a mean three times that means confident wrong answers on most texts,
    /// i.e. weights blown up by too high a learning rate (as the language-model trainer stops above 3·ln V).
    /// A whole epoch's mean, not one batch's: one small batch of hard texts can pass the limit in healthy training.
    /// </summary>
    public double DivergenceLimit => 3 * Math.Log(Classifier.Labels.Count);

    string DivergedAdvice => $"lower --lr (now {Config.LearningRate:G4}) or set --clip";

    readonly int[][] trainSeqs, valSeqs;
    readonly float[] trainTargets, valTargets;
    readonly ParameterSet parameters;
    readonly Adam adam;
    readonly BCEWithLogitsLoss loss = new();
    readonly CrossEntropyLoss crossEntropy = new();
    int[] classes = [], predicted = [];
    readonly Rng shuffleRng;
    readonly Batch batch = new();
    readonly List<ClassifierEpochReport> history = [];
    float[]? bestValues;
    double bestAccuracy = double.NegativeInfinity;
    Tensor? targets, dLogits;

    /// <summary>
    /// A run over texts already encoded for <paramref name="classifier"/>'s vocabulary, with its weights as they are:
    /// what <see cref="Prepare"/> ends with. Internal so tests can start from PyTorch's weights and texts.
    /// </summary>
    internal ClassifierTraining(ClassifierTrainConfig config, Classifier classifier, int[][] trainSeqs, float[] trainTargets, int[][] valSeqs, float[] valTargets, Rng shuffleRng)
    {
        (Config, Classifier, this.trainSeqs, this.trainTargets, this.valSeqs, this.valTargets, this.shuffleRng) =
            (config, classifier, trainSeqs, trainTargets, valSeqs, valTargets, shuffleRng);
        TrainTokens = trainSeqs.Sum(s => (long)s.Length);
        parameters = new ParameterSet(classifier.Model);
        adam = new Adam(parameters, config.LearningRate);
    }

    /// <summary>
    /// Splits off the validation texts, tokenizes, builds the vocabulary and label map from the training
    /// texts, and builds the model, with one class per label of the data (<paramref name="model"/>'s
    /// <see cref="ClassifierConfig.Classes"/> is not read). <paramref name="positive"/> chooses the positive label of two; <paramref name="source"/>
    /// (the data's path) names the data in errors. A model or batch too large for one array is an
    /// ArgumentException naming the option, raised before the model is built.
    /// </summary>
    public static ClassifierTraining Prepare(IReadOnlyList<LabeledText> items, ClassifierConfig model, ClassifierTrainConfig config, string? positive = null,
        string? source = null)
    {
        config.Validate();
        model.Validate();
        var labels = LabelMap.FromData(items, positive, source);
        model = model with { Classes = labels.Count };
        var master = new Rng(config.Seed);
        Rng splitRng = master.Fork(), initRng = master.Fork(), shuffleRng = master.Fork();

        int valCount = (int)Math.Round(items.Count * config.ValSplit);
        if (config.ValSplit > 0 && (valCount < 1 || valCount >= items.Count))
            throw new ArgumentException($"a validation split of {config.ValSplit} leaves {valCount} of {items.Count} texts for validation; choose a split that leaves some for each side");
        var order = Enumerable.Range(0, items.Count).ToArray();
        if (valCount > 0) splitRng.Shuffle<int>(order);
        // Validation texts first in the shuffled order; both parts keep the data's order (so a split of 0 is the data as given).
        var valIdx = order[..valCount].Order().ToArray();
        var trainIdx = order[valCount..].Order().ToArray();

        var vocab = ClassifierVocabulary.ReadTexts(items.Select(t => t.Text).ToArray(), trainIdx, config.MinFreq, config.MaxVocab, out var ids);
        int[] Encode(int i) => Classifier.Cut(ids[i], config.MaxLen);
        var targets = labels.Targets(items);
        ModelSize.CheckParameters(model, vocab.Count);
        var trainSeqs = trainIdx.Select(Encode).ToArray();
        var valSeqs = valIdx.Select(Encode).ToArray();
        ModelSize.CheckBatches(model, config, trainSeqs.Select(s => s.Length).ToList(),
            trainSeqs.Concat(valSeqs).Max(s => s.Length));
        var net = new TextClassifier(model, vocab.Count, initRng, config.Padded);
        var classifier = new Classifier(net, vocab, labels, config.MaxLen);
        return new ClassifierTraining(config, classifier,
            trainSeqs, trainIdx.Select(i => targets[i]).ToArray(),
            valSeqs, valIdx.Select(i => targets[i]).ToArray(), shuffleRng);
    }

    /// <summary>
    /// One pass over the training texts, then validation (if any). <paramref name="progress"/> hears the
    /// fraction done and a status line after every step. A cancelled <paramref name="cancel"/> stops the pass
    /// before its next step (OperationCanceledException); the epoch is not recorded, and the weights then
    /// hold its first steps' updates.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A step's loss is not finite, or the epoch's mean loss is over
    /// <see cref="DivergenceLimit"/>; the epoch is not recorded.</exception>
    public ClassifierEpochReport RunEpoch(Action<double, string>? progress = null, CancellationToken cancel = default)
    {
        int epoch = history.Count + 1;
        Classifier.Model.Train();
        var plan = Config.Bucket ? BatchPlan.Bucketed(trainSeqs, Config.BatchSize, shuffleRng) : BatchPlan.Shuffled(trainSeqs.Length, Config.BatchSize, shuffleRng);
        double lossSum = 0;
        long correct = 0, tokens = 0, padded = 0;
        int seen = 0;
        var clock = Stopwatch.StartNew();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        for (int b = 0; b < plan.Count; b++)
        {
            cancel.ThrowIfCancellationRequested();
            var (batchLoss, right, _) = Step(plan[b]);
            int n = batch.Size;
            correct += right;
            lossSum += (double)batchLoss * n;
            seen += n;
            tokens += batch.Tokens;
            padded += (long)batch.Steps * n;
            if (!float.IsFinite(batchLoss))
                throw new TrainingDivergedException($"training diverged in epoch {epoch} at step {b + 1}: the loss is {batchLoss}; {DivergedAdvice}");
            progress?.Invoke((double)(b + 1) / plan.Count,
                $"loss {lossSum / seen:F4} acc {(double)correct / seen:F4} {seen / clock.Elapsed.TotalSeconds:F0} reviews/s");
        }
        double seconds = clock.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
        double meanLoss = lossSum / seen;
        if (!(meanLoss <= DivergenceLimit))
            throw new TrainingDivergedException($"training diverged in epoch {epoch}: its mean loss {meanLoss:G4} is over {DivergenceLimit:F2}, " +
                $"three times {(Classifier.Labels.Count == 2 ? "a coin toss's ln 2" : $"an even guess's ln {Classifier.Labels.Count}")} = " +
                $"{Math.Log(Classifier.Labels.Count):F3}; {DivergedAdvice}");

        double? valAccuracy = null;
        var valClock = Stopwatch.StartNew();
        if (valSeqs.Length > 0)
            valAccuracy = ClassMetrics.Compute(Classifier.Predicted(Classifier.ClassProbabilities(valSeqs)), valTargets, Classifier.Labels.Count).Accuracy;
        double valSeconds = valClock.Elapsed.TotalSeconds;

        // The best epoch: highest validation accuracy (the earlier on a tie); without validation, the last.
        bool best = valAccuracy is not double acc || acc > bestAccuracy;
        if (best)
        {
            BestEpoch = epoch;
            if (valAccuracy is double a)
            {
                bestAccuracy = a;
                bestValues ??= new float[parameters.Length];
                parameters.Values.Span.CopyTo(bestValues);
            }
        }
        var report = new ClassifierEpochReport(epoch, meanLoss, (double)correct / seen, valAccuracy, seconds, cpuSeconds, valSeconds,
            seen, tokens, padded, best);
        history.Add(report);
        return report;
    }

    /// <summary>
    /// One Adam step on the training texts <paramref name="items"/> (indices into the training set, in any
    /// order): returns the batch's mean loss, how many of its texts the model classified right before
    /// the step, and the gradients' global norm before --clip scaled them (0 without --clip, which does
    /// not compute it). RunEpoch's step; tests drive it directly with PyTorch's batches. The model must be in training mode.
    /// </summary>
    internal (float Loss, int Correct, float GradNorm) Step(ReadOnlySpan<int> items)
    {
        var model = Classifier.Model;
        batch.Fill(trainSeqs, trainTargets, items);
        int n = batch.Size, correct = 0;
        adam.ZeroGrad();
        var z = model.Forward(batch);
        int k = model.Config.Outputs;
        var dz = Nn.Workspace.Ensure(ref dLogits, n, k);
        float batchLoss;
        if (k == 1)
        {
            var t = Nn.Workspace.Ensure(ref targets, n, 1);
            batch.Targets.CopyTo(t.Span);
            batchLoss = loss.Forward(z, t, dz);
            for (int i = 0; i < n; i++)
                if ((TextClassifier.Sigmoid(z.Span[i]) >= 0.5f) == (t.Span[i] >= 0.5f)) correct++;
        }
        else
        {
            if (classes.Length < n) (classes, predicted) = (new int[n], new int[n]);
            for (int i = 0; i < n; i++) classes[i] = (int)batch.Targets[i];
            batchLoss = crossEntropy.Forward(z, classes.AsSpan(0, n), dz, predicted.AsSpan(0, n));
            for (int i = 0; i < n; i++)
                if (predicted[i] == classes[i]) correct++;
        }
        model.Backward(dz);
        float norm = Config.Clip is double clip ? GradClip.ClipByGlobalNorm(parameters, clip) : 0f;
        adam.Step();
        return (batchLoss, correct, norm);
    }

    /// <summary>
    /// Puts the best epoch's weights back (with validation); the model is then in evaluation mode. A later
    /// <see cref="RunEpoch"/> trains on from these weights, with Adam's moments as the last epoch left them.
    /// </summary>
    public void Finish()
    {
        if (bestValues != null) parameters.Values.CopyFrom(bestValues);
        Classifier.Model.Eval();
    }

    /// <summary>Metadata a model file keeps about its training: the config, the history, the best epoch.</summary>
    public Dictionary<string, string> TrainingMetadata() => new()
    {
        ["training"] = Config.ToJson(),
        ["best_epoch"] = BestEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["history"] = System.Text.Json.JsonSerializer.Serialize(history.Select(h => new Dictionary<string, object?>
        {
            ["epoch"] = h.Epoch, ["train_loss"] = h.TrainLoss, ["train_accuracy"] = h.TrainAccuracy,
            ["val_accuracy"] = h.ValAccuracy, ["seconds"] = h.Seconds, ["cpu_seconds"] = h.CpuSeconds,
        })),
    };
}
