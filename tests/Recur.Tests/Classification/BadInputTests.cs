// Bad input to the classifier's library, each refused with one message that names the file (or the
// option) and says what to do: binary and non-UTF-8 files, duplicated or ambiguous columns, labels that
// are whole reviews, one-class data, sizes too large for one array, and a diverging run.
using System.Text;
using Recur.Classification;
using Recur.Tests.Support;

namespace Recur.Tests.Classification;

public class BadInputTests
{
    static string Error(Action read) => Assert.Throws<InvalidDataException>(read).Message;

    [Fact]
    public void ACsvFileInLatin1IsRefusedWithTheByteOffset()
    {
        using var dir = new TempDir();
        // "label,text\n0,caf" is 16 bytes; then Latin-1 é (0xE9), which UTF-8 never starts a character with.
        string path = dir.WriteBytes("latin.csv", [.. "label,text\n0,caf"u8, 0xE9, .. " bad\n1,good\n"u8]);
        string m = Error(() => TextData.Load(path));
        Assert.Contains("latin.csv: not valid UTF-8 at byte offset 16", m);
        Assert.Contains("iconv -f windows-1252 -t utf-8", m);
    }

    [Fact]
    public void ANulByteAnywhereInACsvFileIsRefused()
    {
        using var dir = new TempDir();
        // Past the first 64 KB, which the old check looked at alone.
        var text = "label,text\n" + string.Concat(Enumerable.Range(0, 4000).Select(i => $"{i % 2},some text number {i}\n"));
        byte[] bytes = [.. Encoding.UTF8.GetBytes(text), .. "1,x\0y\n"u8];
        Assert.True(bytes.Length > 70_000);
        string path = dir.WriteBytes("nul.csv", bytes);
        Assert.Contains($"nul.csv: looks binary (NUL byte at offset {bytes.Length - 3})", Error(() => TextData.Load(path)));
    }

    [Fact]
    public void UnicodeTextAndAByteOrderMarkStillRead()
    {
        using var dir = new TempDir();
        string path = dir.WriteBytes("ok.csv", [0xEF, 0xBB, 0xBF, .. "label,text\n0,café naïve 映画 🎬\n1,good\n"u8]);
        Assert.Equal("café naïve 映画 🎬", TextData.Load(path)[0].Text);
    }

