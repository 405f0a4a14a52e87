// recur numbers, and word mode end to end: train --tokens words with --val-file and the seed's recurrence,
// eval --continuation --json, info and sample in word mode, exact resume through the tool, and bad
// input as one clear line.
using System.Diagnostics;
using System.Text.Json;
using Recur.IO;
using Recur.Tests.Support;

namespace Recur.Tests.Cli;

public class WordCliTests
{
    static readonly string[] Small = ["--tokens", "words", "--hidden", "16", "--batch", "8", "--seq", "20", "--eval-every", "10", "--checkpoint-every", "10", "--lr", "0.01"];

    static RecurResult Numbers(TempDir tmp)
    {
        var r = RecurProcess.Run("numbers", "-o", tmp.File("numbers"));
        Assert.Equal(0, r.ExitCode);
        return r;
    }

    [Fact]
    public void NumbersWritesTheSeedsSplit()
    {
        using var tmp = new TempDir();
        var r = Numbers(tmp);
        string train = File.ReadAllText(tmp.File("numbers/train.txt")), valid = File.ReadAllText(tmp.File("numbers/valid.txt"));
        Assert.StartsWith("one , two , three , four , five , six , seven , eight , nine , ten , eleven , twelve , thirteen , fourteen , fifteen , ", train);
        Assert.Contains(" , one thousand three hundred twelve , ", train);
        Assert.EndsWith(" , seven thousand nine hundred ninety nine , eight thousand\n", train);
        Assert.StartsWith("eight thousand one , eight thousand two , ", valid);
        Assert.EndsWith(" , nine thousand nine hundred ninety nine\n", valid);
        Assert.Equal(8000, train.Split(" , ").Length);
        Assert.Equal(1999, valid.Split(" , ").Length);
        Assert.Single(train.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("train.txt", r.Out);

        // A valid.txt of the user's is refused before anything is written: no train.txt appears beside it.
        string other = tmp.File("other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "valid.txt"), "my own text\n");
        RecurProcess.Run("numbers", "-o", other).AssertCleanError("valid.txt already exists and holds other text");
        Assert.False(File.Exists(Path.Combine(other, "train.txt")), "a refused numbers -o left a new train.txt");
        Assert.Equal("my own text\n", File.ReadAllText(Path.Combine(other, "valid.txt")));

        // A stdout that fails (Linux's /dev/full) fails the first line printed: both files are written by then
        // (it once printed between the two writes, leaving train.txt without valid.txt), and a second run still works.
        if (File.Exists("/dev/full"))
        {
            string full = tmp.File("full");
            var shell = new ProcessStartInfo("bash") { RedirectStandardError = true, UseShellExecute = false };
            shell.ArgumentList.Add("-c");
            shell.ArgumentList.Add($"dotnet '{Path.Combine(AppContext.BaseDirectory, "recur.dll")}' numbers -o '{full}' > /dev/full");
            using (var p = Process.Start(shell)!)
            {
                string err = p.StandardError.ReadToEnd();
                p.WaitForExit();
                Assert.Equal(1, p.ExitCode);
                Assert.Equal("recur: error: cannot write to standard output: No space left on device", err.Trim());
            }
            Assert.Equal(train, File.ReadAllText(Path.Combine(full, "train.txt")));
            Assert.Equal(valid, File.ReadAllText(Path.Combine(full, "valid.txt")));
            Assert.Equal(0, RecurProcess.Run("numbers", "-o", full).ExitCode);
        }
    }

    [Fact]
    public void SeedRecurrenceTrainsEvaluatesContinuesAndSamplesWords()
    {
        using var tmp = new TempDir();
        Numbers(tmp);
        string train = tmp.File("numbers/train.txt"), valid = tmp.File("numbers/valid.txt"), run = tmp.File("run");
        var t = RecurProcess.Run(["train", train, "--val-file", valid, "--cell", "loop", "-o", run, "--steps", "20", "--json", .. Small]);
        Assert.Equal(0, t.ExitCode);
        var summary = JsonDocument.Parse(t.Out).RootElement;
        Assert.InRange(summary.GetProperty("val_last_token_accuracy").GetDouble(), 0, 1);
        double bestValLoss = summary.GetProperty("best_val_loss").GetDouble();
        Assert.Equal(Math.Exp(bestValLoss), summary.GetProperty("best_val_perplexity").GetDouble(), 9);   // e^loss: words, not bits
        Assert.Contains("nats/word", t.Err);
        foreach (var plot in new[] { "loss.png", "loss.svg", "accuracy.png", "accuracy.svg" }) Assert.True(File.Exists(Path.Combine(run, plot)), plot);
        PlotText.Contains(Path.Combine(run, "accuracy.svg"), "validation, last token", t);
        var names = ModelFile.Load(Path.Combine(run, "model.safetensors")).Tensors.Keys;
        Assert.Contains("i_h.weight", names);
        Assert.Contains("bn.running_var", names);

        // Evaluated as training validated it (the same 8 streams, 20-token windows), eval measures the same numbers.
        var same = JsonDocument.Parse(RecurProcess.Run("eval", run, valid, "--batch", "8", "--seq", "20", "--json").Out).RootElement;
        Assert.Equal(bestValLoss, same.GetProperty("loss").GetDouble());
        Assert.Equal(summary.GetProperty("val_token_accuracy").GetDouble(), same.GetProperty("token_accuracy").GetDouble());
        Assert.Equal(summary.GetProperty("val_last_token_accuracy").GetDouble(), same.GetProperty("last_token_accuracy").GetDouble());

        var e = RecurProcess.Run("eval", run, valid, "--seq", "70", "--continuation", "20", "--json");
        Assert.Equal(0, e.ExitCode);
        var ev = JsonDocument.Parse(e.Out).RootElement;
        foreach (var key in new[] { "last_token_accuracy", "token_accuracy", "exact_continuation", "loss", "perplexity" })
            Assert.True(ev.TryGetProperty(key, out _), key);
        Assert.Equal(Math.Exp(ev.GetProperty("loss").GetDouble()), ev.GetProperty("perplexity").GetDouble(), 9);
        Assert.Equal(13017 / 20 - 1, ev.GetProperty("continuations").GetInt32());
        Assert.Equal(0, ev.GetProperty("unknown").GetInt32());

        var i = RecurProcess.Run("info", run, "--json");
        Assert.Equal(0, i.ExitCode);
        var config = JsonDocument.Parse(i.Out).RootElement.GetProperty("config");
        Assert.Equal("loop", config.GetProperty("cell").GetString());
        Assert.Equal("words", config.GetProperty("tokens").GetString());
        Assert.Equal(1, config.GetProperty("layers").GetInt32());
        Assert.Equal(16, config.GetProperty("embed").GetInt32());

        const string prime = "one thousand three hundred twelve ,";
        var s = RecurProcess.Run("sample", run, "--prime", prime, "--length", "40", "--seed", "3");
        Assert.Equal(0, s.ExitCode);
        Assert.StartsWith(prime, s.Out);
        string generated = s.Out[prime.Length..^1];           // the tool ends the sample with a newline
        Assert.DoesNotContain(" ,", generated);                 // no space before a comma
        Assert.DoesNotContain("<eos>", generated);
        Assert.Equal(40, Recur.Text.WordTokenizer.Tokenize(generated.Replace("<unk>", "unk")).Count);   // <unk> prints as itself
    }

    [Fact]
    public void WordRunResumesExactlyThroughTheTool()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(6000));
        string whole = tmp.File("whole"), part = tmp.File("part");
        string[] extra = ["--cell", "gru", "--embed", "8", "--max-vocab", "20", "--dropout", "0.1", "--seed", "4", .. Small];
        Assert.Equal(0, RecurProcess.Run(["train", corpus, "-o", whole, "--steps", "30", .. extra]).ExitCode);
        Assert.Equal(0, RecurProcess.Run(["train", corpus, "-o", part, "--steps", "12", .. extra]).ExitCode);
        RecurProcess.Run("train", "--resume", part, "--tokens", "chars").AssertCleanError("contradicts the saved run");
        RecurProcess.Run("train", "--resume", part, "--max-vocab", "30").AssertCleanError("contradicts the saved run");
        RecurProcess.Run("train", "--resume", part, "--val-file", corpus).AssertCleanError("--val-file");
        Assert.Equal(0, RecurProcess.Run("train", "--resume", part, "--steps", "30", "--tokens", "words").ExitCode);
        var a = ModelFile.Load(Path.Combine(whole, "state.safetensors")).Tensors;
        var b = ModelFile.Load(Path.Combine(part, "state.safetensors")).Tensors;
        foreach (var (name, data) in a.Where(kv => kv.Key.StartsWith("model.") || kv.Key.StartsWith("history.")))
            Assert.True(data.Floats!.AsSpan().SequenceEqual(b[name].Floats), $"{name} differs after resume");
        Assert.Equal(20, JsonDocument.Parse(RecurProcess.Run("info", whole, "--json").Out).RootElement.GetProperty("vocab").GetArrayLength());
    }

