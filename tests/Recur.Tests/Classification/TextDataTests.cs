// Reading labelled texts: CSV columns by header name, class folders, and every bad input reported as
// one line naming the file and line.
using Recur.Classification;
using Recur.Tests.Support;

namespace Recur.Tests.Classification;

public class TextDataTests
{
    static List<LabeledText> LoadCsv(TempDir dir, string content, CsvLayout? layout = null, bool requireLabels = true)
    {
        string path = dir.File("d.csv");
        File.WriteAllText(path, content);
        return TextData.Load(path, layout, requireLabels);
    }

    static string Error(string content, CsvLayout? layout = null)
    {
        using var dir = new TempDir();
        return Assert.Throws<InvalidDataException>(() => LoadCsv(dir, content, layout)).Message;
    }

    [Fact]
    public void ReadsTheImdbLayout()
    {
        using var dir = new TempDir();
        var items = LoadCsv(dir, "\uFEFFlabel,rating,id,text\n0,3,0,\"Bad, \"\"really\"\" bad.<br />\"\n1,9,0,Good\n");
        Assert.Equal(2, items.Count);
        Assert.Equal(("0", "Bad, \"really\" bad.<br />"), (items[0].Label, items[0].Text));
        Assert.Equal($"{dir.File("d.csv")} line 3", items[1].Where); // the path as given, as every other CSV error
    }

    [Fact]
    public void ColumnsAreChosenByNameAndDelimiter()
    {
        using var dir = new TempDir();
        var items = LoadCsv(dir, "review;sentiment\nnice one;pos\n", new CsvLayout("sentiment", "review", ';'));
        Assert.Equal(("pos", "nice one"), (items[0].Label, items[0].Text));
    }

    [Fact]
    public void AMissingTextColumnIsNamedWithTheHeader()
    {
        string m = Error("label,review\n0,x\n");
        Assert.Contains("line 1: no column 'text'", m);
        Assert.Contains("'label', 'review'", m);
        Assert.Contains("--text-column", m);
    }

    [Fact]
    public void AHeaderSplitByAnotherSeparatorSuggestsTheDelimiter()
    {
        // A ';' or tab file read with ',' has a one-field header: --text-column would not help (it once said to use it).
        Assert.EndsWith("no column 'text' in the header ('label;text'); the header is one field: if ';' separates its columns, give --delimiter ';'", Error("label;text\n0;x\n"));
        Assert.EndsWith("give --delimiter '\\t'", Error("label\ttext\n0\tx\n"));
        Assert.EndsWith("give --delimiter ','", Error("label,text\n0,x\n", new CsvLayout(Delimiter: ';')));
        Assert.EndsWith("name the label column with --label-column", Error("text\nx\n"));
    }

    [Fact]
    public void ExcelsSeparatorLineIsSkippedWhenItNamesTheDelimiter()
    {
        // Excel writes "sep=;" above the header (and reads it): it was taken for the header, so neither the
        // default ',' nor --delimiter ';' found the columns ("no column 'text' in the header ('sep=', '')").
        using var dir = new TempDir();
        var items = LoadCsv(dir, "\uFEFFsep=;\r\nlabel;text\r\n0;bad\r\n1;good\r\n", new CsvLayout(Delimiter: ';'));
        Assert.Equal([("0", "bad"), ("1", "good")], items.Select(i => (i.Label, i.Text)));
        Assert.Equal($"{dir.File("d.csv")} line 3", items[0].Where);
        Assert.Equal(2, LoadCsv(dir, "SEP=,\nlabel,text\n0,a\n1,b").Count);
        Assert.Equal(2, LoadCsv(dir, "sep=\t\nlabel\ttext\n0\ta\n1\tb", new CsvLayout(Delimiter: '\t')).Count);
        Assert.Contains("line 3: empty text", Error("sep=,\nlabel,text\n0,\n"));    // lines are still counted from the file's first
    }