    [Fact]
    public void Utf16IsNamedAsSuch()
    {
        using var dir = new TempDir();
        string path = dir.WriteBytes("u16.csv", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("label,text\n0,x\n")]);
        Assert.Contains("u16.csv: is UTF-16", Error(() => TextData.Load(path)));
        // Without a byte-order mark (it was "looks binary (NUL byte at offset 1)"), and UTF-32 (it was "is UTF-16").
        path = dir.WriteBytes("u16le.csv", Encoding.Unicode.GetBytes("label,text\n0,x\n"));
        Assert.Contains("u16le.csv: looks like UTF-16 without a byte-order mark (every other byte is NUL); convert it to UTF-8 first (e.g. iconv -f utf-16le -t utf-8)", Error(() => TextData.Load(path)));
        path = dir.WriteBytes("u16be.csv", Encoding.BigEndianUnicode.GetBytes("label,text\n0,x\n"));
        Assert.Contains("iconv -f utf-16be -t utf-8", Error(() => TextData.Load(path)));
        path = dir.WriteBytes("u32.csv", [0xFF, 0xFE, 0, 0, .. Encoding.UTF32.GetBytes("label,text\n0,x\n")]);
        Assert.Contains("u32.csv: is UTF-32", Error(() => TextData.Load(path)));
    }

    [Fact]
    public void AClassFolderWithABinaryOrLatin1FileIsRefusedNamingTheFile()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("neg"));
        Directory.CreateDirectory(dir.File("pos"));
        File.WriteAllText(Path.Combine(dir.File("neg"), "a.txt"), "awful");
        string bin = Path.Combine(dir.File("pos"), "b.bin");
        File.WriteAllBytes(bin, [0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x01, 0x00]); // an ELF header
        Assert.Contains($"{bin}: looks binary (NUL byte at offset 7)", Error(() => TextData.Load(dir.Path)));
        File.Delete(bin);
        string latin = Path.Combine(dir.File("pos"), "c.txt");
        File.WriteAllBytes(latin, [(byte)'n', (byte)'a', 0xEF, (byte)'v', (byte)'e']);
        Assert.Contains($"{latin}: not valid UTF-8 at byte offset 2", Error(() => TextData.Load(dir.Path)));
    }

    [Fact]
    public void ADuplicatedColumnIsRefusedByName()
    {
        using var dir = new TempDir();
        string m = Error(() => TextData.Load(dir.Write("d.csv", "label,label,text\n0,1,hi\n")));
        Assert.Contains("d.csv line 1: the header names column 'label' 2 times (fields 1, 2)", m);
        m = Error(() => TextData.Load(dir.Write("d.csv", "label,Text,TEXT\n0,a,b\n")));
        Assert.Contains("columns 'Text', 'TEXT' all match 'text' ignoring case", m);
        Assert.Contains("--text-column", m);
        // A duplicated column that is not read is no ambiguity.
        Assert.Equal("hi", TextData.Load(dir.Write("d.csv", "x,x,label,text\n,,0,hi\n"))[0].Text);
    }

    [Fact]
    public void TheLabelColumnCannotBeTheTextColumn()
    {
        using var dir = new TempDir();
        string path = dir.Write("d.csv", "label,text\n0,a long review\n");
        string m = Error(() => TextData.Load(path, new CsvLayout(LabelColumn: "text")));
        Assert.Contains("--label-column 'text' and --text-column 'text' name the same column; pick different columns for the two: the labels' with --label-column (default 'label'), the texts' with --text-column (default 'text')", m);
        Assert.DoesNotContain("name the column that holds the labels", m);
    }

    [Fact]
    public void LongLabelsAreCutInMessages()
    {
        // --label-column naming a column of reviews makes each review a "label".
        string review = string.Concat(Enumerable.Repeat("This film is a long review. ", 80));
        var items = new[] { review + "1", review + "2", review + "3" }.Select((l, i) => new LabeledText(l, "x", $"d.csv line {i + 2}")).ToList();
        string m = Error(() => LabelMap.FromData(items));
        Assert.True(m.Length < 500, m);
        Assert.Contains($"d.csv line 2: label '{review[..40]}...' ({review.Length + 1} chars) is on this text only", m);
        Assert.Contains("--label-column", m);
        var map = new LabelMap("0", "1");
        m = Error(() => map.Targets([new LabeledText(review, "x", "d.csv line 2")]));
        Assert.True(m.Length < 300, m);
    }

    [Fact]
    public void OneClassDataIsNamed()
    {
        var items = new[] { "1", "1" }.Select((l, i) => new LabeledText(l, "x", $"one.csv line {i + 2}")).ToList();
        string m = Error(() => LabelMap.FromData(items, source: "data/one.csv"));
        Assert.StartsWith("data/one.csv: every text has label '1'", m);
        Assert.Contains("--label-column", m);
    }

    [Fact]
    public void NoDataIsNamedAsNone()
    {
        // It read "every text has label ''".
        Assert.Equal("data/none.csv: no texts; a classifier needs labelled texts of two classes or more", Error(() => LabelMap.FromData([], source: "data/none.csv")));
        string m = Error(() => ClassifierTraining.Prepare([], new ClassifierConfig(), new ClassifierTrainConfig()));
        Assert.StartsWith("the data: no texts", m);
    }

    [Theory]
    [InlineData("hidden", 100_000_000, "--hidden 100000000 is too large: rnn.weight_hh_l0")]
    [InlineData("embed", 100_000_000, "--embed 100000000 (with --hidden 50) is too large: rnn.weight_ih_l0")]
    [InlineData("fc", 1_000_000_000, "--fc 1000000000 (with --hidden 50) is too large: fc1.weight")]
    [InlineData("layers", 1_000_000, "--layers 1000000 with --hidden 50 is too large: the model would have")]
    public void SizesTooLargeForOneArrayNameTheOption(string option, int value, string expected)
    {
        var config = option switch
        {
            "hidden" => new ClassifierConfig { Hidden = value },
            "embed" => new ClassifierConfig { Embed = value },
            "fc" => new ClassifierConfig { Fc = value },
            _ => new ClassifierConfig { Layers = value },
        };
        Assert.StartsWith(expected, Assert.Throws<ArgumentException>(() => config.Validate()).Message);
    }

    // A malformed config threw JsonException or ArgumentException, where the language model's FromJson throws
    // InvalidDataException: a caller reading a file had to catch three kinds for one "the file is damaged".
    [Theory]
    [InlineData("{\"hidden\": 8", "model config cannot be read (")]   // cut short
    [InlineData("{\"hidden\": \"eight\"}", "model config cannot be read (field 'hidden' should be a whole number within range)")]
    [InlineData("{\"hidden\": 8, \"bogus\": 1}", "model config cannot be read (unknown field 'bogus': written by a newer version of Recur, or damaged)")]
    [InlineData("null", "model config is empty (JSON null)")]
    [InlineData("{\"hidden\": 0}", "model config is invalid: --hidden must be at least 1 (got 0)")]
    [InlineData("{\"cell\": \"lsmt\"}", "model config is invalid: --cell lsmt is not one of lstm, gru, rnn")]
    [InlineData("{\"hidden\": 100000000}", "model config is invalid: --hidden 100000000 is too large")]
    public void AMalformedModelConfigIsInvalidData(string json, string expected)
    {
        var m = Error(() => ClassifierConfig.FromJson(json));
        Assert.StartsWith(expected, m);
        Assert.DoesNotContain('\n', m);
    }

    [Fact]
    public void AModelConfigReadsBackWhatItWrote()
    {
        var config = new ClassifierConfig { Cell = "gru", Embed = 5, Hidden = 6, Layers = 2, Bidirectional = true, Fc = 7, Dropout = 0.25f };
        Assert.Equal(config, ClassifierConfig.FromJson(config.ToJson()));
        Assert.Equal(new ClassifierConfig { Hidden = 9 }, ClassifierConfig.FromJson("{\"hidden\": 9}"));   // the rest take their defaults
    }

    [Fact]
    public void TheEmbeddingAndTheLargestBatchAreCheckedAgainstTheData()
    {
        var items = TrainingTests.Synthetic(64, 1);
        // The config alone passes (2 × 10^8 embedding values); the data's ~20 words make it 2 × 10^9 and more.
        var wide = new ClassifierConfig { Embed = 100_000_000, Hidden = 1 }.Validate();
        string m = Assert.Throws<ArgumentException>(() => ClassifierTraining.Prepare(items, wide, new ClassifierTrainConfig())).Message;
        Assert.Matches(@"^--embed 100000000 \(for a vocabulary of \d+\) is too large: embedding\.weight", m);
        // Hidden 20,000: weight_hh (80,000 × 20,000) fits one array, but a batch of all 64 texts of ~1,000
        // tokens each needs ~64,000 × 80,000 gate values.
        var longTexts = items.Select(i => i with { Text = string.Join(' ', Enumerable.Repeat(i.Text, 100)) }).ToList();
        m = Assert.Throws<ArgumentException>(() => ClassifierTraining.Prepare(longTexts, new ClassifierConfig { Embed = 1, Hidden = 20_000, Fc = 1 },
            new ClassifierTrainConfig { BatchSize = 64 })).Message;
        Assert.StartsWith("--batch-size 64 with --hidden 20000 is too large for these texts: a batch of the 64 longest training texts holds", m);
        Assert.Contains("--max-len", m);
    }

    [Fact]
    public void ALossFarAboveAGuessStopsTrainingAsDiverged()
    {
        // The audit's case: --lr 1e10 trained to a loss of 7.8e20 and saved the model.
        var training = ClassifierTraining.Prepare(TrainingTests.Synthetic(64, 1), new ClassifierConfig { Embed = 4, Hidden = 4, Fc = 4 },
            new ClassifierTrainConfig { LearningRate = 1e10, BatchSize = 16 });
        string m = Assert.Throws<TrainingDivergedException>(() => training.RunEpoch()).Message;
        Assert.Contains("training diverged in epoch 1", m);
        Assert.Contains("--lr", m);
        Assert.Empty(training.History);
        Assert.Equal(3 * Math.Log(2), training.DivergenceLimit, 12);
    }
}
