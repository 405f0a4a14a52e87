// `recur classify train|eval|predict` end to end on a tiny synthetic set, run in-process through the
// tool's entry point with stdout and stderr captured: outputs, JSON keys, and one-line errors that
// name the bad line.
using System.Reflection;
using System.Text.Json;
using Recur.Tests.Support;

namespace Recur.Tests.Classification;

[CollectionDefinition("console", DisableParallelization = true)]
public class ConsoleCollection;

[Collection("console")]
public class ClassifyCliTests
{
    static (int Code, string Out, string Err) Recur(params string[] args)
    {
        var entry = Assembly.Load("recur").EntryPoint!;
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try
        {
            // Keep the process's thread count: the CLI sets it, and other tests share the pool.
            var full = args.Concat(args.Length > 1 && !args.Contains("--help") ? ["--threads", Workers.Count.ToString()] : []).ToArray();
            int code = (int)entry.Invoke(null, [full])!;
            return (code, o.ToString(), e.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
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
        Assert.Contains("accuracy", ev.Err); // prose goes to stderr under --json

        var prose = Recur("classify", "eval", Path.Combine(run, "model.safetensors"), test);
        Assert.Contains("ROC AUC", prose.Out);
        Assert.Contains("confusion", prose.Out);

        var pr = Recur("classify", "predict", run, "a wonderful superb film", "boring and awful", "--json");
        Assert.True(pr.Code == 0, pr.Err);
        var predictions = JsonDocument.Parse(pr.Out).RootElement.GetProperty("predictions");
        Assert.Equal("pos", predictions[0].GetProperty("label").GetString());
        Assert.Equal("neg", predictions[1].GetProperty("label").GetString());
        Assert.True(predictions[0].GetProperty("probability").GetDouble() > 0.5);

        string lines = dir.File("texts.txt");
        File.WriteAllLines(lines, ["loved it, great", "", "dull plot"]);
        var pf = Recur("classify", "predict", run, "--file", lines);
        Assert.Equal(2, pf.Out.Trim().Split('\n').Length);
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
        Assert.Contains("without model.safetensors", r.Err);
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
        Assert.Contains("other.csv line 3: unknown label 'neutral'", r.Err);
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