    // The fourth audit: fine-tuning a one-hot word model of 1,000 words or more advised "an embedding (--embed N)",
    // an option --init-from refuses (the model keeps its architecture).
    [Fact]
    public void TheOneHotNoteAdvisesAnEmbeddingOnlyToANewRun()
    {
        using var tmp = new TempDir();
        var words = new System.Text.StringBuilder();
        for (int i = 0; i < 3000; i++) words.Append('w').Append(i % 1100).Append(i % 12 == 11 ? '\n' : ' ');
        string corpus = tmp.Write("w.txt", words.ToString());
        string[] tiny = ["--steps", "1", "--batch", "2", "--seq", "4", "--val-frac", "0.05"];
        var fresh = RecurProcess.Run(["train", corpus, "-o", tmp.File("run"), "--tokens", "words", "--hidden", "8", "--layers", "1", .. tiny]);
        Assert.True(fresh.ExitCode == 0, fresh.Err);
        Assert.Contains("note: one-hot input of", fresh.Out);
        Assert.Contains("an embedding (--embed 8;", fresh.Out);
        var tuned = RecurProcess.Run(["train", corpus, "-o", tmp.File("tuned"), "--init-from", tmp.File("run"), .. tiny]);
        Assert.True(tuned.ExitCode == 0, tuned.Err);
        Assert.DoesNotContain("--embed", tuned.Out + tuned.Err);
    }