    [Fact]
    public void ExcelsSeparatorLineNamingAnotherSeparatorIsRefused()
    {
        Assert.EndsWith("d.csv line 1: Excel's separator line 'sep=;' says fields are separated by ';', not ','; give --delimiter ';'",
            Error("sep=;\nlabel;text\n0;x\n"));
        Assert.EndsWith("'sep=\\t' says fields are separated by '\\t', not ';'; give --delimiter '\\t'", Error("sep=\t\r\nlabel\ttext\n", new CsvLayout(Delimiter: ';')));
        // A header whose first column merely starts "sep=" is a header.
        Assert.Contains("no column 'text' in the header ('sep=x', 'label')", Error("sep=x,label\n"));
    }

    [Fact]
    public void AMissingLabelColumnIsAnErrorOnlyWhenLabelsAreNeeded()
    {
        Assert.Contains("no column 'label'", Error("text\nx\n"));
        using var dir = new TempDir();
        Assert.Equal("", LoadCsv(dir, "text\nx\n", requireLabels: false)[0].Label);
    }

    [Fact]
    public void AShortRecordNamesItsLine()
    {
        string m = Error("label,rating,id,text\n0,1,0,\"ok\"\n1,2,3\n");
        Assert.Contains("d.csv line 3: 3 fields, but the header has 4", m);
    }

    [Fact]
    public void EmptyTextAndEmptyLabelNameTheirLines()
    {
        Assert.Contains("line 3: empty text", Error("label,text\n0,a\n1,\"  \"\n"));
        Assert.Contains("line 2: empty label", Error("label,text\n,a\n"));
    }

    [Fact]
    public void BrokenQuotingNamesTheLine() => Assert.Contains("line 2:", Error("label,text\n0,\"open\n1,b\n"));

    [Fact]
    public void EmptyFilesAndHeaderOnlyFiles()
    {
        Assert.Contains("the file is empty", Error(""));
        Assert.Contains("a header but no rows", Error("label,text\n"));
    }

    [Fact]
    public void ReadsClassFolders()
    {
        using var dir = new TempDir();
        foreach (var (label, name, text) in new[] { ("pos", "1.txt", "great"), ("neg", "2.txt", "awful"), ("neg", "1.txt", "poor") })
        {
            Directory.CreateDirectory(dir.File(label));
            File.WriteAllText(Path.Combine(dir.File(label), name), text);
        }
        var items = TextData.Load(dir.Path);
        Assert.Equal(["neg", "neg", "pos"], items.Select(i => i.Label));
        Assert.Equal(["poor", "awful", "great"], items.Select(i => i.Text));
    }

    [Fact]
    public void ClassFolderErrorsNameTheFolderOrFile()
    {
        using var dir = new TempDir();
        Assert.Contains("no class sub-folders", Assert.Throws<InvalidDataException>(() => TextData.Load(dir.Path)).Message);
        Directory.CreateDirectory(dir.File("pos"));
        Assert.Contains("holds no files", Assert.Throws<InvalidDataException>(() => TextData.Load(dir.Path)).Message);
        File.WriteAllText(Path.Combine(dir.File("pos"), "a.txt"), " \n");
        var m = Assert.Throws<InvalidDataException>(() => TextData.Load(dir.Path)).Message;
        Assert.Contains("a.txt: empty text", m);
    }
}

public class LabelMapTests
{
    static List<LabeledText> Items(params string[] labels) => labels.Select((l, i) => new LabeledText(l, "x", $"d.csv line {i + 2}")).ToList();

    [Theory]
    [InlineData("0", "1")]
    [InlineData("1", "2")]     // torchtext's IMDB labels, as the seed maps them: 1 → 0, 2 → 1
    [InlineData("2", "10")]    // numbers by value, not as text
    [InlineData("neg", "pos")]
    [InlineData("negative", "positive")]
    [InlineData("no", "Yes")]      // letters whatever their case: 'Y' < 'n' in ordinal order
    [InlineData("False", "true")]
    [InlineData("Neg", "pos")]
    [InlineData("POS", "pos")]     // the same word in two cases: ordinal order decides
    public void TheSecondClassIsPositive(string negative, string positive)
    {
        var map = LabelMap.FromData(Items(positive, negative, positive));
        Assert.Equal([negative, positive], map.Names);
        Assert.Equal([1f, 0f, 1f], map.Targets(Items(positive, negative, positive)));
        Assert.Equal([negative, positive, positive, negative], new[] { 0.49, 0.5, 0.9, 0.9 }.Select((p, i) => map.Of(p, i < 3 ? 0.5 : 0.95)));
    }

