// Bad daily CSVs: each problem is one InvalidDataException line naming the file and the line (and the
// date where there is one), so a user can go straight to it. Files are small inline texts in temp files.
using Recur.Forecasting;
using Recur.Tests.IO;

using Recur.Tests.Support;

namespace Recur.Tests.Forecasting;

public class CsvValidationTests
{
    static string ReadError(string name, IEnumerable<string> lines, bool features = false)
    {
        using var dir = new TempDir();
        string path = ForecastTestData.Write(dir.Path, name, lines);
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            var bars = DailyBars.ReadCsv(path);
            if (features) StockFeatures.Compute(bars);
        });
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith(path + ": ", e.Message);
        return e.Message;
    }

    static List<string> Walk(int rows = 10) => ForecastTestData.WalkLines(rows);

    [Fact]
    public void MissingColumnIsNamedWithTheHeaderLine()
    {
        var lines = Walk();
        lines[0] = "Date,Open,High,Low,Adj Close,Volume";
        for (int i = 1; i < lines.Count; i++) lines[i] = string.Join(',', lines[i].Split(',').Where((_, k) => k != 4));
        string message = ReadError("nocose.csv", lines);
        Assert.Contains("line 1: missing column 'Close'", message);
    }

    // A semicolon- or tab-separated export reads as a header of one field: say what to change, since
    // forecast has no --delimiter (classify's files may use any).
    [Theory]
    [InlineData(';', "';'")]
    [InlineData('\t', "tabs")]
    public void AHeaderOfOneFieldSaysTheFileIsNotCommaSeparated(char delimiter, string named)
    {
        var lines = Walk().Select(l => l.Replace(',', delimiter)).ToList();
        string message = ReadError("other.csv", lines);
        Assert.Contains("line 1: missing columns 'Date', 'Open', 'High', 'Low', 'Close', 'Volume'", message);
        Assert.EndsWith($"the header is one field: the file must be comma-separated (it looks separated by {named}; replace them with commas)", message);
        Assert.DoesNotContain('\t', message);
    }

    [Fact]
    public void NonNumericCellNamesItsLineDateAndColumn()
    {
        var lines = Walk();
        var cells = lines[6].Split(',');
        cells[2] = "12x.5";
        lines[6] = string.Join(',', cells);
        string message = ReadError("text.csv", lines);
        Assert.Contains($"line 7: {cells[0]} High '12x.5' is not a number", message);
    }

    [Fact]
    public void YahooNullCellIsCalledAMissingValue()
    {
        var lines = Walk();
        var cells = lines[3].Split(',');
        cells[6] = "null";
        lines[3] = string.Join(',', cells);
        string message = ReadError("null.csv", lines);
        Assert.Contains($"line 4: {cells[0]} Volume 'null' is not a number (a missing value", message);
    }

    [Fact]
    public void UnsortedDatesNameBothLines()
    {
        var lines = Walk();
        (lines[4], lines[5]) = (lines[5], lines[4]);
        string message = ReadError("unsorted.csv", lines);
        Assert.Contains("line 6: date", message);
        Assert.Contains("on line 5 (dates must be in ascending order)", message);
    }

    [Fact]
    public void DuplicateDateNamesTheRepeatedLine()
    {
        var lines = Walk();
        lines.Insert(4, lines[3]);
        string message = ReadError("dup.csv", lines);
        Assert.Contains($"line 5: date {lines[3].Split(',')[0]} repeats line 4", message);
    }

    [Fact]
    public void TooFewRowsForThe252DayWindowSaysHowManyAreNeeded()
    {
        string message = ReadError("short.csv", Walk(200), features: true);
        Assert.Contains("only 200 data rows (line 2 (2000-01-03) to line 201", message);
        Assert.Contains("the first usable day is data row 255 (line 256)", message);
        // One row is one row, at one line (it read "only 1 data rows (line 2 (...) to line 2 (...))").
        Assert.Contains("only 1 data row (line 2 (2000-01-03)); the 252-day features", ReadError("one.csv", Walk(1), features: true));
    }

    [Fact]
    public void ExactlyEnoughRowsGiveOneFeatureRow()
    {
        var bars = DailyBars.Parse("ok.csv", Walk(StockFeatures.FirstRow + 1));
        var table = StockFeatures.Compute(bars);
        Assert.Equal(1, table.Count);
        Assert.Equal(StockFeatures.FirstRow + 2, table.Lines[0]);
    }

    [Fact]
    public void RowWithTooFewCellsAndBadDateAreNamed()
    {
        var lines = Walk();
        lines[2] = lines[2][..lines[2].LastIndexOf(',')];
        Assert.Contains("line 3: has 6 cells, the header has 7", ReadError("cells.csv", lines));
        lines = Walk();
        lines[8] = "05/01/2000" + lines[8][10..];
        Assert.Contains("line 9: Date '05/01/2000' is not a date in the form yyyy-mm-dd", ReadError("date.csv", lines));
    }

    [Fact]
    public void EmptyFileAndHeaderOnlyAreErrors()
    {
        Assert.Contains("the file is empty", ReadError("empty.csv", []));
        Assert.Contains("no data rows after the header", ReadError("header.csv", [ForecastTestData.Header]));
    }

    [Fact]
    public void NonPositiveCloseIsRejectedBeforeItDividesByZero()
    {
        var lines = Walk();
        var cells = lines[5].Split(',');
        cells[4] = "0";
        lines[5] = string.Join(',', cells);
        Assert.Contains("line 6: ", ReadError("zero.csv", lines));
    }

    [Fact]
    public void ALatin1FileIsAnEncodingErrorNotABadCell()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "latin1.csv");
        File.WriteAllBytes(path, [.. "Date,Open"u8, 0xE9, .. ",High,Low,Close,Adj Close,Volume\n"u8]);
        var e = Assert.Throws<InvalidDataException>(() => DailyBars.ReadCsv(path));
        Assert.Equal($"{path}: not valid UTF-8 at byte offset 9; convert the file to UTF-8 first (e.g. iconv -f windows-1252 -t utf-8 for a Windows or Latin-1 file)", e.Message);
    }

    [Fact]
    public void MissingFileIsOneLine()
    {
        var e = Assert.Throws<InvalidDataException>(() => DailyBars.ReadCsv("/nonexistent/dir/x.csv"));
        Assert.Equal("/nonexistent/dir/x.csv: no such file", e.Message);
    }

    [Fact]
    public void ColumnsAreFoundByNameWithBomQuotesAndNoAdjClose()
    {
        var lines = new List<string>
        {
            "\uFEFFVolume,Date,\"Close\",Low,High,Open",
            "100,2020-01-02,\"1,000.5\",1,3,2",
        };
        var e = Assert.Throws<InvalidDataException>(() => DailyBars.Parse("q.csv", lines));
        Assert.Contains("line 2: 2020-01-02 Close '1,000.5' is not a number", e.Message);
        lines[1] = "100,2020-01-02,\"1000.5\",1,3,2";
        lines.Add("");
        var bars = DailyBars.Parse("q.csv", lines);
        Assert.Equal(1, bars.Count);
        Assert.Equal((1000.5, 2.0, 3.0, 1.0, 100.0), (bars.Close[0], bars.Open[0], bars.High[0], bars.Low[0], bars.Volume[0]));
    }

    [Fact]
    public void ConstantVolumeThatDividesByZeroNamesTheRow()
    {
        var lines = Walk(300);
        for (int i = 1; i < lines.Count; i++)
        {
            var cells = lines[i].Split(',');
            cells[6] = "0";
            lines[i] = string.Join(',', cells);
        }
        // volume 0 everywhere: ratio_avg_volume_5_30 = 0/0 (NaN, the day is dropped as pandas' dropna does)
        // on every day, so no day has all features.
        Assert.Contains("no day has every feature", ReadError("novolume.csv", lines, features: true));
    }

    // A Volume too large to sum overflows to infinity without any division: the message names that cause too.
    [Fact]
    public void AnInfiniteFeatureNamesTheDayAndBothCauses()
    {
        // One absurd Volume: its square overflows the 252-day standard deviation once the day leaves the 5-day
        // window (while both hold it, their ratio is inf/inf, NaN, and the day is dropped).
        var lines = Walk(400);
        var cells = lines[261].Split(',');
        cells[6] = "1e308";
        lines[261] = string.Join(',', cells);
        string message = ReadError("hugevolume.csv", lines, features: true);
        Assert.Contains("feature std_volume_365 is infinite (a division by zero, or a value too large for its sums: is the price or Volume constant, zero or absurd", message);
    }
}
