// The recur tool end to end: JSON output, bad input as one clear line, warnings, fine-tuning (runs stopped by
// kills, signals and failed writes: TrainStopCliTests).
using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Recur.IO;
using Recur.LanguageModel;
using Recur.Tests.Support;

namespace Recur.Tests.Cli;

public class TrainCliTests
{
    static readonly string[] Small = ["--hidden", "16", "--layers", "1", "--batch", "4", "--seq", "12", "--eval-every", "20", "--checkpoint-every", "10"];

    /// <summary>`recur train` with the small settings, each overridden by the same option in <paramref name="more"/>.</summary>
    internal static string[] Train(string corpus, string dir, params string[] more)
    {
        var args = new List<string> { "train", corpus, "-o", dir };
        for (int i = 0; i < Small.Length; i += 2)
            if (!more.Contains(Small[i])) args.AddRange([Small[i], Small[i + 1]]);
        args.AddRange(more);
        return args.ToArray();
    }

    /// <summary>
    /// PyTorch's word_language_model recipe: plain SGD at a high rate, divided by 4 whenever a validation does not improve.
    /// Each cut is said on its validation's line, a resume names the rate it continues at, and --json ends with the rate.
    /// </summary>
    [Fact]
    public void APlateauSaysWhenItCutsTheRate()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(4000));
        string run = tmp.File("run");
        // At lr 50 validations every 2 steps cannot all improve.
        var t = RecurProcess.Run([.. Train(corpus, run, "--optimizer", "sgd", "--momentum", "0", "--lr", "50", "--clip", "0.25", "--lr-plateau", "4",
            "--eval-every", "2", "--steps", "30")]);
        Assert.True(t.ExitCode == 0, t.Err);
        Assert.Contains("training: sgd lr 50, ÷4 when validation does not improve, momentum 0, clip 0.25", t.Out);
        var cuts = t.Out.Split('\n').Where(l => l.Contains(": learning rate ÷4, now ")).ToArray();
        Assert.NotEmpty(cuts);
        double lr = 50 / Math.Pow(4, cuts.Length);
        Assert.EndsWith($"now {lr:G4}", cuts[^1].TrimEnd());
        var resumed = RecurProcess.Run("train", "--resume", run, "--steps", "31", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Err);
        Assert.Contains($"training: sgd lr 50 (now {lr:G4}), ÷4", resumed.Err);
        Assert.Equal(lr / Math.Pow(4, resumed.Err.Split('\n').Count(l => l.Contains(": learning rate ÷4, now "))),
            JsonDocument.Parse(resumed.Out).RootElement.GetProperty("lr").GetDouble());
    }

    /// <summary>The progress line's smoothed loss and accuracy after a resume are those of the run never stopped.</summary>
    [Fact]
    public void AResumedRunShowsTheSmoothedLossOfAnUnbrokenOne()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(4000));
        // Without a terminal the progress line is printed at a session's first step and at the end.
        static string Smoothed(string output) =>
            Regex.Match(output, @"step 30 · epoch [\d.]+ · (loss [\d.]+ · last-token accuracy \d+ ?%)").Groups[1].Value;
        var unbroken = RecurProcess.Run([.. Train(corpus, tmp.File("a"), "--steps", "30")]);
        Assert.True(unbroken.ExitCode == 0, unbroken.Err);
        Assert.Equal(0, RecurProcess.Run([.. Train(corpus, tmp.File("b"), "--steps", "12")]).ExitCode);
        var resumed = RecurProcess.Run("train", "--resume", tmp.File("b"), "--steps", "30");
        Assert.True(resumed.ExitCode == 0, resumed.Err);
        Assert.NotEqual("", Smoothed(unbroken.Out));
        Assert.Equal(Smoothed(unbroken.Out), Smoothed(resumed.Out));
    }

    [Fact]
    public void TrainEvalInfoAndSampleSpeakJson()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(4000));
        string run = tmp.File("run");
        var t = RecurProcess.Run([.. Train(corpus, run, "--steps", "30", "--json")]);
        Assert.Equal(0, t.ExitCode);
        var summary = JsonDocument.Parse(t.Out).RootElement;
        Assert.Equal(30, summary.GetProperty("steps").GetInt64());
        foreach (var key in new[] { "tokens_per_s", "best_val_loss", "elapsed_s", "step_s" }) Assert.True(summary.TryGetProperty(key, out _), key);
        Assert.Equal(Path.Combine(run, "checkpoint-30.safetensors"), summary.GetProperty("last_checkpoint").GetString());
        Assert.True(File.Exists(Path.Combine(run, "loss.png")) && File.Exists(Path.Combine(run, "loss.svg")));

        var e = RecurProcess.Run("eval", run, corpus, "--json");
        Assert.Equal(0, e.ExitCode);
        var ev = JsonDocument.Parse(e.Out).RootElement;
        Assert.Equal(ev.GetProperty("loss").GetDouble() / Math.Log(2), ev.GetProperty("bpc").GetDouble(), 9);
        Assert.Equal(0, ev.GetProperty("unknown").GetInt32());
        // 64 streams (eval's --batch) of equal length predict (length - 1) / 64 * 64 of the corpus's characters.
        Assert.Equal((File.ReadAllText(corpus).Length - 1) / 64 * 64, ev.GetProperty("chars").GetInt64());
        Assert.Equal(ev.GetProperty("tokens").GetInt64(), ev.GetProperty("chars").GetInt64());
        Assert.Equal(Math.Exp(ev.GetProperty("loss").GetDouble()), ev.GetProperty("perplexity").GetDouble(), 9);

        var i = RecurProcess.Run("info", Path.Combine(run, "model.safetensors"), "--json");
        Assert.Equal(0, i.ExitCode);
        Assert.Equal(16, JsonDocument.Parse(i.Out).RootElement.GetProperty("config").GetProperty("hidden").GetInt32());

        var s1 = RecurProcess.Run("sample", run, "--prime", "the ", "--length", "80", "--seed", "9");
        var s2 = RecurProcess.Run("sample", run, "--prime", "the ", "--length", "80", "--seed", "9", "--temperature", "0.7", "--top-k", "5");
        Assert.Equal(0, s1.ExitCode);
        Assert.StartsWith("the ", s1.Out);
        // The options reach the sampler: the library, given the same ones, writes the same text (two runs with
        // the same options gave the same text even with --seed or --temperature ignored). s1 is run again below.
        var loaded = LanguageModelFile.Load(run);
        var sampler = new Sampler(loaded.Model, loaded.Vocabulary);
        var options = new SampleOptions { Prime = "the ", Length = 80, Seed = 9 };
        Assert.Equal(sampler.Generate(options)[0] + "\n", s1.Out);
        Assert.Equal(sampler.Generate(options with { Temperature = 0.7, TopK = 5 })[0] + "\n", s2.Out);
        Assert.NotEqual(s1.Out, s2.Out);

        // `recur sample ... | head`: once the reader closes the pipe the sample stops, quietly and at once
        // (.NET's console ignores EPIPE: this ran to the end, 2e9 tokens, before).
        using var p = Process.Start(RecurProcess.Info("sample", run, "--length", "2000000000"))!;
        var head = new char[64];
        Assert.True(p.StandardOutput.ReadBlock(head) > 0);
        p.StandardOutput.Close();
        bool exited = p.WaitForExit(TimeSpan.FromSeconds(30));
        if (!exited) p.Kill(true);
        Assert.True(exited, "sample kept generating after its reader closed the pipe");
        Assert.Equal(0, p.ExitCode);
        Assert.Equal("", p.StandardError.ReadToEnd());

        // stdout redirected to a file shares its offset with stderr and with the commands around it: each line lands
        // after the last (a positional stdout once wrote over its own output from the next command and from stderr).
        string log = tmp.File("log.txt");
        string recur = $"dotnet '{Path.Combine(AppContext.BaseDirectory, "recur.dll")}'";
        var inFile = new ProcessStartInfo("bash") { UseShellExecute = false };
        inFile.ArgumentList.Add("-c");
        inFile.ArgumentList.Add($"{{ echo first; {recur} sample '{run}' --prime 'the ' --length 80 --seed 9; echo; {recur} info '{run}' --json nosuch; echo last; }} > '{log}' 2>&1");
        using (var shellRun = Process.Start(inFile)!) shellRun.WaitForExit();
        string logged = File.ReadAllText(log);
        Assert.StartsWith("first\n" + s1.Out + "\nrecur: error: ", logged);
        Assert.EndsWith("\nlast\n", logged);

        // Any other failed write to stdout is one error line naming it (Linux's /dev/full: every write fails with ENOSPC).
        if (File.Exists("/dev/full"))
        {
            var shell = new ProcessStartInfo("bash") { RedirectStandardError = true, UseShellExecute = false };
            shell.ArgumentList.Add("-c");
            shell.ArgumentList.Add($"dotnet '{Path.Combine(AppContext.BaseDirectory, "recur.dll")}' info '{run}' > /dev/full");
            using var full = Process.Start(shell)!;
            string err = full.StandardError.ReadToEnd();
            full.WaitForExit();
            Assert.Equal(1, full.ExitCode);
            Assert.Equal("recur: error: cannot write to standard output: No space left on device", err.Trim());
        }
    }

    // Windows shells pass books\*.txt on unexpanded ("corpus 'books\*.txt' does not exist"): recur matches a pattern in
    // the file name itself, in name order and without hidden files, as a Unix shell would have.
    [Fact]
    public void ACorpusPatternIsExpandedInNameOrder()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp.File("books"));
        string a = tmp.Write("books/a.txt", TempDir.Corpus(2000, seed: 1)), b = tmp.Write("books/b.txt", TempDir.Corpus(2000, seed: 2));
        tmp.Write("books/.hidden.txt", "never read");
        tmp.Write("books/notes.md", "never read");
        string run = tmp.File("run");
        Assert.Equal(0, RecurProcess.Run([.. Train(Path.Combine(tmp.File("books"), "*.txt"), run, "--steps", "1")]).ExitCode);
        Assert.Contains($"corpus: {a}, {b}\n", RecurProcess.Run("info", run).Out);

        RecurProcess.Run([.. Train(Path.Combine(tmp.File("books"), "*.csv"), tmp.File("r2"))])
            .AssertCleanError($"no file matches the corpus pattern '{Path.Combine(tmp.File("books"), "*.csv")}'");
        RecurProcess.Run([.. Train(tmp.File("books"), tmp.File("r2"))])
            .AssertCleanError($"corpus '{tmp.File("books")}' is a directory, not a file; give the files in it (e.g. {Path.Combine(tmp.File("books"), "*.txt")})");
        Assert.False(Directory.Exists(tmp.File("r2")));
        // Named again on a resume, a pattern is expanded the same way.
        Assert.Equal(0, RecurProcess.Run("train", Path.Combine(tmp.File("books"), "?.txt"), "--resume", run, "--steps", "2").ExitCode);
    }

    // 300 held-out characters read every 2 steps of 2×10: a validation is about the work of 300 / 3 / 20 = 5 steps. The note
    // gives the split and the interval that bring it to a tenth of the training between validations; a resume, only the interval.
    [Fact]
    public void ValidationCostingMoreThanTheStepsBetweenIsNoted()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(3000)[..3000]);
        string run = tmp.File("run");
        var t = RecurProcess.Run([.. Train(corpus, run, "--batch", "2", "--seq", "10", "--eval-every", "2", "--steps", "2")]);
        Assert.Equal(0, t.ExitCode);
        Assert.Contains("note: each validation reads 300 characters, about the work of 5 training steps, every 2 steps; " +
            "hold out less (--val-frac 0.004) or validate less often (--eval-every 50)\n", t.Out);
        var r = RecurProcess.Run("train", "--resume", run, "--steps", "3");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("note: each validation reads 300 characters, about the work of 5 training steps, every 2 steps; validate less often (--eval-every 50)\n", r.Out);
        var quiet = RecurProcess.Run("train", "--resume", run, "--steps", "4", "--eval-every", "20");
        Assert.Equal(0, quiet.ExitCode);
        Assert.DoesNotContain("note: each validation", quiet.Out);
    }

    [Fact]
    public void ValidationShorterThanAWindowHasNoLastTokenAccuracy()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(3000));
        string run = tmp.File("run");
        // 150 validation characters in 8 streams of 18, none filling a 50-character window (as `recur eval` says "none").
        var t = RecurProcess.Run([.. Train(corpus, run, "--batch", "8", "--seq", "50", "--val-frac", "0.05", "--steps", "3", "--eval-every", "1", "--json")]);
        Assert.Equal(0, t.ExitCode);
        var summary = JsonDocument.Parse(t.Out).RootElement;
        Assert.Equal(JsonValueKind.Null, summary.GetProperty("val_last_token_accuracy").ValueKind);
        Assert.InRange(summary.GetProperty("val_token_accuracy").GetDouble(), 0, 1);
        Assert.Equal(5, t.Err.Split("last token none: no validation stream fills a 50-token window").Length);   // 3 validations and the summary
        Assert.DoesNotMatch(@"last token \d", t.Err);
        // Said once up front, with the held-out share that would measure it: 8·50 + 1 = 401 of 3,000 characters.
        Assert.Contains("note: the 150 validation characters are too few for one 50-token window in each of 8 streams, " +
            "so no last-token accuracy is measured; it needs 401 (--val-frac 0.14)", t.Err);
        // The plot draws the validation accuracy over every token and no made-up last-token points.
        PlotText.Contains(Path.Combine(run, "accuracy.svg"), "validation, every token", t);
        PlotText.DoesNotContain(Path.Combine(run, "accuracy.svg"), "validation, last token", t);

        var r = RecurProcess.Run("train", "--resume", run, "--steps", "4", "--json");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(r.Out).RootElement.GetProperty("val_last_token_accuracy").ValueKind);
        Assert.DoesNotMatch(@"last token \d", r.Err);
        Assert.DoesNotContain("note: the 150 validation", r.Err);   // a resumed run cannot change its split

        var advised = RecurProcess.Run([.. Train(corpus, tmp.File("advised"), "--batch", "8", "--seq", "50", "--val-frac", "0.14", "--steps", "1", "--json")]);
        Assert.Equal(0, advised.ExitCode);
        Assert.InRange(JsonDocument.Parse(advised.Out).RootElement.GetProperty("val_last_token_accuracy").GetDouble(), 0, 1);
        Assert.DoesNotContain("note: the", advised.Err);
    }

    // A model sure of the wrong character (fc.bias +100 on 'k', which the text lacks) has a loss near 100 nats and a perplexity near e^100:
    // shown as 2.69e+43, not as the 44 digits it once was.
    [Fact]
    public void AHugePerplexityIsShownInScientificNotation()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(3000));
        string run = tmp.File("run");
        Assert.Equal(0, RecurProcess.Run([.. Train(corpus, run, "--steps", "2")]).ExitCode);
        string model = Path.Combine(run, "model.safetensors");
        var contents = ModelFile.Load(model);
        var vocab = global::Recur.LanguageModel.LanguageModelFile.Load(model).Vocabulary;
        Assert.True(vocab.TryGetId("k", out int k));
        contents.Tensors["fc.bias"].Floats![k] = 100;
        Safetensors.Write(model, contents.Tensors.Select(t => (t.Key, t.Value)), contents.Metadata);
        var e = RecurProcess.Run("eval", run, tmp.Write("o.txt", "the cat sat on the mat."));
        Assert.Equal(0, e.ExitCode);
        Assert.Matches(@"perplexity \d\.\d\de\+4\d over", e.Out);
    }

    [Fact]
    public void EvalCountsUnknownCharacters()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(3000));
        string run = tmp.File("run");
        Assert.Equal(0, RecurProcess.Run([.. Train(corpus, run, "--steps", "5")]).ExitCode);
        string other = tmp.Write("o.txt", "the cat sat on the mat. Zürich ÿ the end.");
        var e = RecurProcess.Run("eval", run, other, "--json");
        Assert.Equal(0, e.ExitCode);
        Assert.Equal(3, JsonDocument.Parse(e.Out).RootElement.GetProperty("unknown").GetInt32());   // Z, ü and ÿ, once each
        Assert.Contains("not in the model's vocabulary", e.Err);
    }

    [Fact]
    public void ClassicMacLineEndsAreWarnedOfInTrainAndEval()
    {
        // TextFile turns CRLF into LF but keeps a lone CR. A file with CR line ends (classic Mac, "CSV (Macintosh)")
        // trained without a word: a word model read every CR as a space, so the text had no <eos> at all, and a
        // character model learned '\r' as its line end. Now each says so once; CRLF and LF files say nothing.
        using var tmp = new TempDir();
        string text = TempDir.Corpus(3000);
        int lines = text.Count(c => c == '\n');
        string mac = tmp.Write("mac.txt", text.Replace('\n', '\r')), windows = tmp.Write("win.txt", text.Replace("\n", "\r\n"));
        string warning = $"recur: warning: {mac}: {lines:N0} carriage returns (CR) with no line feed after them are ";
        var words = RecurProcess.Run([.. Train(mac, tmp.File("words"), "--tokens", "words", "--steps", "2")]);
        Assert.Equal(0, words.ExitCode);
        Assert.Contains(warning + "read as spaces, not as line ends (<eos>); if the file has classic Mac line ends, convert them first (e.g. tr '\\r' '\\n' < " + mac + " > fixed.txt)\n", words.Err);
        var chars = RecurProcess.Run([.. Train(mac, tmp.File("chars"), "--steps", "2")]);
        Assert.Contains(warning + "kept as the character '\\r', not read as line ends", chars.Err);
        var crlf = RecurProcess.Run([.. Train(windows, tmp.File("crlf"), "--steps", "2")]);
        Assert.Equal(0, crlf.ExitCode);
        Assert.DoesNotContain("carriage return", crlf.Err);
        var eval = RecurProcess.Run("eval", tmp.File("crlf"), mac);
        Assert.Equal(0, eval.ExitCode);
        Assert.Contains(warning + "kept as the character '\\r'", eval.Err);
        Assert.DoesNotContain("carriage return", RecurProcess.Run("eval", tmp.File("crlf"), windows).Err);
    }

    [Fact]
    public void ACorpusFileWithoutAFinalLineBreakIsWarnedOfWhenAnotherFollowsIt()
    {
        // Files are joined as they are (as cat joins them): "... the red door" + "the cat ..." gave a word model
        // the word "doorthe", without a word said.
        using var tmp = new TempDir();
        string a = tmp.Write("a.txt", TempDir.Corpus(2000).TrimEnd() + " the red door"), b = tmp.Write("b.txt", "the cat sat on the mat.\n" + TempDir.Corpus(2000));
        var r = RecurProcess.Run([.. Train(a, tmp.File("run"), "--tokens", "words", "--steps", "1"), b]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains($"recur: warning: {a} does not end with a line break, so its last line runs into the first line of {b} (the files are joined as they are); end it with one to keep them apart\n", r.Err);
        // The last file, and files that end with a line break, are fine as they are.
        File.AppendAllText(a, "\n");
        Assert.DoesNotContain("line break", RecurProcess.Run([.. Train(a, tmp.File("run2"), "--tokens", "words", "--steps", "1"), b]).Err);
    }

    [Fact]
    public void BadInputIsOneClearLine()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(3000));
        string run = tmp.File("run");
        RecurProcess.Run([.. Train(tmp.File("missing.txt"), run)]).AssertCleanError("does not exist");
        RecurProcess.Run([.. Train(tmp.Write("empty.txt", ""), run)]).AssertCleanError("empty");
        RecurProcess.Run([.. Train(tmp.WriteBytes("bin.dat", [1, 2, 0, 3, 4]), run)]).AssertCleanError("NUL byte at offset 2");
        RecurProcess.Run([.. Train(tmp.WriteBytes("latin1.txt", [0x63, 0x61, 0x66, 0xE9]), run)]).AssertCleanError("byte offset 3");
        RecurProcess.Run([.. Train(tmp.Write("short.txt", "tiny"), run)]).AssertCleanError("too short for one batch of --batch 4 × --seq 12, which needs 49 characters; lower --batch or --seq");
        // One character is too short whatever --batch and --seq are, so lowering them is not what to do (it was once advised).
        var one = RecurProcess.Run([.. Train(tmp.Write("one.txt", "a"), run)]);
        one.AssertCleanError("the corpus is too short: it has 1 character, and training needs at least 2 whatever --batch and --seq are; give a longer text");
        Assert.DoesNotContain("lower --batch", one.Err);
        RecurProcess.Run([.. Train(tmp.Write("two.txt", "ab"), run, "--val-frac", "0.5")]).AssertCleanError("--val-frac and --test-frac leave 1 character of its 2 for training");
        RecurProcess.Run([.. Train(corpus, run, "--hidden", "0")]).AssertCleanError("--hidden must be at least 1");
        RecurProcess.Run([.. Train(corpus, run, "--batch", "-2")]).AssertCleanError("--batch must be at least 1");
        RecurProcess.Run([.. Train(corpus, run, "--time", "soon")]).AssertCleanError("not a duration");
        RecurProcess.Run([.. Train(corpus, Path.Combine(corpus, "run"))]).AssertCleanError($"is inside '{corpus}', which is a file; give a directory for the run");
        Assert.False(Directory.Exists(run), "a refused start created the run directory");

        RecurProcess.Run("sample", tmp.Write("fake.safetensors", "not a model at all")).AssertCleanError("fake.safetensors");
        string truncated = tmp.File("trunc.safetensors");
        Assert.Equal(0, RecurProcess.Run([.. Train(corpus, run, "--steps", "3")]).ExitCode);
        var done = RecurProcess.Run("train", "--resume", run, "--steps", "2");
        Assert.Equal(0, done.ExitCode);
        Assert.Contains("already at step 3 (--steps 2): nothing to train", done.Out + done.Err);
        // -o may name the run directory too, written another way: with a trailing separator (or, on Windows, another case).
        var same = RecurProcess.Run("train", "--resume", run, "-o", run + Path.DirectorySeparatorChar, "--steps", "2");
        Assert.True(same.ExitCode == 0, same.Err);
        RecurProcess.Run("train", "--resume", run, "-o", tmp.File("other"), "--steps", "2").AssertCleanError("--resume continues in its own directory; drop -o");
        // A spent --time stays in force beside a new --steps; the resume says so instead of silently training nothing.
        string timed = tmp.File("timed");
        Assert.Equal(0, RecurProcess.Run([.. Train(corpus, timed, "--time", "0.001s")]).ExitCode);
        var spent = RecurProcess.Run("train", "--resume", timed, "--steps", "1000");
        Assert.True(spent.ExitCode == 0, spent.Err);
        Assert.Contains("nothing to train; give a larger --time to continue", spent.Out);
        var bytes = File.ReadAllBytes(Path.Combine(run, "model.safetensors"));
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        RecurProcess.Run("sample", truncated).AssertCleanError("trunc.safetensors");
        RecurProcess.Run("sample", run, "--prime", "Ωmega").AssertCleanError("'Ω' (U+03A9), which the model never saw in training; leave it out ('recur info' lists the characters it knows)");
        RecurProcess.Run("sample", run, "--prime", "ΩΣ").AssertCleanError("'Ω' (U+03A9), 'Σ' (U+03A3), which the model never saw in training; leave them out");
        RecurProcess.Run("sample", run, "--top-p", "0").AssertCleanError("--top-p");
        RecurProcess.Run("sample", Path.Combine(run, "state.safetensors")).AssertCleanError("a run's training state");
        RecurProcess.Run("train", "--resume", run, "--hidden", "32").AssertCleanError("contradicts the saved run");
        RecurProcess.Run("train", "--resume", run, "--weight-decay", "0.1").AssertCleanError("--weight-decay 0.1 contradicts the saved run (--weight-decay 0)");
        RecurProcess.Run("train", "--resume", run, "--lr-plateau", "4").AssertCleanError("--lr-plateau 4 contradicts the saved run (--lr-plateau 1)");
        Assert.DoesNotContain(Directory.GetFiles(run), DirectoryLock.IsLockFile);   // a refused resume lets go of the lock
        RecurProcess.Run([.. Train(corpus, tmp.File("wd"), "--weight-decay", "-1")]).AssertCleanError("--weight-decay must be 0 or positive");
        // An --lr-decay the exponential schedule cannot take is refused before the run directory is made.
        foreach (var gamma in new[] { "0", "-0.5", "NaN", "1.5" })
            RecurProcess.Run([.. Train(corpus, tmp.File("decay"), "--lr-decay", gamma)]).AssertCleanError($"--lr-decay must be in (0, 1] (got {gamma})");
        Assert.False(Directory.Exists(tmp.File("decay")));
        foreach (var factor in new[] { "0.5", "0", "Infinity" })
            RecurProcess.Run([.. Train(corpus, tmp.File("plateau"), "--lr-plateau", factor)]).AssertCleanError($"--lr-plateau must be 1 (off) or more and finite (got {factor})");
        RecurProcess.Run([.. Train(corpus, tmp.File("plateau"), "--optimizer", "sgd", "--momentum", "1")]).AssertCleanError("--momentum must be in [0, 1) (got 1)");
        Assert.False(Directory.Exists(tmp.File("plateau")));
        RecurProcess.Run("train", "--resume", tmp.File("nowhere")).AssertCleanError("nowhere: no such directory, so there is no run to resume");
        RecurProcess.Run([.. Train(corpus, run)]).AssertCleanError("already holds a training run");
    }

    [Fact]
    public void APlotThatCannotBeWrittenIsAWarningNotAFailedRun()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(4000));
        string run = tmp.File("run");
        Directory.CreateDirectory(Path.Combine(run, "loss.png")); // where the plot must go
        var t = RecurProcess.Run([.. Train(corpus, run, "--steps", "40", "--json")]);
        Assert.Equal(0, t.ExitCode);
        Assert.Equal(40, JsonDocument.Parse(t.Out).RootElement.GetProperty("steps").GetInt64());
        Assert.Contains("recur: warning: could not draw a plot", t.Err);
        Assert.DoesNotContain("   at ", t.Err);
        Assert.True(File.Exists(Path.Combine(run, "model.safetensors")));
    }

    // --prime 'C:\\new\t\n', as typed in a shell, is C:\new, a tab and a newline: \\ is one backslash, read left to right.
    [Fact]
    public void APrimeCanHoldABackslashBeforeAnN()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", string.Concat(Enumerable.Repeat("C:\\new\\name\tx\n", 300)));
        string run = tmp.File("run");
        Assert.Equal(0, RecurProcess.Run([.. Train(corpus, run, "--steps", "2")]).ExitCode);
        var s = RecurProcess.Run("sample", run, "--prime", "C:\\\\new\\t\\n", "--length", "1");
        Assert.True(s.ExitCode == 0, s.Err);
        Assert.StartsWith("C:\\new\t\n", s.Out);
    }

    // info shows characters that print as nothing or as a plain space by code point (U+0093 printed raw).
    [Fact]
    public void InfoShowsInvisibleCharactersByCodePoint()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", string.Concat(Enumerable.Repeat("a \u0093quoted\u0094\u00A0b\u200Bc\n", 300)));
        string run = tmp.File("run");
        Assert.Equal(0, RecurProcess.Run([.. Train(corpus, run, "--steps", "2")]).ExitCode);
        var info = RecurProcess.Run("info", run);
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("vocabulary (15): \\n␠abcdeoqtu\\u0093\\u0094\\u00A0\\u200B", info.Out);
    }

    [Fact]
    public void FineTuningKeepsTheModelsArchitectureAndCannotBeResumedInto()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(3000));
        string run = tmp.File("run");
        Assert.Equal(0, RecurProcess.Run([.. Train(corpus, run, "--steps", "5")]).ExitCode);

        var tuned = RecurProcess.Run("train", corpus, "-o", tmp.File("tuned"), "--init-from", run, "--steps", "3", "--batch", "4", "--seq", "12", "--json");
        Assert.Equal(0, tuned.ExitCode);
        var info = RecurProcess.Run("info", tmp.File("tuned"));
        Assert.Contains($"fine-tuned from: {Path.Combine(run, "model.safetensors")}", info.Out);

        var hidden = RecurProcess.Run("train", corpus, "-o", tmp.File("t2"), "--init-from", run, "--hidden", "32");
        hidden.AssertCleanError("--hidden is fixed by the --init-from model");
        Assert.False(Directory.Exists(tmp.File("t2")));
        RecurProcess.Run("train", "--resume", tmp.File("tuned"), "--init-from", run).AssertCleanError("--init-from starts a new run");
        RecurProcess.Run("train", corpus, "-o", tmp.File("t3"), "--init-from", corpus).AssertCleanError("not a safetensors file");
    }
}