    [Fact]
    public void ThePositiveLabelCanBeChosen()
    {
        var map = LabelMap.FromData(Items("spam", "ham"), positive: "spam");
        Assert.Equal(["ham", "spam"], map.Names);
        Assert.Contains("not one of the data's labels", Assert.Throws<InvalidDataException>(() => LabelMap.FromData(Items("a", "b"), "c")).Message);
    }

    [Fact]
    public void MoreLabelsMakeMoreClassesInOneOrder()
    {
        // Integers by value (1..5 stars → 0..4), anything else ordinally ignoring case, for the whole set at once.
        var stars = LabelMap.FromData(Items("5", "10", "2", "10", "5", "2"));
        Assert.Equal(["2", "5", "10"], stars.Names);
        Assert.Equal(3, stars.Count);
        Assert.Equal([1f, 2f, 0f], stars.Targets(Items("5", "10", "2")));
        Assert.Equal(["10", "2", "Sport", "tech"], LabelMap.FromData(Items("tech", "2", "Sport", "10", "tech", "2", "Sport", "10")).Names);
        Assert.Equal("'2' → 0, '5' → 1, '10' → 2 (3 classes)", stars.ToString());
        Assert.Throws<InvalidOperationException>(() => stars.Positive);
        Assert.Throws<InvalidOperationException>(() => stars.Of(0.7));
    }

    [Fact]
    public void WithMoreThanTwoClassesALabelOnOneTextNamesItsLine()
    {
        // The mark of a text column read as labels; two classes keep the seed's rule (one text each is a data set).
        var m = Assert.Throws<InvalidDataException>(() => LabelMap.FromData(Items("0", "1", "1", "3", "0"))).Message;
        Assert.StartsWith("d.csv line 5: label '3' is on this text only, and each of the 3 classes needs two texts or more", m);
        Assert.Contains("--label-column", m);
        Assert.Equal(["0", "1"], LabelMap.FromData(Items("0", "1")).Names);
    }

    [Fact]
    public void AThousandAndFirstLabelNamesItsLine()
    {
        var labels = Enumerable.Range(0, ClassifierConfig.MaxClasses + 1).Select(i => $"c{i}").ToArray();
        var m = Assert.Throws<InvalidDataException>(() => LabelMap.FromData(Items(labels))).Message;
        Assert.StartsWith($"d.csv line {labels.Length + 1}: label 'c1000' makes 1,001 different labels, and a classifier has at most 1,000 classes", m);
        Assert.Equal(1000, LabelMap.FromData(Items([.. labels[..1000], .. labels[..1000]])).Count);
    }

    [Fact]
    public void ThePositiveLabelIsOneOfTwo()
    {
        var m = Assert.Throws<InvalidDataException>(() => LabelMap.FromData(Items("a", "b", "c", "a", "b", "c"), positive: "b")).Message;
        Assert.Equal("--positive chooses the positive class of two, but the data has 3 labels ('a', 'b', 'c'); leave --positive out", m);
    }

    [Fact]
    public void OneLabelOnlyIsAnError() =>
        Assert.Contains("two classes", Assert.Throws<InvalidDataException>(() => LabelMap.FromData(Items("1", "1"))).Message);

    [Fact]
    public void AnUnknownLabelNamesItsLine()
    {
        var map = new LabelMap("0", "1");
        var m = Assert.Throws<InvalidDataException>(() => map.Targets(Items("0", "2"))).Message;
        Assert.Contains("d.csv line 3: unknown label '2'", m);
    }
}

public class VocabularyTests
{
    static ClassifierVocabulary Build(int minFreq = 1, int? max = null) =>
        ClassifierVocabulary.Build([["b", "a", "c", "a"], ["c", "d", "a", "e"], ["e"]], minFreq, max);