    [Fact]
    public void BadWordInputIsOneClearLine()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(3000));
        string run = tmp.File("run");
        RecurProcess.Run("train", corpus, "-o", run, "--max-vocab", "50").AssertCleanError("--max-vocab applies to --tokens words");
        RecurProcess.Run(["train", corpus, "-o", run, "--max-vocab", "1", .. Small]).AssertCleanError("--max-vocab must be 0");
        RecurProcess.Run(["train", corpus, "-o", run, "--val-file", tmp.File("nope.txt"), .. Small]).AssertCleanError("does not exist");
        RecurProcess.Run(["train", corpus, "-o", run, "--val-file", corpus, "--val-frac", "0.2", .. Small]).AssertCleanError("leave --val-frac out");
        RecurProcess.Run(["train", corpus, "-o", run, "--val-file", tmp.WriteBytes("bad.txt", [0x61, 0xFF]), .. Small]).AssertCleanError("bad.txt");
        RecurProcess.Run(["train", corpus, "-o", run, "--cell", "loop", "--layers", "2", .. Small]).AssertCleanError("exactly one layer");
        RecurProcess.Run(["train", corpus, "-o", run, "--cell", "loop", "--embed", "8", .. Small]).AssertCleanError("--embed must equal --hidden");
        RecurProcess.Run("train", corpus, "-o", run, "--cell", "loop", "--tokens", "words", "--batch", "1").AssertCleanError("--batch 2 or more");
        RecurProcess.Run(["train", corpus, "-o", run, "--tokens", "letters"]).AssertCleanError("letters");
        Assert.False(Directory.Exists(run) && Directory.GetFiles(run).Length > 0, "a failed start left files behind");

        Assert.Equal(0, RecurProcess.Run(["train", corpus, "-o", run, "--steps", "2", .. Small]).ExitCode);
        RecurProcess.Run("eval", run, corpus, "--continuation", "0").AssertCleanError("--continuation must be at least 1");
        RecurProcess.Run("eval", run, tmp.Write("short.txt", "the cat"), "--continuation", "20").AssertCleanError("too few");
        RecurProcess.Run("sample", run, "--prime", " \t ").AssertCleanError("no word or mark");
        // A --stop word outside the vocabulary could never end a sample (it once ran silently); the end of a known word can.
        RecurProcess.Run("sample", run, "--stop", "the zebra").AssertCleanError("--stop holds 'zebra', which the model never generates");
        RecurProcess.Run("sample", run, "--stop", " ").AssertCleanError("--stop holds no word, mark or line break");
        foreach (var stop in new[] { "the mat.", "at", "\\n" })
            Assert.Equal(0, RecurProcess.Run("sample", run, "--stop", stop, "--length", "5").ExitCode);
        RecurProcess.Run("numbers").AssertCleanError("-o DIR");
        RecurProcess.Run("numbers", "-o", corpus).AssertCleanError("is a file");
        RecurProcess.Run("numbers", "-o", Path.Combine(corpus, "sub")).AssertCleanError($"is inside '{corpus}', which is a file; give a directory");
        var unknown = RecurProcess.Run("eval", run, tmp.Write("o.txt", "the zebra sat on the quagga."), "--json");
        Assert.Equal(0, unknown.ExitCode);
        Assert.Equal(2, JsonDocument.Parse(unknown.Out).RootElement.GetProperty("unknown").GetInt32());
        Assert.Contains("read as <unk>", unknown.Err);
    }
}
