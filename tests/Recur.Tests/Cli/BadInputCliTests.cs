// Careless input found by an audit of every command: each is one "recur: error:" line naming what is
// wrong, and nothing the user had is overwritten.
using System.Text.Json;
using System.Text.Json.Nodes;
using Recur.IO;
using Recur.Tests.Support;

namespace Recur.Tests.Cli;

public class BadInputCliTests
{
    [Fact]
    public void ParseErrorsAreOneLineInTheUsersTerms()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(2000));
        string run = tmp.File("run");
        RecurProcess.Run("train", corpus, "-o", run, "--steps", "abc").AssertCleanError("--steps 'abc' is not a whole number (within range); run 'recur train --help'");
        RecurProcess.Run("train", corpus, "-o", run, "--seed", "-1").AssertCleanError("--seed '-1' is not a whole number of 0 or more");
        RecurProcess.Run("train", corpus, "-o", run, "--cell", "lsmt").AssertCleanError("--cell: 'lsmt' is not one of lstm, gru, rnn, rnn-relu, loop");
        RecurProcess.Run("train", corpus, "-o", run, "--steps", "1", "--steps", "2").AssertCleanError("--steps is given 2 times");
        RecurProcess.Run("eval").AssertCleanError("missing MODEL and FILE");
        RecurProcess.Run("forecast", "train", corpus).AssertCleanError("missing --output; run 'recur forecast train --help'");   // was "Option '--output' is required"
        RecurProcess.Run("frobnicate").AssertCleanError("unknown option or argument 'frobnicate'; run 'recur --help'");
        // CORPUS takes any number of files, so an unknown option reaches it rather than the parser.
        RecurProcess.Run("train", corpus, "--batch-size", "8", "-o", run).AssertCleanError("unknown option '--batch-size'");
        RecurProcess.Run("classify", "predict", tmp.File("model"), "--bogus", "a fine film").AssertCleanError("unknown option '--bogus'");
        RecurProcess.Run("forecast", "eval", tmp.File("model"), corpus, "--threads", "5000").AssertCleanError("--threads must be from 1 to 1024");
        RecurProcess.Run("train", corpus, "-o", "").AssertCleanError("--output is empty");
        RecurProcess.Run("eval", "", corpus).AssertCleanError("MODEL is empty");
        Assert.False(Directory.Exists(run));

        // A malformed command line exits with 2, whether the parser or a command finds it; a wrong value 1.
        var usage = new[]
        {
            RecurProcess.Run("train", corpus, "-o", run, "--bogus"), RecurProcess.Run("train", corpus), RecurProcess.Run("numbers"),
            RecurProcess.Run("train", corpus, "-o", run, "--time", "10x"), RecurProcess.Run("sample", "--bogus"),
            RecurProcess.Run("classify", "predict", tmp.File("model"), "--bogus"), RecurProcess.Run("forecast", "eval", "--m", corpus),
            RecurProcess.Run("forecast", "baseline", corpus, "--train-end", "2020-13-01"), RecurProcess.Run("train", corpus, "-o", run, "--hidden", "abc"),
            RecurProcess.Run("classify", "predict", tmp.File("model")), RecurProcess.Run("classify", "predict", tmp.File("model"), "a fine film", "-f", corpus),
        };
        Assert.All(usage, r => Assert.True(r.ExitCode == 2, $"exit code {r.ExitCode}: {r.Err}"));
        Assert.Contains("unknown option '--bogus'; run 'recur sample --help'", usage[4].Err);
        Assert.Contains("recur: error: give texts to classify, or --file with one text per line", usage[^2].Err);   // once exit code 1
        Assert.Contains("recur: error: give texts or --file, not both", usage[^1].Err);
        Assert.Equal(1, RecurProcess.Run("train", corpus, "-o", run, "--threads", "0").ExitCode);
        // Plain seconds of 0 or less are a duration too short, not "not a duration" (as 0s is).
        var zero = RecurProcess.Run("train", corpus, "-o", run, "--time", "0");
        zero.AssertCleanError("--time '0' must be longer than zero");
        Assert.Equal(1, zero.ExitCode);
        RecurProcess.Run("demo", "--time", "-5").AssertCleanError("--time '-5' must be longer than zero");
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void ADecimalCommaIsRefusedNotReadAsThousands()
    {
        // The parser reads numbers in the invariant culture, where "0,002" is 2 (a comma groups thousands): a user
        // whose own culture writes decimal commas (German, French) trained at lr 2 and sampled at temperature 8.
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(2000));
        string run = tmp.File("run");
        var lr = RecurProcess.Run("train", corpus, "-o", run, "--lr", "0,002", "--steps", "2", "--hidden", "8", "--batch", "4", "--seq", "10");
        lr.AssertCleanError("--lr '0,002' has a comma: write a decimal point (0.002 if the comma was one)");
        Assert.Equal(2, lr.ExitCode);
        RecurProcess.Run("train", corpus, "-o", run, "--epochs", "1,000").AssertCleanError("--epochs '1,000' has a comma");
        RecurProcess.Run("sample", run, "--temperature", "0,8").AssertCleanError("--temperature '0,8' has a comma");
        RecurProcess.Run("classify", "train", corpus, "-o", run, "--dropout", "0,5").AssertCleanError("--dropout '0,5' has a comma");
        RecurProcess.Run("forecast", "train", corpus, "-o", run, "--lr", "0,01").AssertCleanError("--lr '0,01' has a comma");
        Assert.False(Directory.Exists(run));
        // A decimal point, and an exponent, are still numbers.
        Assert.Equal(0, RecurProcess.Run("train", corpus, "-o", run, "--lr", "2e-3", "--dropout", "0.1", "--steps", "2", "--hidden", "8", "--batch", "4", "--seq", "10").ExitCode);
    }

    [Fact]
    public void ADurationNamesEachUnitOnceLargestFirst()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(2000));
        string run = tmp.File("run");
        // 1h1h was read as 2h and 30m1h as 1h30m: a unit given twice or out of order is a slip, malformed like 10x.
        foreach (var t in new[] { "1h1h", "30m1h", "10s5m", "1m1m", "1h30s30m" })
        {
            var r = RecurProcess.Run("train", corpus, "-o", run, "--time", t);
            r.AssertCleanError($"--time '{t}' is not a duration; write e.g. 90s, 30m, 1h30m or 2h (h, m and s at most once each, in that order)");
            Assert.Equal(2, r.ExitCode);
        }
        // Every form that reads still does: --hidden 0, checked just after --time, is the error each one meets.
        foreach (var t in new[] { "90s", "30m", "1h30m", "2h", "1.5h", "1h30m10s", "1h10s", "45", "0.001s", " 2h " })
            RecurProcess.Run("train", corpus, "-o", run, "--time", t, "--hidden", "0").AssertCleanError("--hidden must be at least 1 (got 0)");
        Assert.False(Directory.Exists(run));
    }

    [Fact]
    public void SizesPastWhatATensorHoldsNameTheOption()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(2000));
        string run = tmp.File("run");
        RecurProcess.Run("train", corpus, "-o", run, "--hidden", "50000").AssertCleanError("--hidden 50000 makes a recurrent weight of 200,000 × 50,000");
        RecurProcess.Run("train", corpus, "-o", run, "--layers", "100000").AssertCleanError("--layers 100000 is more than 64");
        RecurProcess.Run("train", corpus, "-o", run, "--layers", "64", "--hidden", "4000").AssertCleanError("parameters, more than one array holds");
        RecurProcess.Run("train", corpus, "-o", run, "--batch", "100000", "--seq", "100000").AssertCleanError("more logits than one tensor holds");
        RecurProcess.Run("train", corpus, "-o", run, "--threads", "100000").AssertCleanError("--threads must be from 1 to 1024");
        RecurProcess.Run("train", corpus, "-o", run, "--time", "99999999999h").AssertCleanError("longer than a year");
        // An infinite budget once trained, then failed writing its JSON summary ("number values such as infinity ...").
        RecurProcess.Run("train", corpus, "-o", run, "--epochs", "1e999", "--steps", "2").AssertCleanError("--epochs must be positive and finite");
        RecurProcess.Run("demo", "--time", "99999999999h", "-o", tmp.File("demo")).AssertCleanError("longer than a year");
        string reviews = tmp.Write("r.csv", "label,text\n1,a good film\n0,a bad film\n1,very good\n0,very bad\n");
        RecurProcess.Run("classify", "train", reviews, "-o", run, "--lr", "Infinity").AssertCleanError("--lr must be positive and finite");
        Assert.False(Directory.Exists(run) || Directory.Exists(tmp.File("demo")));
    }

    // -o misuse has one exit code whatever the command: 2 where the arguments contradict each other (-o names the
    // command's own input, an input is a file the run writes, --resume with another -o), as for a malformed command
    // line; 1 where the file system refuses the -o (a file, a path through one, a directory holding a run), as
    // for an input that does not exist. train's were 1 throughout, -o through a file was found only after the
    // corpus was read ("too short for one batch" came first), and "cannot be written (Could not find a part of the path ...)".
    [Fact]
    public void OutputMisuseHasOneExitCodeAcrossCommands()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(2000));
        string reviews = tmp.Write("r.csv", "label,text\n1,a good film\n0,a bad film\n");
        string bars = Forecasting.ForecastTestData.Write(tmp.Path, "bars.csv", Forecasting.ForecastTestData.WalkLines(600));
        string file = tmp.Write("notes.txt", "mine"), under = Path.Combine(file, "run");
        Directory.CreateDirectory(tmp.File("texts"));
        string plotCorpus = tmp.Write("texts/loss.svg", "a corpus named as a plot\n"), modelCorpus = tmp.Write("texts/model.safetensors", "a corpus\n");
        string run = tmp.File("run");
        Assert.Equal(0, RecurProcess.Run("train", corpus, "-o", run, "--steps", "1", "--batch", "4", "--seq", "10", "--hidden", "8").ExitCode);
        var before = Directory.GetFileSystemEntries(tmp.Path, "*", SearchOption.AllDirectories).Order().ToArray();
        foreach (var (args, code, message) in new (string[], int, string)[]
        {
            (["train", corpus, "-o", corpus], 2, $"--output '{corpus}' is the corpus; give a directory for the run"),
            (["train", corpus, "--val-file", reviews, "-o", reviews], 2, $"--output '{reviews}' is the validation file; give a directory for the run"),
            (["train", plotCorpus, "-o", tmp.File("texts")], 2, $"the corpus '{plotCorpus}' is the run's loss.svg, which the run would overwrite"),
            (["train", modelCorpus, "-o", tmp.File("texts")], 2, $"the corpus '{modelCorpus}' is the run's model.safetensors, which the run would overwrite"),
            (["train", corpus, "--init-from", Path.Combine(run, "model.safetensors"), "-o", run], 2,
                $"--init-from '{Path.Combine(run, "model.safetensors")}' is the run's model.safetensors, which the run would overwrite; move it out of '{run}' or choose another --output"),
            (["train", corpus, "--init-from", Path.Combine(run, "checkpoint-1.safetensors"), "-o", run], 2, "is the run's checkpoint-1.safetensors, which the run would overwrite"),
            (["train", "--resume", run, "-o", tmp.File("other")], 2, $"--resume continues in its own directory; drop -o {tmp.File("other")} or make it {run}"),
            (["classify", "train", reviews, "-o", reviews], 2, $"--output '{reviews}' is the data; give a directory for the run"),
            (["forecast", "train", bars, "-o", bars], 2, $"--output '{bars}' is the CSV; give a directory for the run"),
            (["train", corpus, "-o", file], 1, $"--output '{file}' is a file; give a directory for the run"),
            (["classify", "train", reviews, "-o", file], 1, $"--output '{file}' is a file; give a directory for the run"),
            (["forecast", "train", bars, "-o", file], 1, $"--output '{file}' is a file; give a directory for the run"),
            (["numbers", "-o", file], 1, $"output directory '{file}' is a file; give a directory"),
            (["train", corpus, "-o", under], 1, $"--output '{under}' is inside '{file}', which is a file; give a directory for the run"),
            (["classify", "train", reviews, "-o", under], 1, $"--output '{under}' is inside '{file}', which is a file; give a directory for the run"),
            (["forecast", "train", bars, "-o", under], 1, $"--output '{under}' is inside '{file}', which is a file; give a directory for the run"),
            (["numbers", "-o", under], 1, $"output directory '{under}' is inside '{file}', which is a file; give a directory"),
            (["train", corpus, "-o", run], 1, $"{run} already holds a training run"),
        })
        {
            var r = RecurProcess.Run(args);
            r.AssertCleanError(message);
            Assert.True(r.ExitCode == code, $"recur {string.Join(' ', args)}: exit code {r.ExitCode}, not {code}");
        }
        Assert.Equal(before, Directory.GetFileSystemEntries(tmp.Path, "*", SearchOption.AllDirectories).Order().ToArray());
        Assert.Equal("mine", File.ReadAllText(file));
    }

    // Options that contradict each other make a malformed command line, as the -o cases above: exit code 2, and
    // nothing written.
    [Fact]
    public void ContradictoryOptionsExitWithTwo()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(2000));
        string run = tmp.File("run"), model = Path.Combine(run, "model.safetensors");
        Assert.Equal(0, RecurProcess.Run("train", corpus, "-o", run, "--steps", "1", "--batch", "4", "--seq", "10", "--hidden", "8").ExitCode);
        string reviews = tmp.Write("r.csv", "label,text\n1,a good film\n0,a bad film\n1,good\n0,bad\n");
        string classifier = tmp.File("cls");
        Assert.Equal(0, RecurProcess.Run("classify", "train", reviews, "-o", classifier, "--epochs", "1", "--embed", "4", "--hidden", "4", "--fc", "4").ExitCode);
        var before = Directory.GetFileSystemEntries(tmp.Path, "*", SearchOption.AllDirectories).Order().ToArray();
        string fresh = tmp.File("fresh");
        foreach (var (args, message) in new (string[], string)[]
        {
            (["train", corpus, "-o", fresh, "--init-from", model, "--hidden", "16"], "--hidden is fixed by the --init-from model"),
            (["train", corpus, "-o", fresh, "--val-file", corpus, "--val-frac", "0.2"], "--val-file replaces the validation split; leave --val-frac out"),
            (["train", corpus, "-o", fresh, "--max-vocab", "50"], "--max-vocab applies to --tokens words"),
            (["train", corpus, "-o", fresh, "--momentum", "0.5"], "--momentum applies to --optimizer sgd or rmsprop (adam keeps its own moments); leave it out"),
            (["train", "--resume", run, "--init-from", model], "--init-from starts a new run from a model; drop it to resume"),
            (["classify", "predict", classifier, "--file", "-", "--delimiter", ";"], "--delimiter and --text-column read a table from a file"),
        })
        {
            var r = RecurProcess.Run(args);
            r.AssertCleanError(message);
            Assert.True(r.ExitCode == 2, $"recur {string.Join(' ', args)}: exit code {r.ExitCode}, not 2");
        }
        Assert.Equal(before, Directory.GetFileSystemEntries(tmp.Path, "*", SearchOption.AllDirectories).Order().ToArray());
    }

    [Fact]
    public void NothingTheUserHadIsOverwritten()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(2000));

        // A model that is not a resumable run (copied in, or another command's) stays as it was.
        string other = tmp.File("other");
        Directory.CreateDirectory(other);
        string model = tmp.Write("other/model.safetensors", "someone's model");
        RecurProcess.Run("train", corpus, "-o", other, "--steps", "2").AssertCleanError("already holds a model.safetensors that is not a resumable run");
        Assert.Equal("someone's model", File.ReadAllText(model));

        // Nor are an earlier run's snapshots (which --keep would remove) or plots, without a state or model.
        foreach (var name in new[] { "checkpoint-2.safetensors", "loss.png", "loss.svg", "accuracy.png", "accuracy.svg" })
        {
            string dir = tmp.File("old-" + name);
            Directory.CreateDirectory(dir);
            string kept = tmp.Write($"old-{name}/{name}", "an earlier run's");
            RecurProcess.Run("train", corpus, "-o", dir, "--steps", "2").AssertCleanError(name);
            Assert.Equal("an earlier run's", File.ReadAllText(kept));
            Assert.Single(Directory.GetFileSystemEntries(dir));
        }
        string notes = tmp.File("notes");
        Directory.CreateDirectory(notes);
        tmp.Write("notes/notes.txt", "mine");
        Assert.Equal(0, RecurProcess.Run("train", corpus, "-o", notes, "--steps", "2", "--batch", "4", "--seq", "16").ExitCode);
        var underFile = RecurProcess.Run("train", corpus, "-o", Path.Combine(corpus, "run"), "--steps", "2", "--batch", "4", "--seq", "16");
        underFile.AssertCleanError($"is inside '{corpus}', which is a file; give a directory for the run");
        // -o naming the corpus itself, or a corpus named as a file the run writes, is refused (train has no --force).
        string text = File.ReadAllText(corpus);
        RecurProcess.Run("train", corpus, "-o", corpus, "--steps", "2").AssertCleanError("is the corpus; give a directory for the run");
        Directory.CreateDirectory(tmp.File("texts"));
        string plotCorpus = tmp.Write("texts/loss.svg", text);
        RecurProcess.Run("train", plotCorpus, "-o", tmp.File("texts"), "--steps", "2").AssertCleanError($"the corpus '{plotCorpus}' is the run's loss.svg, which the run would overwrite");
        Assert.Equal(text, File.ReadAllText(corpus));
        Assert.Equal(text, File.ReadAllText(plotCorpus));

        string numbers = tmp.File("numbers");
        Directory.CreateDirectory(numbers);
        tmp.Write("numbers/train.txt", "keep me");
        RecurProcess.Run("numbers", "-o", numbers).AssertCleanError("already exists and holds other text");
        Assert.Equal("keep me", File.ReadAllText(Path.Combine(numbers, "train.txt")));
        Assert.False(File.Exists(Path.Combine(numbers, "valid.txt")));
        Assert.Equal(0, RecurProcess.Run("numbers", "-o", tmp.File("n2")).ExitCode);
        Assert.Equal(0, RecurProcess.Run("numbers", "-o", tmp.File("n2")).ExitCode);   // the same corpus again is fine

        RecurProcess.Run("demo", "-o", numbers, "--time", "1s").AssertCleanError("demo directory");
        Assert.Equal(["train.txt"], Directory.GetFiles(numbers).Select(Path.GetFileName));
    }

    [Fact]
    public void AnUnreadableInputSaysPermissionDenied()
    {
        if (OperatingSystem.IsWindows()) return;
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(2000));
        string reviews = tmp.Write("r.csv", "label,text\n1,a good film\n0,a bad film\n");
        Directory.CreateDirectory(tmp.File("folder/pos"));
        Directory.CreateDirectory(tmp.File("folder/neg"));
        tmp.Write("folder/pos/1.txt", "a good film");
        string locked = tmp.File("folder/neg");
        foreach (var f in new[] { corpus, reviews }) File.SetUnixFileMode(f, UnixFileMode.None);
        File.SetUnixFileMode(locked, UnixFileMode.None);
        // Root reads anything: the refusal can only be checked where the OS enforces it.
        bool enforced;
        try { using (File.OpenRead(corpus)) { } enforced = false; } catch (UnauthorizedAccessException) { enforced = true; }
        if (enforced)
        {
            // Each once said only "Access to the path '/tmp/.../c.txt' is denied.".
            RecurProcess.Run("train", corpus, "-o", tmp.File("run")).AssertCleanError($"{corpus}: permission denied (cannot read it)");
            RecurProcess.Run("classify", "train", reviews, "-o", tmp.File("run")).AssertCleanError($"{reviews}: permission denied (cannot read it)");
            RecurProcess.Run("classify", "train", tmp.File("folder"), "-o", tmp.File("run")).AssertCleanError($"{locked}: permission denied (cannot list the folder)");
            Assert.False(Directory.Exists(tmp.File("run")));
        }
        File.SetUnixFileMode(locked, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [Fact]
    public void AReadOnlyRunIsRefusedBeforeResumingTrains()
    {
        if (OperatingSystem.IsWindows()) return;
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(3000));
        string run = tmp.File("run");
        Assert.Equal(0, RecurProcess.Run("train", corpus, "-o", run, "--steps", "2", "--hidden", "8", "--layers", "1", "--batch", "4", "--seq", "10").ExitCode);
        var before = Directory.GetFiles(run).ToDictionary(f => f, File.ReadAllBytes);
        File.SetUnixFileMode(run, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        // Root writes anywhere: the refusal can only be checked where the OS enforces it.
        bool enforced;
        try { File.WriteAllText(Path.Combine(run, "probe"), ""); File.Delete(Path.Combine(run, "probe")); enforced = false; } catch (UnauthorizedAccessException) { enforced = true; }
        if (enforced)
        {
            // It once trained up to the first save and only then failed ("model.safetensors: permission denied").
            var r = RecurProcess.Run("train", "--resume", run, "--steps", "4");
            r.AssertCleanError($"{run}: cannot write to the run directory");
            Assert.Contains("resuming saves there: make it writable", r.Err);
            Assert.DoesNotContain("train step", r.Out + r.Err);
        }
        File.SetUnixFileMode(run, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        foreach (var (file, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(file)), $"{file} changed");
    }

    [Fact]
    public void AModelFromAnotherCommandNamesTheCommandsThatUseIt()
    {
        using var tmp = new TempDir();
        string Model(string name, string key, string value)
        {
            string path = tmp.File(name);
            Safetensors.Write(path, [("w", new TensorData([0f], 1))], new Dictionary<string, string> { [key] = value });
            return path;
        }
        string lm = Model("lm.safetensors", "recur.config", "{}"), state = Model("state.safetensors", "recur.progress", "{}");
        string classifier = Model("c.safetensors", "format", "recur.classifier/1"), forecaster = Model("f.safetensors", "format", "recur-forecast/1");
        string csv = tmp.Write("d.csv", "label,text\n1,good\n0,bad\n");
        // These once said "no 'format' in its metadata" or "format 'recur.classifier/1' is not recur-forecast/1".
        RecurProcess.Run("classify", "eval", lm, csv).AssertCleanError("lm.safetensors: a language model, not a text classifier; use it with 'recur sample', 'recur eval' or 'recur info'");
        RecurProcess.Run("classify", "predict", forecaster, "good").AssertCleanError("a forecaster, not a text classifier; use it with 'recur forecast eval', 'recur forecast predict' or 'recur info'");
        RecurProcess.Run("forecast", "eval", classifier, csv).AssertCleanError("a text classifier, not a forecaster; use it with 'recur classify eval', 'recur classify predict' or 'recur info'");
        RecurProcess.Run("forecast", "predict", state, csv).AssertCleanError("a language model's training state, not a forecaster; use it with 'recur train --resume' on its run directory");
        RecurProcess.Run("sample", forecaster).AssertCleanError("a forecaster, not a language model; use it with 'recur forecast eval'");
    }

    [Fact]
    public void DivergingBeforeTheFirstSaveSaysNothingWasSaved()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(3000));
        string run = tmp.File("run");
        var r = RecurProcess.Run("train", corpus, "-o", run, "--lr", "1e10", "--steps", "5", "--hidden", "16", "--batch", "4", "--seq", "10", "--json");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("recur: error: training diverged at step 2: loss", r.Err);   // after the prose --json sends to stderr
        Assert.Contains("nothing was saved yet — lower --lr or --clip and start again", r.Err);
        Assert.Contains("\"model\":null", r.Out);
        // The directory it made holds nothing to keep, so it goes (it was once left empty).
        Assert.False(Directory.Exists(run), "a diverged run left the directory it made");
        // In a directory the user had, "start again" works: no plots were left there to refuse it (they once were).
        Directory.CreateDirectory(run);
        Assert.Equal(1, RecurProcess.Run("train", corpus, "-o", run, "--lr", "1e10", "--steps", "5", "--hidden", "16", "--batch", "4", "--seq", "10").ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(run));
        Assert.Equal(0, RecurProcess.Run("train", corpus, "-o", run, "--steps", "2", "--hidden", "16", "--batch", "4", "--seq", "10").ExitCode);

        // A validation before the divergence saved a model but no state: the run can neither resume nor start again there.
        string validated = tmp.File("validated");
        var v = RecurProcess.Run("train", corpus, "-o", validated, "--lr", "1e10", "--steps", "5", "--hidden", "16", "--batch", "4", "--seq", "10", "--eval-every", "1");
        Assert.Equal(1, v.ExitCode);
        Assert.True(File.Exists(Path.Combine(validated, "model.safetensors")));
        Assert.Contains("no training state was saved yet, so the run cannot resume — lower --lr or --clip and start again in another run directory", v.Err);
    }

    [Fact]
    public void ADamagedModelFileIsNamedNotCrashedOn()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(3000));
        string run = tmp.File("run");
        Assert.Equal(0, RecurProcess.Run("train", corpus, "-o", run, "--steps", "3", "--hidden", "16", "--layers", "1", "--batch", "4", "--seq", "10", "--eval-every", "3").ExitCode);
        var contents = ModelFile.Load(Path.Combine(run, "model.safetensors"));
        var tensors = contents.Tensors.Select(kv => (kv.Key, kv.Value)).ToList();

        string badSummary = tmp.File("summary.safetensors");
        Safetensors.Write(badSummary, tensors, new Dictionary<string, string>(contents.Metadata) { ["recur.run"] = "{broken" });
        var info = RecurProcess.Run("info", badSummary);
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("training summary (metadata recur.run) is damaged", info.Err);
        Assert.Contains("architecture: lstm 1×16", info.Out);

        var bias = contents.Tensors["fc.bias"];
        var nan = bias.Floats!.ToArray();
        nan[1] = float.NaN;
        string damaged = tmp.File("nan.safetensors");
        Safetensors.Write(damaged, tensors.Select(t => t.Key == "fc.bias" ? (t.Key, new TensorData(nan, bias.Shape)) : t), contents.Metadata);
        RecurProcess.Run("sample", damaged).AssertCleanError("tensor fc.bias holds NaN or infinite values");
    }

    // Metadata of the wrong JSON type once reached the user in .NET's words ("could not be converted to
    // System.String. Path: $[0] | LineNumber: 0 ..."; "System.DateOnly"; "The input string 'abc' was not in a
    // correct format"): each now names the file, the metadata key, the field and what it should be, and says damaged.
    [Fact]
    public void DamagedMetadataSaysWhichFieldAndWhatItShouldBe()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(3000));
        string run = tmp.File("run");
        Assert.Equal(0, RecurProcess.Run("train", corpus, "-o", run, "--steps", "2", "--hidden", "8", "--layers", "1", "--batch", "4", "--seq", "10").ExitCode);
        string lm = Path.Combine(run, "model.safetensors");
        string csv = tmp.Write("d.csv", "label,text\n1,good fine\n0,bad awful\n1,great\n0,poor\n");
        Assert.Equal(0, RecurProcess.Run("classify", "train", csv, "-o", tmp.File("cl"), "--epochs", "1", "--embed", "4", "--hidden", "4", "--fc", "4").ExitCode);
        string classifier = tmp.File("cl/model.safetensors");
        string prices = Forecasting.ForecastTestData.Write(tmp.Path, "walk.csv", Forecasting.ForecastTestData.WalkLines(600));
        Assert.Equal(0, RecurProcess.Run("forecast", "train", prices, "-o", tmp.File("fc"), "--epochs", "1", "--hidden", "4",
            "--train-end", "2001-12-31", "--test-start", "2002-01-01", "--test-end", "2002-04-30").ExitCode);
        string forecaster = tmp.File("fc/model.safetensors");

        int n = 0;
        string Damage(string model, string key, Func<string, string> edit)
        {
            var contents = ModelFile.Load(model);
            string path = tmp.File($"damaged-{n++}.safetensors");
            Safetensors.Write(path, contents.Tensors.Select(kv => (kv.Key, kv.Value)),
                new Dictionary<string, string>(contents.Metadata) { [key] = edit(contents.Metadata[key]) });
            return path;
        }
        void Refused(string[] command, string path, string message)
        {
            var r = RecurProcess.Run(command);
            r.AssertCleanError($"recur: error: {path}: {message}");
            Assert.DoesNotContain("System.", r.Err);
            Assert.DoesNotContain("LineNumber", r.Err);
        }

        foreach (var (key, edit, message) in new (string, Func<string, string>, string)[]
        {
            ("recur.vocab", v => "[1, 2]", "metadata 'recur.vocab' entry 1 should be a string; the file is damaged"),
            ("recur.vocab", v => "\"abc\"", "metadata 'recur.vocab' should be a list of strings; the file is damaged"),
            ("recur.config", c => c.Replace("\"hidden\":8", "\"hidden\":\"many\""), "metadata 'recur.config' field 'hidden' should be a whole number within range; the file is damaged"),
            ("recur.config", c => c.Replace("\"tie\":false", "\"tie\":0"), "metadata 'recur.config' field 'tie' should be true or false; the file is damaged"),
            ("recur.config", c => c[..^1], "metadata 'recur.config' is not valid JSON"),
            ("recur.config", c => "", "metadata 'recur.config' is empty; the file is damaged"),
        })
        {
            string path = Damage(lm, key, edit);
            Refused(["sample", path, "--length", "3"], path, message);
            Refused(["info", path], path, message);
        }

        foreach (var (key, edit, message) in new (string, Func<string, string>, string)[]
        {
            ("config", c => c.Replace("\"train_end\":\"2001-12-31\"", "\"train_end\":\"2001-13-31\""), "metadata 'config' field 'train_end' should be a date (yyyy-mm-dd); the file is damaged"),
            ("config", c => c.Replace("\"train_start\":null", "\"train_start\":\"soon\""), "metadata 'config' field 'train_start' should be a date (yyyy-mm-dd) or null; the file is damaged"),
            ("config", c => c.Replace("\"cell\":\"lstm\"", "\"cell\":\"xyz\""), "metadata 'config' field 'cell' should be one of lstm, gru, rnn; the file is damaged"),
            ("config", c => c.Replace("\"seed\":42", "\"seed\":-42"), "metadata 'config' field 'seed' should be a whole number of 0 or more, within range; the file is damaged"),
            ("scaler_mean", m => "\"abc\"", "metadata 'scaler_mean' should be a list of numbers; the file is damaged"),
            ("features", f => "[1]", "metadata 'features' entry 1 should be a string; the file is damaged"),
        })
        {
            string path = Damage(forecaster, key, edit);
            Refused(["forecast", "eval", path, prices], path, message);
        }

        foreach (var (key, edit, message) in new (string, Func<string, string>, string)[]
        {
            ("max_len", m => "abc", "damaged classifier metadata: 'max_len' should be empty (whole texts) or a whole number of 1 or more, not 'abc'"),
            ("max_len", m => "99999999999", "damaged classifier metadata: 'max_len' should be empty (whole texts) or a whole number of 1 or more, not '99999999999'"),
            ("vocab", v => "[1, 2]", "damaged classifier metadata: 'vocab' entry 1 should be a string"),
            ("labels", l => "{}", "damaged classifier metadata: 'labels' should be a list of strings"),
            ("config", c => c.Replace("\"bidirectional\":false", "\"bidirectional\":\"no\""), "damaged classifier metadata: 'config' field 'bidirectional' should be true or false"),
        })
        {
            string path = Damage(classifier, key, edit);
            Refused(["classify", "predict", path, "good"], path, message);
        }
    }

    // The fourth audit: a character model's vocabulary entry that is no single character ("" once crashed info
    // with "Index was out of range", naming no file; "zz" sampled and fine-tuned as if it were one character).
    [Fact]
    public void ACharacterVocabularyEntryThatIsNotOneCharacterIsDamage()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(3000));
        string run = tmp.File("run");
        Assert.Equal(0, RecurProcess.Run("train", corpus, "-o", run, "--steps", "2", "--hidden", "8", "--layers", "1", "--batch", "4", "--seq", "10").ExitCode);
        var contents = ModelFile.Load(Path.Combine(run, "model.safetensors"));
        var vocab = JsonSerializer.Deserialize<string[]>(contents.Metadata["recur.vocab"])!;
        foreach (var (entry, shown) in new[] { ("", "''"), ("zz", "'zz'") })
        {
            string edited = tmp.File($"vocab-{entry.Length}.safetensors");
            string[] tokens = [.. vocab[..^1], entry];
            Safetensors.Write(edited, contents.Tensors.Select(kv => (kv.Key, kv.Value)),
                new Dictionary<string, string>(contents.Metadata) { ["recur.vocab"] = JsonSerializer.Serialize(tokens) });
            string message = $"{edited}: a character model's vocabulary holds {shown} (entry {vocab.Length}), which is not one character; the file is damaged";
            foreach (var command in new[] { new[] { "info", edited }, ["sample", edited, "--length", "5"], ["eval", edited, corpus],
                         ["train", corpus, "-o", tmp.File("ft"), "--init-from", edited, "--steps", "1"] })
            {
                var r = RecurProcess.Run(command);
                r.AssertCleanError(message);
                Assert.Equal("", r.Out);
            }
        }
        Assert.False(Directory.Exists(tmp.File("ft")));
    }

    // The second audit: resuming from a damaged or mixed-up run directory, and limits in sample and eval.
    [Fact]
    public void ResumeSampleAndEvalEdges()
    {
        using var tmp = new TempDir();
        string corpus = tmp.Write("c.txt", TempDir.Corpus(3000));
        string[] small = ["--steps", "4", "--hidden", "16", "--layers", "1", "--batch", "4", "--seq", "10", "--eval-every", "2", "--checkpoint-every", "2"];
        string a = tmp.File("a"), b = tmp.File("b");
        Assert.Equal(0, RecurProcess.Run(["train", corpus, "-o", a, .. small]).ExitCode);
        Assert.Equal(0, RecurProcess.Run(["train", tmp.Write("other.txt", TempDir.Corpus(3000, seed: 3) + "XYZ"), "-o", b, .. small]).ExitCode);

        // sample: a --length past what a buffer's capacity can be told (it once overflowed); a --stop it cannot make.
        var s = RecurProcess.Run("sample", a, "--length", "2000000000", "--stop", " ");
        Assert.Equal(0, s.ExitCode);
        RecurProcess.Run("sample", a, "--stop", "天").AssertCleanError("--stop holds '天' (U+5929), which the model never generates");
        var e = RecurProcess.Run("eval", a, corpus, "--continuation", "2147483647");
        e.AssertCleanError("it needs 4,294,967,294");
        Assert.Equal("", e.Out);
        // A text shorter than one --seq window has no last-token accuracy (it once printed 0.00 %).
        var tiny = RecurProcess.Run("eval", a, tmp.Write("tiny.txt", "the cat sat"), "--seq", "20", "--json");
        Assert.Equal(0, tiny.ExitCode);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(tiny.Out).RootElement.GetProperty("last_token_accuracy").ValueKind);
        Assert.Contains("none on the last token of a 20-token window", tiny.Err);   // the prose, on stderr under --json

        // Another run's state copied in is refused; a deleted model is written again at the next validation.
        byte[] own = File.ReadAllBytes(Path.Combine(a, "state.safetensors"));
        File.Copy(Path.Combine(b, "state.safetensors"), Path.Combine(a, "state.safetensors"), overwrite: true);
        RecurProcess.Run("train", "--resume", a, "--steps", "6").AssertCleanError("come from different runs");
        File.WriteAllBytes(Path.Combine(a, "state.safetensors"), own);
        File.Delete(Path.Combine(a, "model.safetensors"));
        Assert.Equal(0, RecurProcess.Run("train", "--resume", a, "--steps", "6").ExitCode);
        Assert.True(File.Exists(Path.Combine(a, "model.safetensors")));

        File.Move(corpus, tmp.File("moved.txt"));
        RecurProcess.Run("train", "--resume", a, "--steps", "8").AssertCleanError("the run's corpus is not there any more; if it moved, give its new path");
        Assert.Equal(0, RecurProcess.Run("train", tmp.File("moved.txt"), "--resume", a, "--steps", "8").ExitCode);
        // A new path that is wrong is named as given (it was reported as the saved corpus gone missing).
        RecurProcess.Run("train", tmp.File("typo.txt"), "--resume", a, "--steps", "9").AssertCleanError($"corpus '{tmp.File("typo.txt")}' does not exist");
        RecurProcess.Run("train", tmp.Path, "--resume", a, "--steps", "9").AssertCleanError("is a directory, not a file");
        RecurProcess.Run("train", "--resume", Path.Combine(a, "state.safetensors"))
            .AssertCleanError($"--resume {Path.Combine(a, "state.safetensors")} is a file, not a run directory: give the run directory that holds it ({a})");
        // A file in no run (the corpus) once got "give the directory that holds moved.txt (.)", a directory with no run.
        RecurProcess.RunIn(tmp.Path, "train", "--resume", "moved.txt")
            .AssertCleanError("recur: error: --resume moved.txt is a file, not a run directory: give the run directory that 'recur train -o DIR' made");
        Directory.CreateDirectory(tmp.File("empty"));
        RecurProcess.RunIn(tmp.Path, "train", "--resume", "empty")
            .AssertCleanError("recur: error: empty: no state.safetensors here, so there is no run to resume (start one with: recur train CORPUS -o empty)");
        // A path that is not there at all says so (it read as a directory without a state file).
        RecurProcess.RunIn(tmp.Path, "train", "--resume", "nosuch")
            .AssertCleanError("recur: error: nosuch: no such directory, so there is no run to resume (start one with: recur train CORPUS -o nosuch)");

        // A setting out of range in an edited state is the saved run's: giving the option again cannot mend it (it
        // once read "--lr-decay must be in (0, 1] (got -0.5)", as if the command line had said so). One this command
        // line gives is still named as the option's own.
        string state = Path.Combine(a, "state.safetensors");
        byte[] intact = File.ReadAllBytes(state);
        var saved = Safetensors.Read(state);
        var trainConfig = JsonNode.Parse(saved.Metadata["recur.train_config"])!.AsObject();
        trainConfig["lr_decay"] = -0.5;
        Safetensors.Write(state, saved.Tensors.Select(t => (t.Key, t.Value)),
            new Dictionary<string, string>(saved.Metadata) { ["recur.train_config"] = trainConfig.ToJsonString() });
        RecurProcess.Run("train", "--resume", a, "--steps", "9").AssertCleanError($"{state}: the saved training settings are out of range " +
            $"(--lr-decay must be in (0, 1] (got -0.5)), so the state was edited or is damaged; the run cannot resume, but its weights can start a new one");
        RecurProcess.Run("train", "--resume", a, "--steps", "9", "--lr", "-1").AssertCleanError("recur: error: --lr must be positive and finite (got -1)");
        // Saved settings that cannot be read at all name the state file and the weights to go on from.
        Safetensors.Write(state, saved.Tensors.Select(t => (t.Key, t.Value)),
            new Dictionary<string, string>(saved.Metadata) { ["recur.train_config"] = "{\"lr\": NaN}" });
        RecurProcess.Run("train", "--resume", a, "--steps", "9").AssertCleanError($"recur: error: {state}: metadata 'recur.train_config' is not valid JSON ('N' is an invalid start of a value, at byte 7); the file is damaged");
        RecurProcess.Run("train", "--resume", a, "--steps", "9").AssertCleanError("the run cannot resume, but its weights can start a new one: recur train CORPUS -o NEW_DIR --init-from");
        File.WriteAllBytes(state, intact);

        // A damaged state cannot resume, but the error says how the run's weights can start a new one.
        File.WriteAllBytes(state, File.ReadAllBytes(state)[..500]);
        RecurProcess.Run("train", "--resume", a).AssertCleanError($"its weights can start a new one: recur train CORPUS -o NEW_DIR --init-from {Path.Combine(a, "model.safetensors")}");

        string classifier = tmp.File("classifier.safetensors");
        Safetensors.Write(classifier, [("fc2.bias", new TensorData([0f], 1))], new Dictionary<string, string> { ["format"] = "recur.classifier/1" });
        RecurProcess.Run("sample", classifier).AssertCleanError("a text classifier, not a language model; use it with 'recur classify eval', 'recur classify predict' or 'recur info'");
    }
}
