// How a JSON parser's complaint about a model file's config reaches the user: an unknown field by its name,
// on one line, whatever characters the file put in it; a value of the wrong type by where it is and what it
// should be, in words rather than .NET's type names.
using System.Text.Json;
using Recur.Forecasting;
using Recur.IO;
using Recur.Tests.Forecasting;

namespace Recur.Tests.IO;

public class ErrorTextTests
{
    [Fact]
    public void AnUnknownFieldIsNamedOnOneLine()
    {
        var e = Assert.Throws<InvalidDataException>(() => ForecastConfig.FromJson("{\"window\": 5, \"bad\\nname\": 1}"));
        Assert.Equal("forecast config is not valid: unknown field 'bad\\u000aname': written by a newer version of Recur, or damaged", e.Message);
    }

    // A value of the wrong type once reached the user as the parser's "The JSON value could not be converted to
    // System.Int32. Path: $[1] | LineNumber: 0 | BytePositionInLine: 8": now where it is and what it should be.
    [Theory]
    [InlineData("[1, \"two\"]", typeof(int[]), "entry 2 should be a whole number within range")]
    [InlineData("\"x\"", typeof(string[]), "it should be a list of strings")]
    [InlineData("[\"x\"]", typeof(double[]), "entry 1 should be a number")]
    [InlineData("[[1], [2, \"a\"]]", typeof(List<double[]>), "entry 2 entry 2 should be a number")]
    [InlineData("-1", typeof(ulong), "it should be a whole number of 0 or more, within range")]
    [InlineData("1", typeof(bool), "it should be true or false")]
    [InlineData("\"2001-13-01\"", typeof(DateOnly), "it should be a date (yyyy-mm-dd)")]
    [InlineData("\"soon\"", typeof(DateOnly?), "it should be a date (yyyy-mm-dd) or null")]
    [InlineData("\"xyz\"", typeof(CellKind), "it should be one of lstm, gru, rnn")]
    [InlineData("[1]", typeof(ForecastConfig), "it should be a JSON object")]
    [InlineData("", typeof(int), "it is empty")]
    [InlineData("[", typeof(string[]), "it is not valid JSON (it is cut short: an object or list is not closed)")]
    [InlineData("abc", typeof(int), "it is not valid JSON ('a' is an invalid start of a value, at byte 0)")]
    public void AWrongValueSaysWhereAndWhatItShouldBe(string json, Type type, string expected)
    {
        var e = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize(json, type));
        Assert.Equal(expected, ErrorText.Json(e));
        Assert.Equal("'key' " + expected[(expected.StartsWith("it ") ? 3 : 0)..], ErrorText.Metadata("key", e));
    }

    [Fact]
    public void AConfigFieldIsNamed()
    {
        string json = ForecastTestData.WalkConfig().ToJson().Replace("\"cell\":\"lstm\"", "\"cell\":\"xyz\"");
        var e = Assert.Throws<InvalidDataException>(() => ForecastConfig.FromJson(json));
        Assert.Equal("forecast config is not valid: field 'cell' should be one of lstm, gru, rnn", e.Message);
        Assert.Equal("'config' field 'cell' should be one of lstm, gru, rnn", ErrorText.Metadata("config", (JsonException)e.InnerException!));
    }
}
