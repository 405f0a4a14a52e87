// Recur's side of the language-model speed benchmark: steady-state training steps (forward, backward,
// clip, Adam) and sampling at batch 1 and 32, on tinyshakespeare, in this process. Prints one JSON line.
using System.Diagnostics;
using System.Text.Json;
using Recur.LanguageModel;
using Recur.Nn;
using Recur.Nn.Losses;
using Recur.Optim;
using Recur.Text;

namespace Recur.Bench;

static class LmBench
{
    public static string Corpus => DataFile("tinyshakespeare.txt");

    static string DataFile(string name) => Environment.GetEnvironmentVariable("RECUR_DATA") is { Length: > 0 } d
        ? Path.Combine(d, name)
        : Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "..", "shared", "data", name);

    /// <summary>
    /// The config's text as ids and its vocabulary: tinyshakespeare's characters, or War and Peace's words, lowercased,
    /// with the config's most frequent Vocab tokens (as `recur train --tokens words --lowercase --max-vocab`).
    /// </summary>
    public static (int[] Ids, Vocabulary Vocab) Text(LmConfig c)
    {
        if (!c.Words)
        {
            var text = TextFile.Read(Corpus, new TextOptions());
            var chars = Vocabulary.FromCharacters(text);
            return (chars.EncodeCharacters(text), chars);
        }
        var words = WordTokenizer.Tokenize(TextFile.Read(DataFile("warpeace.txt"), new TextOptions(Lowercase: true)));
        var vocab = Vocabulary.FromWords(words, c.Vocab);
        return (vocab.EncodeWords(words), vocab);
    }

    /// <summary>Tokens per second of training, steps timed after <paramref name="warmup"/> untimed ones.</summary>
    public static double Train(LmConfig c, double seconds, int warmup = 3)
    {
        var (ids, vocab) = Text(c);
        var model = new CharModel(c.Model with { VocabSize = vocab.Count }, new Rng(1));
        var parameters = new ParameterSet(model);
        var adam = new Adam(parameters, 2e-3);
        var loss = new CrossEntropyLoss();
        var batches = new Batches(ids, Batching.Stateful, c.Batch, c.Seq);
        var state = model.NewState(c.Batch);
        Tensor? dLogits = null;
        int index = 0;
        void Step()
        {
            batches.Fill(index);
            index = (index + 1) % batches.PerEpoch;
            adam.ZeroGrad();
            var logits = model.Forward(batches.Input, c.Seq, c.Batch, state);
            dLogits ??= new Tensor(logits.Shape);
            loss.Forward(logits, batches.Target, dLogits);
            model.Backward(dLogits);
            state.CopyFrom(model.Rnn.FinalState);
            GradClip.ClipByGlobalNorm(parameters, 5);
            adam.Step();
        }
        for (int i = 0; i < warmup; i++) Step();
        long gcBefore = GC.CollectionCount(0);
        var sw = Stopwatch.StartNew();
        int steps = 0;
        while (sw.Elapsed.TotalSeconds < seconds || steps < 2) { Step(); steps++; }
        double tps = (double)steps * c.Batch * c.Seq / sw.Elapsed.TotalSeconds;
        GcCollections = GC.CollectionCount(0) - gcBefore;
        return tps;
    }

    /// <summary>Gen-0 collections during the last measurement's timed region (its "gc0").</summary>
    public static long GcCollections;

    /// <summary>The recurrent layer alone: zero the gradients, forward and backward over (T, N, H) inputs (dX
    /// included), tokens per second; as torch_lm.py's layer(), whose rnn.zero_grad() zeroes them each step.</summary>
    public static double Layer(LmConfig c, double seconds)
    {
        var rng = new Rng(1);
        Recurrent rnn = c.Cell == "lstm" ? new Lstm(c.Hidden, c.Hidden, rng, c.Layers) : new Gru(c.Hidden, c.Hidden, rng, c.Layers);
        var x = new Tensor(c.Seq, c.Batch, c.Hidden); rng.FillUniform(x.Span, -1, 1);
        var dy = new Tensor(c.Seq, c.Batch, c.Hidden); rng.FillUniform(dy.Span, -1, 1);
        var grads = rnn.NamedParameters().Select(p => p.Parameter.Grad).ToArray();
        void Step() { foreach (var g in grads) g.Zero(); rnn.Forward(x); rnn.Backward(dy); }
        for (int i = 0; i < 3; i++) Step();
        long gcBefore = GC.CollectionCount(0);
        var sw = Stopwatch.StartNew();
        int steps = 0;
        while (sw.Elapsed.TotalSeconds < seconds || steps < 3) { Step(); steps++; }
        double tps = (double)steps * c.Batch * c.Seq / sw.Elapsed.TotalSeconds;
        GcCollections = GC.CollectionCount(0) - gcBefore;
        return tps;
    }

    /// <summary>Characters per second of sampling <paramref name="batch"/> streams (temperature 1, no top-k).</summary>
    public static double Sample(LmConfig c, int batch, double seconds)
    {
        // Characters: the vocabulary alone, as torch_lm.py's sample() reads no ids (the peak memory counts what is loaded).
        var vocab = c.Words ? Text(c).Vocab : Vocabulary.FromCharacters(TextFile.Read(Corpus, new TextOptions()));
        var model = new CharModel(c.Model with { VocabSize = vocab.Count }, new Rng(1));
        var sampler = new Sampler(model, vocab);
        var o = new SampleOptions { Prime = c.Words ? "the" : "The ", Length = 50, Count = batch };
        sampler.Generate(o); // warm-up
        long gcBefore = GC.CollectionCount(0);
        var sw = Stopwatch.StartNew();
        long chars = 0;
        while (sw.Elapsed.TotalSeconds < seconds) { sampler.Generate(o with { Length = 2000 }); chars += 2000L * batch; }
        double cps = chars / sw.Elapsed.TotalSeconds;
        GcCollections = GC.CollectionCount(0) - gcBefore;
        return cps;
    }

    /// <summary>Peak resident memory of this process in MB (Linux VmHWM).</summary>
    public static double PeakMb()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:")) return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
        return double.NaN;
    }

    /// <summary>`measure CONFIG train|sample1|sample32`: one measurement, one JSON line.</summary>
    public static void Measure(string config, string what, double seconds, int threads)
    {
        Workers.SetThreads(threads);
        var c = LmConfig.Find(config);
        double rate = what switch
        {
            "train" => Train(c, seconds),
            "layer" => Layer(c, seconds),
            "sample1" => Sample(c, 1, seconds),
            "sample32" => Sample(c, 32, seconds),
            _ => throw new ArgumentException($"unknown measurement '{what}'"),
        };
        Console.WriteLine(JsonSerializer.Serialize(new { config, what, rate, peak_mb = PeakMb(), gc0 = GcCollections }));
    }
}
