// `recur classify train|eval|predict` end to end on a tiny synthetic set, run as a child process with
// stdout and stderr captured: outputs, JSON keys, and one-line errors that name the bad line.
using System.Text.Json;
using Recur.Classification;
using Recur.Tests.Support;

namespace Recur.Tests.Classification;

[CollectionDefinition("console", DisableParallelization = true)]
public class ConsoleCollection;

[Collection("console")]
public class ClassifyCliTests
{
    static (int Code, string Out, string Err) Recur(params string[] args)
    {
        var r = global::Recur.Tests.Cli.RecurProcess.Run(args);
        return (r.ExitCode, r.Out, r.Err);
    }

    static string WriteCsv(TempDir dir, string name, IEnumerable<global::Recur.Classification.LabeledText> items)
    {
        string path = dir.File(name);
        File.WriteAllLines(path, ["label,text", .. items.Select(i => $"{i.Label},\"{i.Text.Replace("\"", "\"\"")}\"")]);
        return path;
    }

    [Fact]
    public void TrainEvalPredict()
    {
        using var dir = new TempDir();
        string train = WriteCsv(dir, "train.csv", TrainingTests.Synthetic(256, 1));
        string test = WriteCsv(dir, "test.csv", TrainingTests.Synthetic(64, 2));
        string run = dir.File("run");
        var t = Recur("classify", "train", train, "-o", run, "--epochs", "3", "--embed", "8", "--hidden", "8", "--fc", "8",
            "--lr", "0.02", "--batch-size", "16", "--val-split", "0.25");
        Assert.True(t.Code == 0, t.Err);
        Assert.Contains("labels   'neg' → 0 (negative), 'pos' → 1 (positive)", t.Out);
        Assert.Contains("epoch 3/3  train loss", t.Out);
        Assert.True(File.Exists(Path.Combine(run, "model.safetensors")));
        Assert.Equal(4, File.ReadAllLines(Path.Combine(run, "history.csv")).Length);

        var again = Recur("classify", "train", train, "-o", run);
        Assert.Equal(1, again.Code);
        Assert.Contains("--force", again.Err);

        var ev = Recur("classify", "eval", run, test, "--json");
        Assert.True(ev.Code == 0, ev.Err);
        var json = JsonDocument.Parse(ev.Out).RootElement;
        foreach (var key in new[] { "accuracy", "precision", "recall", "f1", "auc" })
            Assert.InRange(json.GetProperty(key).GetDouble(), 0.0, 1.0);
        Assert.True(json.GetProperty("accuracy").GetDouble() > 0.7, ev.Out);
        Assert.Equal(64, json.GetProperty("count").GetInt32());
        // Each number is the one its key names: the ratios from the confusion counts, the AUC from the pairs.
        var confusion = json.GetProperty("confusion");
        int tp = confusion.GetProperty("true_positive").GetInt32(), fp = confusion.GetProperty("false_positive").GetInt32();
        int tn = confusion.GetProperty("true_negative").GetInt32(), fn = confusion.GetProperty("false_negative").GetInt32();
        Assert.Equal((64, 32), (tp + fp + tn + fn, tp + fn));   // Synthetic alternates "pos" and "neg"
        Assert.True(tp > 0 && tn > 0 && fp + fn > 0, ev.Out);    // no ratio degenerate (and none equal to another by chance)
        Assert.Equal((tp + tn) / 64.0, json.GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(tp / (double)(tp + fp), json.GetProperty("precision").GetDouble(), 12);
        Assert.Equal(tp / 32.0, json.GetProperty("recall").GetDouble(), 12);
        Assert.Equal(2.0 * tp / (2 * tp + fp + fn), json.GetProperty("f1").GetDouble(), 12);
        var testItems = TrainingTests.Synthetic(64, 2);
        var model = Classifier.Load(Path.Combine(run, "model.safetensors"));
        var scores = model.Probabilities(model.Encode(testItems.Select(t => t.Text).ToList()));
        var positive = testItems.Select(t => t.Label == "pos").ToArray();
        double ordered = 0;
        for (int i = 0; i < 64; i++)
            for (int j = 0; j < 64; j++)
                if (positive[i] && !positive[j]) ordered += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
        Assert.Equal(ordered / (32 * 32), json.GetProperty("auc").GetDouble(), 12);
        Assert.Contains("accuracy", ev.Err); // prose goes to stderr under --json

        var prose = Recur("classify", "eval", Path.Combine(run, "model.safetensors"), test);
        Assert.Contains("ROC AUC", prose.Out);
        Assert.Contains("confusion", prose.Out);

        var pr = Recur("classify", "predict", run, "a wonderful superb film", "boring and awful", "café \"superb\"", "--json");
        Assert.True(pr.Code == 0, pr.Err);
        Assert.Contains("\"text\":\"café \\\"superb\\\"\"", pr.Out);   // UTF-8 as it is, not caf\u00E9 \u0022superb\u0022
        var predictions = JsonDocument.Parse(pr.Out).RootElement.GetProperty("predictions");
        Assert.Equal("pos", predictions[0].GetProperty("label").GetString());
        Assert.Equal("neg", predictions[1].GetProperty("label").GetString());
        Assert.True(predictions[0].GetProperty("probability").GetDouble() > 0.5);

        string lines = dir.File("texts.txt");
        File.WriteAllLines(lines, ["loved it, great", "", "dull plot"]);
        var pf = Recur("classify", "predict", run, "--file", lines);
        Assert.Equal(2, pf.Out.Trim().Split('\n').Length);

        // recur info describes a classifier too.
        var info = Recur("info", run);
        Assert.True(info.Code == 0, info.Err);
        Assert.Contains("text classifier (recur classify): embedding 8 → lstm 1×8 → linear 8 → ReLU → linear 1 → sigmoid", info.Out + info.Err);
        Assert.Contains("training: 3 epochs, batch", info.Out + info.Err);
        var infoJson = JsonDocument.Parse(Recur("info", run, "--json").Out).RootElement;
        Assert.Equal("classifier", infoJson.GetProperty("kind").GetString());
        Assert.Equal(["neg", "pos"], infoJson.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!));
        Assert.Equal(8, infoJson.GetProperty("config").GetProperty("hidden").GetInt32());
        Assert.Equal(3, infoJson.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public void BadInputIsOneLineNamingTheLine()
    {
        using var dir = new TempDir();
        string bad = dir.File("bad.csv");
        File.WriteAllText(bad, "label,text\n0,\"fine\"\n1,\"never closed\n");
        var r = Recur("classify", "train", bad, "-o", dir.File("run"));
        Assert.Equal(1, r.Code);
        Assert.Single(r.Err.Trim().Split('\n'));
        Assert.StartsWith("recur: error:", r.Err);
        Assert.Contains("bad.csv line 3", r.Err);

        File.WriteAllText(bad, "label,review\n0,x\n");
        r = Recur("classify", "train", bad, "-o", dir.File("run"));
        Assert.Contains("no column 'text'", r.Err);

        File.WriteAllBytes(bad, [0x50, 0x4B, 0x03, 0x04, 0x00, 0x00]); // a zip archive's first bytes
        r = Recur("classify", "train", bad, "-o", dir.File("run"));
        Assert.Equal(1, r.Code);
        Assert.Contains("bad.csv: looks binary (NUL byte at offset 4)", r.Err);

        r = Recur("classify", "eval", dir.Path, bad);
        Assert.Equal(1, r.Code);
        Assert.Contains(": no model.safetensors in this directory; give a run directory made by 'recur classify train'", r.Err);

        // info reads every kind of model: its advice names every training command, not only 'recur train'.
        global::Recur.Tests.Cli.RecurProcess.Run("info", dir.Path).AssertCleanError(
            $"{dir.Path}: no model.safetensors in this directory; give a run directory (from 'recur train', 'recur classify train' or 'recur forecast train') or a .safetensors file");
    }

    [Fact]
    public void EvalRefusesLabelsTheModelDoesNotKnow()
    {
        using var dir = new TempDir();
        string train = WriteCsv(dir, "train.csv", TrainingTests.Synthetic(64, 1));
        string run = dir.File("run");
        Assert.Equal(0, Recur("classify", "train", train, "-o", run, "--epochs", "1", "--hidden", "4", "--embed", "4").Code);
        string other = dir.File("other.csv");
        File.WriteAllText(other, "label,text\npos,great\nneutral,fine\n");
        var r = Recur("classify", "eval", run, other);
        Assert.Equal(1, r.Code);
        Assert.Contains($"{other} line 3: unknown label 'neutral'", r.Err);
        Assert.Contains("training: 1 epoch, batch", Recur("info", run).Out);

        // A folder's labels are its class folders' names, and --label-column is refused there: the error once advised it.
        string folder = dir.ClassFolders("folder", "fine", "neg", "neutral");
        var f = Recur("classify", "eval", run, folder);
        AssertOneLineError(f.Code, f.Err, $"{Path.Combine(folder, "neutral", "1.txt")}: unknown label 'neutral'; the model knows 'neg' and 'pos' " +
            "(a class folder's name is its label: name the two folders 'neg' and 'pos')");
        Assert.DoesNotContain("--label-column", f.Err);
    }

    [Theory]
    [InlineData("history", "[\"x\"]")]
    [InlineData("history", "[1, 2]")]
    [InlineData("history", "{broken")]
    [InlineData("training", "[3]")]
    public void InfoOnADamagedTrainingRecordWarnsAndShowsTheModel(string key, string value)
    {
        using var dir = new TempDir();
        var contents = global::Recur.IO.ModelFile.Load(Path.Combine(TinyRun(dir), "model.safetensors"));
        string damaged = dir.File("damaged.safetensors");
        global::Recur.IO.Safetensors.Write(damaged, contents.Tensors.Select(kv => (kv.Key, kv.Value)),
            new Dictionary<string, string>(contents.Metadata) { [key] = value });
        var info = Recur("info", damaged);
        Assert.True(info.Code == 0, info.Err);
        Assert.Equal("recur: warning: the file's training record (metadata training and history) is damaged; showing the model only", info.Err.Trim());
        Assert.Contains("text classifier (recur classify): embedding 4", info.Out);
    }

    /// <summary>A one-epoch model of 8 units, enough to run predict on.</summary>
    static string TinyRun(TempDir dir)
    {
        string run = dir.File("run");
        var t = Recur("classify", "train", WriteCsv(dir, "train.csv", TrainingTests.Synthetic(64, 1)), "-o", run, "--epochs", "1",
            "--embed", "4", "--hidden", "4", "--fc", "4");
        Assert.True(t.Code == 0, t.Err);
        return run;
    }

    static void AssertOneLineError(int code, string err, string contains)
    {
        Assert.Equal(1, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.StartsWith("recur: error: ", err);
        Assert.Contains(contains, err);
    }

    [Fact]
    public void PredictRefusesBinaryAndNonUtf8Files()
    {
        using var dir = new TempDir();
        string run = TinyRun(dir);
        // The audit classified /bin/ls as 706 "texts": an executable's first bytes.
        string exe = dir.WriteBytes("ls", [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00, 0x0A, 0x41]);
        var r = Recur("classify", "predict", run, "--file", exe);
        AssertOneLineError(r.Code, r.Err, $"{exe}: looks binary (NUL byte at offset 7)");
        Assert.Equal("", r.Out);
        string latin = dir.WriteBytes("latin.txt", [.. "great film\nterrible caf"u8, 0xE9, 0x0A]);
        r = Recur("classify", "predict", run, "--file", latin);
        AssertOneLineError(r.Code, r.Err, $"{latin}: not valid UTF-8 at byte offset 23; convert the file to UTF-8 first (e.g. iconv -f windows-1252 -t utf-8");
        string csv = dir.WriteBytes("latin.csv", [.. "text\ncaf"u8, 0xE9, 0x0A]);
        r = Recur("classify", "predict", run, "--file", csv);
        AssertOneLineError(r.Code, r.Err, $"{csv}: not valid UTF-8 at byte offset 8");
    }

    [Fact]
    public async Task PredictRefusesBinaryStdin()
    {
        using var dir = new TempDir();
        string run = TinyRun(dir);
        var info = global::Recur.Tests.Cli.RecurProcess.Info("classify", "predict", run, "--file", "-");
        info.RedirectStandardInput = true;
        using var p = System.Diagnostics.Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.StandardInput.BaseStream.WriteAsync(new byte[] { 0x41, 0x0A, 0x00, 0x0A });
        p.StandardInput.Close();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await p.WaitForExitAsync(limit.Token);
        new global::Recur.Tests.Cli.RecurResult(p.ExitCode, await stdout, await stderr).AssertCleanError("stdin: looks binary (NUL byte at offset 2)");
    }

    // Each prediction line shows its text on one line, whitespace runs as one space, cut past 70 characters; built
    // only up to the cut (splitting a whole review into words took a fifth of predict -f on a large file).
    [Fact]
    public void PredictShowsEachTextOnOneLineCutPast70Characters()
    {
        using var dir = new TempDir();
        string run = TinyRun(dir);
        string[] pieces = ["good", "film", "x", " ", "  ", "\t", "\n", "\r\n", "\u00A0", "\u2028", "é", "😀", "\"", ","];
        var random = new Random(4);
        var texts = Enumerable.Range(0, 300).Select(_ => pieces[random.Next(pieces.Length)] + "w" + string.Concat(Enumerable.Range(0, random.Next(0, 50)).Select(_ => pieces[random.Next(pieces.Length)])))
            .Concat(["a" + new string(' ', 80) + "b", new string('y', 70), new string('y', 71), new string('y', 67) + "  \t ", "z " + new string('y', 68)]).ToList();
        var r = Recur("classify", "predict", run, "--file", WriteCsv(dir, "texts.csv", texts.Select(t => new LabeledText("pos", t, ""))));
        Assert.True(r.Code == 0, r.Err);
        var shown = r.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split("  ", 3)[2]).ToList();
        static string Plain(string text)
        {
            string flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return flat.Length <= 70 ? flat : flat[..67] + "...";
        }
        Assert.Equal(texts.Select(Plain), shown);
    }

    // A tab-separated file is a table whatever its name says: the audit's `--file test.tsv --delimiter '\t'`
    // classified the header line and each row's label and id as part of its text.
    [Fact]
    public void PredictReadsATsvOrAFileGivenADelimiterAsATable()
    {
        using var dir = new TempDir();
        string run = TinyRun(dir);
        string table = "label\tid\ttext\npos\t7\tgreat fun\nneg\t8\tdull\n";
        foreach (var name in new[] { "texts.tsv", "texts.txt" })
        {
            var r = Recur("classify", "predict", run, "--file", dir.Write(name, table), "--delimiter", "\\t", "--json");
            Assert.True(r.Code == 0, r.Err);
            var texts = JsonDocument.Parse(r.Out).RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("text").GetString());
            Assert.Equal(["great fun", "dull"], texts);
        }
        // A .tsv without --delimiter is a table of one column: the error says which delimiter to give.
        var one = global::Recur.Tests.Cli.RecurProcess.Run("classify", "predict", run, "--file", dir.Write("plain.tsv", table));
        one.AssertCleanError("give --delimiter '\\t'");
        // Stdin is lines only: a delimiter for it is refused, not ignored.
        global::Recur.Tests.Cli.RecurProcess.Run("classify", "predict", run, "--file", "-", "--delimiter", "\\t")
            .AssertCleanError("stdin is read as one text per line");
        // So are table options with texts on the command line, or with a folder of class folders.
        var line = global::Recur.Tests.Cli.RecurProcess.Run("classify", "predict", run, "great fun", "--text-column", "review");
        Assert.Equal(2, line.ExitCode);
        line.AssertCleanError("--text-column reads a table given with --file; texts on the command line are read whole: leave --text-column out");
        Directory.CreateDirectory(dir.File("data/neg"));
        Directory.CreateDirectory(dir.File("data/pos"));
        dir.Write("data/neg/1.txt", "dull");
        dir.Write("data/pos/1.txt", "great fun");
        foreach (var command in new[] { "eval", "train" })
        {
            string[] args = command == "eval" ? ["classify", "eval", run, dir.File("data")] : ["classify", "train", dir.File("data"), "-o", dir.File("new")];
            var folder = global::Recur.Tests.Cli.RecurProcess.Run([.. args, "--label-column", "sentiment"]);
            Assert.Equal(2, folder.ExitCode);
            folder.AssertCleanError($"--label-column reads a CSV file, but '{dir.File("data")}' is a folder, whose class folders are the labels; leave --label-column out");
        }
        Assert.False(Directory.Exists(dir.File("new")));
    }

    [Fact]
    public void ADivergedRunSavesNothingAndLeavesNoDirectory()
    {
        using var dir = new TempDir();
        string train = WriteCsv(dir, "train.csv", TrainingTests.Synthetic(64, 1));
        // The audit's --lr 1e10 saved a model at a loss of 7.8e20; --lr 1e30 left an empty run directory.
        foreach (var lr in new[] { "1e10", "1e30" })
        {
            string run = Path.Combine(dir.File("new"), "run");
            var r = Recur("classify", "train", train, "-o", run, "--lr", lr, "--epochs", "2", "--embed", "4", "--hidden", "4", "--fc", "4");
            Assert.Equal(1, r.Code);
            Assert.StartsWith("recur: error: training diverged in epoch 1", r.Err);
            Assert.Contains("; no model was saved", r.Err);
            Assert.Single(r.Err.Trim().Split('\n'));
            Assert.False(Directory.Exists(dir.File("new")), $"--lr {lr} left {dir.File("new")}");
        }
    }

    [Fact]
    public void ADivergedRunWithForceKeepsTheModelAlreadyThere()
    {
        using var dir = new TempDir();
        string run = TinyRun(dir);
        string model = Path.Combine(run, "model.safetensors");
        byte[] before = File.ReadAllBytes(model);
        string history = File.ReadAllText(Path.Combine(run, "history.csv"));
        var r = Recur("classify", "train", dir.File("train.csv"), "-o", run, "--force", "--lr", "1e10", "--embed", "4", "--hidden", "4", "--fc", "4");
        AssertOneLineError(r.Code, r.Err, $"nothing was saved; {model} is left as it was");
        Assert.Equal(before, File.ReadAllBytes(model));
        Assert.Equal(history, File.ReadAllText(Path.Combine(run, "history.csv")));
    }

    /// <summary>Every file and folder under <paramref name="dir"/> (a folder's bytes: none) with its bytes.</summary>
    internal static Dictionary<string, byte[]> Tree(string dir) =>
        Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).ToDictionary(f => f, f => File.Exists(f) ? File.ReadAllBytes(f) : []);

    internal static void AssertSameTree(Dictionary<string, byte[]> before, string dir)
    {
        var after = Tree(dir);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (file, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[file]), $"{file} changed");
    }

    // A run that fails after its first epoch was saved (here history.csv cannot be written: a folder has its
    // name) leaves the directory exactly as it was: with --force, the old run whole, not its model replaced
    // beside the old history and plots; in a directory without a run, no model without its history and plots.
    [Fact]
    public void ARunThatFailsLeavesTheDirectoryAsItWas()
    {
        using var dir = new TempDir();
        string run = TinyRun(dir);
        File.Delete(Path.Combine(run, "history.csv"));
        Directory.CreateDirectory(Path.Combine(run, "history.csv"));
        File.WriteAllText(Path.Combine(run, "history.csv", "mine.txt"), "mine");
        string other = dir.File("other");
        Directory.CreateDirectory(Path.Combine(other, "history.csv"));
        File.WriteAllText(Path.Combine(other, "history.csv", "mine.txt"), "mine");
        foreach (var (target, force) in new[] { (run, new[] { "--force" }), (other, []) })
        {
            var before = Tree(target);
            var r = global::Recur.Tests.Cli.RecurProcess.Run(["classify", "train", dir.File("train.csv"), "-o", target, .. force, "--epochs", "2",
                "--embed", "4", "--hidden", "4", "--fc", "4", "--seed", "5"]);
            r.AssertCleanError("history.csv");
            Assert.Equal(1, r.ExitCode);
            AssertSameTree(before, target);
        }
    }

    // A new run writes in place: its best epoch can be read while it trains, and outlasts a process killed outright.
    [Fact]
    public void ANewRunsBestEpochIsInItsDirectoryWhileItTrains()
    {
        using var dir = new TempDir();
        string run = dir.File("run"), model = Path.Combine(run, "model.safetensors");
        var info = global::Recur.Tests.Cli.RecurProcess.Info("classify", "train", WriteCsv(dir, "train.csv", TrainingTests.Synthetic(64, 1)),
            "-o", run, "--epochs", "100000", "--embed", "4", "--hidden", "4", "--fc", "4");
        using var p = System.Diagnostics.Process.Start(info)!;
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!File.Exists(model) && !p.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(20);
        Assert.False(p.HasExited, "the run ended before it was killed");
        Assert.True(File.Exists(model), "no model in the run directory while the run trains");
        p.Kill(entireProcessTree: true);
        p.WaitForExit();
        var r = Recur("info", model);
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("text classifier", r.Out);
    }

    // A directory holding any file a run writes (another run's history or plots, not only its model) is
    // refused before training unless --force; an empty one, or one of other files, is used as it is.
    [Fact]
    public void TrainRefusesToOverwriteAnyFileOfAnEarlierRun()
    {
        using var dir = new TempDir();
        string run = TinyRun(dir);
        string[] tiny = ["--epochs", "1", "--embed", "4", "--hidden", "4", "--fc", "4"];
        var written = Directory.GetFiles(run).Select(f => Path.GetFileName(f)).Order().ToArray();
        Assert.Equal(["accuracy.png", "accuracy.svg", "history.csv", "loss.png", "loss.svg", "model.safetensors"], written);
        foreach (var name in written)
        {
            string other = dir.File("other-" + name);
            Directory.CreateDirectory(other);
            string mine = Path.Combine(other, name);
            File.WriteAllText(mine, "mine");
            var r = global::Recur.Tests.Cli.RecurProcess.Run(["classify", "train", dir.File("train.csv"), "-o", other, .. tiny]);
            r.AssertCleanError($"'{mine}' already exists; choose another --output or pass --force to overwrite it");
            Assert.Equal(1, r.ExitCode);
            Assert.Equal("mine", File.ReadAllText(mine));
            Assert.Equal([mine], Directory.GetFiles(other));
        }

        string stale = dir.File("stale");
        Directory.CreateDirectory(stale);
        File.WriteAllText(Path.Combine(stale, "history.csv"), "mine");
        var forced = Recur(["classify", "train", dir.File("train.csv"), "-o", stale, "--force", .. tiny]);
        Assert.True(forced.Code == 0, forced.Err);
        Assert.StartsWith("epoch,train_loss", File.ReadAllText(Path.Combine(stale, "history.csv")));

        string empty = dir.File("empty"), notes = dir.File("notes");
        Directory.CreateDirectory(empty);
        Directory.CreateDirectory(notes);
        File.WriteAllText(Path.Combine(notes, "notes.txt"), "mine");
        foreach (var d in new[] { empty, notes })
        {
            var r = Recur(["classify", "train", dir.File("train.csv"), "-o", d, .. tiny]);
            Assert.True(r.Code == 0, r.Err);
            Assert.True(File.Exists(Path.Combine(d, "model.safetensors")));
        }
        Assert.Equal("mine", File.ReadAllText(Path.Combine(notes, "notes.txt")));
    }

    // A run directory in the folder of class folders it reads would put the model and plots among the texts
    // (a class folder's files, or a class of their own): refused at once, exit code 2, nothing written.
    // Beside a CSV file a run directory is fine; a CSV that is one of the run's own files is refused, --force or not.
    [Fact]
    public void TrainRefusesARunDirectoryInsideItsDataFolder()
    {
        using var dir = new TempDir();
        string data = dir.File("aclImdb");
        foreach (var (label, words) in new[] { ("neg", "bad awful"), ("pos", "good fine") })
        {
            Directory.CreateDirectory(Path.Combine(data, label));
            for (int i = 0; i < 4; i++) File.WriteAllText(Path.Combine(data, label, $"{i}.txt"), $"{words} {i}");
        }
        var before = Directory.GetFileSystemEntries(data, "*", SearchOption.AllDirectories).Order().ToArray();
        string[] tiny = ["--epochs", "1", "--embed", "4", "--hidden", "4", "--fc", "4"];
        string link = dir.File("link");
        Directory.CreateSymbolicLink(link, data);
        foreach (var (output, error) in new[]
        {
            (Path.Combine(data, "pos"), $"--output '{Path.Combine(data, "pos")}' is inside the data folder '{data}'"),
            (Path.Combine(data, "run"), $"--output '{Path.Combine(data, "run")}' is inside the data folder '{data}'"),
            (Path.Combine(data, "neg", "sub", "run"), "is inside the data folder"),
            (data, $"--output '{data}' is the data folder"),
            (Path.Combine(link, "pos"), "is inside the data folder"),   // the same folder through a symbolic link
        })
        {
            var r = global::Recur.Tests.Cli.RecurProcess.Run(["classify", "train", data, "-o", output, .. tiny]);
            r.AssertCleanError(error);
            Assert.Equal(2, r.ExitCode);
            Assert.Contains("choose a directory outside it", r.Err);
            Assert.Equal(before, Directory.GetFileSystemEntries(data, "*", SearchOption.AllDirectories).Order().ToArray());
        }
        // Given relative to the working directory, or with the data folder relative, it is the same folder.
        var rel = global::Recur.Tests.Cli.RecurProcess.RunIn(dir.Path, ["classify", "train", "aclImdb", "-o", "aclImdb/pos/../run", .. tiny]);
        rel.AssertCleanError("--output 'aclImdb/pos/../run' is inside the data folder 'aclImdb'");
        Assert.Equal(before, Directory.GetFileSystemEntries(data, "*", SearchOption.AllDirectories).Order().ToArray());

        // A sibling whose name only starts like the data folder's is outside it.
        var sibling = Recur(["classify", "train", data, "-o", data + "-run", .. tiny]);
        Assert.True(sibling.Code == 0, sibling.Err);

        // A run directory beside the CSV, or holding it, is fine; a CSV the run would overwrite is not, even with --force.
        string csv = WriteCsv(dir, "train.csv", TrainingTests.Synthetic(64, 1));
        var beside = Recur(["classify", "train", csv, "-o", dir.Path, .. tiny]);
        Assert.True(beside.Code == 0, beside.Err);
        string csvRun = dir.File("csvrun");
        Directory.CreateDirectory(csvRun);
        string history = WriteCsv(dir, Path.Combine("csvrun", "history.csv"), TrainingTests.Synthetic(64, 1));
        string text = File.ReadAllText(history);
        var own = global::Recur.Tests.Cli.RecurProcess.Run(["classify", "train", history, "-o", csvRun, "--force", .. tiny]);
        own.AssertCleanError($"the data '{history}' is the run's history.csv, which the run would overwrite; move it out of '{csvRun}' or choose another --output");
        Assert.Equal(2, own.ExitCode);
        Assert.Equal(text, File.ReadAllText(history));
        Assert.Equal(["history.csv"], Directory.GetFileSystemEntries(csvRun).Select(Path.GetFileName));
    }

    [Fact]
    public void DataAndSizeErrorsAreShortAndSayWhatToDo()
    {
        using var dir = new TempDir();
        string review = string.Concat(Enumerable.Repeat("A long review of a film. ", 40));
        string csv = dir.Write("d.csv", $"label,title,text\n0,\"{review}1\",x\n1,\"{review}2\",y\n1,\"{review}3\",z\n");
        var r = Recur("classify", "train", csv, "-o", dir.File("run"), "--label-column", "title");
        AssertOneLineError(r.Code, r.Err, $"{csv} line 2: label 'A long review of a film. A long review o...' (1001 chars) is on this text only");
        Assert.True(r.Err.Length < 400, r.Err);
        Assert.Contains("choose it with --label-column", r.Err);

        r = Recur("classify", "train", csv, "-o", dir.File("run"), "--label-column", "text");
        AssertOneLineError(r.Code, r.Err, "--label-column 'text' and --text-column 'text' name the same column; pick different columns for the two");
        // The text column given as the default label column: it told the user to fix a --label-column never given.
        r = Recur("classify", "train", csv, "-o", dir.File("run"), "--text-column", "label");
        AssertOneLineError(r.Code, r.Err, "line 1: --label-column 'label' and --text-column 'label' name the same column; pick different columns for the two: the labels' with --label-column (default 'label'), the texts' with --text-column (default 'text')");

        r = Recur("classify", "train", csv, "-o", dir.File("run"), "--batch-size", "0");
        AssertOneLineError(r.Code, r.Err, "--batch-size must be at least 1 (got 0)");
        r = Recur("classify", "train", csv, "-o", dir.File("run"), "--dropout", "1");
        AssertOneLineError(r.Code, r.Err, "--dropout must be in [0, 1) (got 1)");

        string one = dir.Write("one.csv", "label,text\n1,good\n1,fine\n");
        r = Recur("classify", "train", one, "-o", dir.File("run"));
        AssertOneLineError(r.Code, r.Err, $"{one}: every text has label '1'");

        string dup = dir.Write("dup.csv", "label,label,text\n0,1,x\n");
        r = Recur("classify", "train", dup, "-o", dir.File("run"));
        AssertOneLineError(r.Code, r.Err, "dup.csv line 1: the header names column 'label' 2 times");

        string train = WriteCsv(dir, "train.csv", TrainingTests.Synthetic(64, 1));
        r = Recur("classify", "train", train, "-o", dir.File("run"), "--hidden", "100000000");
        AssertOneLineError(r.Code, r.Err, "--hidden 100000000 is too large: ");
        Assert.False(Directory.Exists(dir.File("run")));
    }

    // Ctrl-C: the epoch under way is dropped; after a saved epoch the model stays and loads, before one
    // the run directory this run made is removed.
    [Fact]
    public async Task CtrlCKeepsTheSavedEpochOrRemovesTheNewDirectory()
    {
        using var dir = new TempDir();
        string train = WriteCsv(dir, "train.csv", TrainingTests.Synthetic(256, 1));
        string run = dir.File("run");
        string[] tiny = ["--embed", "8", "--hidden", "8", "--fc", "8", "--epochs", "1000000"];
        var (code, err) = await global::Recur.Tests.Cli.RecurProcess.Interrupt(["classify", "train", train, "-o", run, .. tiny], () => Directory.Exists(run) && Directory.EnumerateFiles(run, "history.csv", SearchOption.AllDirectories).Any());
        Assert.Equal(130, code);
        Assert.Matches(@"^recur: stopping after this batch \(Ctrl-C again to quit at once\)\nrecur: interrupted in epoch \d+; .*model\.safetensors keeps the model of epoch \d+\n$", PlotText.WithoutFontWarning(err));
        Assert.True(File.Exists(Path.Combine(run, "loss.png")));
        Assert.Equal(0, Recur("classify", "eval", run, train).Code);

        // Before the first epoch ends (one text per step, a wider model: an epoch of seconds).
        string slow = dir.File("slow");
        (code, err) = await global::Recur.Tests.Cli.RecurProcess.Interrupt(["classify", "train", WriteCsv(dir, "big.csv", TrainingTests.Synthetic(8000, 2)), "-o", slow,
            "--hidden", "256", "--batch-size", "1"], () => Directory.Exists(slow));
        Assert.Equal(130, code);
        Assert.EndsWith("recur: interrupted in epoch 1; nothing was saved\n", err);
        Assert.False(Directory.Exists(slow));
    }

    [Theory]
    [InlineData("train")]
    [InlineData("eval")]
    [InlineData("predict")]
    public void HelpListsEveryOptionWithItsDefault(string command)
    {
        var r = Recur("classify", command, "--help");
        Assert.Equal(0, r.Code);
        var options = r.Out.Split('\n').Where(l => l.TrimStart().StartsWith("--") || l.TrimStart().StartsWith("-o,") || l.TrimStart().StartsWith("-f,")).ToList();
        Assert.NotEmpty(options);
        foreach (var line in options.Where(l => !l.Contains("(REQUIRED)")))
            Assert.True(line.Contains("default"), $"no default shown: {line.Trim()}");
    }
}