    [Fact]
    public void PadAndUnkComeFirstThenWordsByCountTiesInFirstSeenOrder()
    {
        var v = Build();
        // counts: a 3, b 1, c 2, d 1, e 2; ties (c, e) and (b, d) keep first-seen order.
        Assert.Equal(["<pad>", "<unk>", "a", "c", "e", "b", "d"], v.Tokens);
        Assert.Equal(0, v.Id("<pad>"));
        Assert.Equal(1, v.Id("<unk>"));
    }

    [Fact]
    public void UnseenWordsMapToUnk()
    {
        var v = Build();
        Assert.Equal(ClassifierVocabulary.UnkId, v.Id("zebra"));
        Assert.Equal([2, 1, 4], v.Encode("A zebra. E"));
    }

    [Fact]
    public void MinFreqAndMaxVocabCutRareWords()
    {
        Assert.Equal(["<pad>", "<unk>", "a", "c", "e"], Build(minFreq: 2).Tokens);
        Assert.Equal(["<pad>", "<unk>", "a", "c"], Build(max: 2).Tokens);
        Assert.Equal(ClassifierVocabulary.UnkId, Build(max: 2).Id("e"));
    }

    [Fact]
    public void ALoadedVocabularyMustStartWithTheSpecials()
    {
        Assert.Throws<InvalidDataException>(() => new ClassifierVocabulary(["<unk>", "<pad>", "a"]));
        Assert.Throws<InvalidDataException>(() => new ClassifierVocabulary(["<pad>", "<unk>", "a", "a"]));
    }
}

public class BatchTests
{
    [Fact]
    public void TextsAreSortedLongestFirstPaddedAndPacked()
    {
        int[][] seqs = [[5, 6], [7, 8, 9], [], [4]];
        var b = new Batch();
        b.Fill(seqs, [0f, 1f, 0f, 1f], [0, 1, 2, 3]);
        Assert.Equal([1, 0, 3, 2], b.Items.ToArray());
        Assert.Equal([3, 2, 1, 0], b.Lengths.ToArray());
        Assert.Equal([1f, 0f, 1f, 0f], b.Targets.ToArray());
        Assert.Equal((3, 4, 6L), (b.Steps, b.Size, b.Tokens));
        // (T, N) time-major, <pad> = 0 past each end
        Assert.Equal([7, 5, 4, 0, 8, 6, 0, 0, 9, 0, 0, 0], b.Ids.ToArray());
        Assert.Equal([7, 5, 4, 8, 6, 9], b.PackedIds.ToArray());
        Assert.Equal([3, 2, 1], b.StepSizes.ToArray());
        Assert.Equal([0, 3, 5, 6], b.Offsets.ToArray());
    }

    [Fact]
    public void PlansCoverEveryTextOnce()
    {
        int[][] seqs = Enumerable.Range(0, 103).Select(i => new int[i % 17]).ToArray();
        foreach (var plan in new[] { BatchPlan.Shuffled(103, 10, new Rng(1)), BatchPlan.Bucketed(seqs, 10, new Rng(1)), BatchPlan.ByLength(seqs, 10) })
        {
            Assert.Equal(11, plan.Count);
            Assert.Equal(Enumerable.Range(0, 103), plan.SelectMany(b => b).Order());
        }
        // A token budget splits the long texts finer: 16 (the longest) · 2 ≤ 40, then 15 · 2, ...
        var budget = BatchPlan.ByLength(seqs, 10, maxTokens: 40);
        Assert.Equal(Enumerable.Range(0, 103), budget.SelectMany(b => b).Order());
        Assert.True(budget.All(b => b.Length == 1 || b.Length * seqs[b[0]].Length <= 40));
        Assert.Equal(2, budget[0].Length);
        // Bucketed batches hold similar lengths: far less spread than shuffled ones.
        double Spread(List<int[]> plan) => plan.Average(b => b.Max(i => seqs[i].Length) - b.Min(i => seqs[i].Length));
        Assert.True(Spread(BatchPlan.Bucketed(seqs, 10, new Rng(1))) < Spread(BatchPlan.Shuffled(103, 10, new Rng(1))) / 3);
    }
}
