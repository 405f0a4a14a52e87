// How a JSON parser's complaint about a model file's config reaches the user: an unknown field by its name,
// on one line, whatever characters the file put in it.
using System.Text.Json;
using Recur.Forecasting;
using Recur.IO;

namespace Recur.Tests.IO;

public class ErrorTextTests
{
    [Fact]
    public void AnUnknownFieldIsNamedOnOneLine()
    {
        var e = Assert.Throws<InvalidDataException>(() => ForecastConfig.FromJson("{\"window\": 5, \"bad\\nname\": 1}"));
        Assert.Equal("forecast config is not valid: unknown field 'bad\\u000aname': written by a newer version of Recur, or damaged", e.Message);
    }

    [Fact]
    public void OtherComplaintsKeepTheParsersFirstLine()
    {
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<int[]>("[1, \"two\"]"));
        Assert.Equal(ErrorText.FirstLine(e.Message), ErrorText.Json(e));
        Assert.StartsWith("The JSON value could not be converted", ErrorText.Json(e));
    }
}
