// RFC 4180 reading: quoting, embedded delimiters and line breaks, doubled quotes, line endings, and
// each malformed input reported with the line where its record (or its quote) starts.
using Recur.Classification;

namespace Recur.Tests.Classification;

public class CsvReaderTests
{
    static List<CsvRecord> Read(string text, char delimiter = ',')
    {
        var csv = new CsvReader(System.Text.Encoding.UTF8.GetBytes(text), "t.csv", delimiter);
        var records = new List<CsvRecord>();
        while (csv.Next() is { } r) records.Add(r);
        return records;
    }

    static string Error(string text) => Assert.Throws<InvalidDataException>(() => Read(text)).Message;

    [Fact]
    public void ReadsPlainAndQuotedFields()
    {
        var r = Read("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n");
        Assert.Equal(2, r.Count);
        Assert.Equal(["a", "b", "c"], r[0].Fields);
        Assert.Equal(["1", "x, y", "say \"hi\""], r[1].Fields);
        Assert.Equal(2, r[1].Line);
    }

    [Fact]
    public void QuotedFieldsMayHoldLineBreaksAndLinesAreCountedThroughThem()
    {
        var r = Read("h1,h2\r\n0,\"line one\r\nline two\nthree\"\r\n1,next\r\n");
        Assert.Equal("line one\r\nline two\nthree", r[1].Fields[1]);
        Assert.Equal(2, r[1].Line);
        Assert.Equal(5, r[2].Line);
    }

    [Fact]
    public void AcceptsCrLfLfAndCrAndNoFinalLineBreak()
    {
        Assert.Equal(3, Read("a\r\nb\rc").Count);
        Assert.Equal("c", Read("a\nb\nc")[2].Fields[0]);
    }

    [Fact]
    public void EmptyFieldsAndSkippedBlankLines()
    {
        var r = Read("a,,\"\"\n\n\r\nb,c,d\n\n");
        Assert.Equal(2, r.Count);
        Assert.Equal(["a", "", ""], r[0].Fields);
        Assert.Equal(4, r[1].Line);
    }

    [Fact]
    public void OtherDelimiters() => Assert.Equal(["a", "b,c"], Read("a\tb,c\n", '\t')[0].Fields);

    [Fact]
    public void AnUnclosedQuoteNamesTheLineItOpensOn()
    {
        string m = Error("label,text\n0,fine\n1,\"never\nclosed\n");
        Assert.Contains("t.csv line 3", m);
        Assert.Contains("never closed", m);
    }

    [Fact]
    public void AQuoteInsideAnUnquotedFieldIsAnError()
    {
        string m = Error("label,text\n0,fine\n1,a \"quoted\" word\n");
        Assert.Contains("t.csv line 3", m);
        Assert.Contains("quote inside unquoted field 2", m);
    }

    [Fact]
    public void TextAfterAClosingQuoteIsAnError()
    {
        string m = Error("label,text\n0,\"ok\"x\n");
        Assert.Contains("t.csv line 2", m);
        Assert.Contains("after the closing quote of field 2", m);
    }

    [Fact]
    public void AStrayQuoteAfterAMultiLineFieldNamesTheLineWhereItIs()
    {
        string m = Error("label,text\n0,\"two\nlines\" x\n");
        Assert.Contains("t.csv line 3", m);
    }
}
