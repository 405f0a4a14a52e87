// Recur reports every unusable model file or state dict as an InvalidDataException whose message is
// one line for the user: the file (where there is one) and the problem. This quotes text taken from
// a file into such a message without letting a hostile file make it multi-line or huge, and says what
// the JSON parser found wrong in the file's terms (a field, an entry, "a date"), not .NET's type names.
using System.Text;
using System.Text.Json;

namespace Recur.IO;

internal static class ErrorText
{
    /// <summary>Quotes file-supplied text (a tensor name, a JSON fragment): control and line-break characters escaped, long text cut.</summary>
    public static string Quote(string text, int max = 80)
    {
        var sb = new StringBuilder("'");
        foreach (char c in text.Length > max ? text[..max] : text)
            if (char.IsControl(c) || c is '\u2028' or '\u2029') sb.Append($"\\u{(int)c:x4}");
            else sb.Append(c);
        sb.Append(text.Length > max ? $"...' ({text.Length} chars)" : "'");
        return sb.ToString();
    }

    /// <summary>
    /// A JSON parser's complaint in the file's terms, without .NET's type names: "field 'hidden' should be a
    /// whole number within range", "entry 3 should be a string", "it should be a list of strings" (the value
    /// itself), "it is not valid JSON (...)", "it is empty"; a field no member takes is "unknown field 'name' (...)".
    /// </summary>
    public static string Json(JsonException e) => Describe(e) switch
    {
        (null, var unknown) => unknown,
        ("", var problem) => $"it {problem}",
        var (where, problem) => $"{where} {problem}",
    };

    /// <summary>
    /// A metadata value of a model file that does not read as JSON of its type, for "{path}: metadata ...":
    /// "'config' field 'train_end' should be a date (yyyy-mm-dd)", "'vocab' should be a list of strings".
    /// </summary>
    public static string Metadata(string key, JsonException e) => $"{Quote(key)} {Predicate(e)}";

    /// <summary>
    /// <see cref="Json"/>'s words as a predicate for the value's name: "is not valid JSON (...)", "should be a
    /// list of strings", "field 'a' should be a number", "has an unknown field ...".
    /// </summary>
    public static string Predicate(JsonException e) => Describe(e) switch
    {
        (null, var unknown) => $"has an {unknown}",
        ("", var problem) => problem,
        var (where, problem) => $"{where} {problem}",
    };

    /// <summary>
    /// "{path}: metadata '{key}' ...; the file is damaged" for a metadata value read by <paramref name="read"/>
    /// (a FromJson that keeps the parser's JsonException as its InvalidDataException's inner one); any other
    /// refusal of the value keeps its own words after the path.
    /// </summary>
    public static T ReadMetadata<T>(string path, string key, string json, Func<string, T> read)
    {
        // JSON null reads as no value at all, which each FromJson words its own way.
        if (json.Trim() == "null") throw new InvalidDataException($"{PathText.Show(path)}: metadata {Quote(key)} is null; the file is damaged");
        try { return read(json); }
        catch (InvalidDataException e) when (e.InnerException is JsonException j)
        {
            string what = Metadata(key, j);
            throw new InvalidDataException($"{PathText.Show(path)}: metadata {what}{(what.EndsWith(Damaged, StringComparison.Ordinal) ? "" : "; the file is damaged")}", e);
        }
        catch (InvalidDataException e) { throw new InvalidDataException($"{PathText.Show(path)}: {e.Message}", e); }
    }

    const string Damaged = "or damaged";

    /// <summary>
    /// Where in the value and what is wrong there: Where is "" for the value itself, null for an unknown field
    /// (then Problem is the whole phrase).
    /// </summary>
    static (string? Where, string Problem) Describe(JsonException e)
    {
        string m = e.Message;
        const string Prefix = "The JSON property ", Unmapped = " could not be mapped to any .NET member";
        int end = m.IndexOf(Unmapped, StringComparison.Ordinal);
        if (m.StartsWith(Prefix, StringComparison.Ordinal) && end >= 0)
            return (null, $"unknown field {Quote(m[Prefix.Length..end].Trim('\''))}: written by a newer version of Recur, {Damaged}");
        const string Converted = "The JSON value could not be converted to ";
        if (m.StartsWith(Converted, StringComparison.Ordinal))
        {
            string type = m[Converted.Length..];
            int stop = type.IndexOf(". Path:", StringComparison.Ordinal);
            return (Where(e.Path), $"should be {Kind(stop < 0 ? type.TrimEnd('.') : type[..stop]).One}");
        }
        if (m.StartsWith("The input does not contain any JSON tokens", StringComparison.Ordinal)) return ("", "is empty");
        if (m.Contains("open JSON object or array", StringComparison.Ordinal)) return ("", "is not valid JSON (it is cut short: an object or list is not closed)");
        // The parser's own sentence ("'a' is an invalid start of a value"), its position in words.
        string first = FirstLine(m);
        int path = first.IndexOf(" Path: ", StringComparison.Ordinal);
        if (path >= 0) first = first[..path];
        int line = first.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        if (line >= 0) first = first[..line];
        // Advice to the program, not the user ("... not supported in this mode. Change the reader options.").
        first = first.Replace(" which is not supported in this mode", "").Replace(" Change the reader options.", "");
        string at = e.BytePositionInLine is long b ? e.LineNumber is long l and > 0 ? $", at line {l + 1}, byte {b}" : $", at byte {b}" : "";
        return ("", $"is not valid JSON ({first.TrimEnd('.', ' ', '|')}{at})");
    }

    /// <summary>"field 'a'", "entry 3" (counting from 1, as vocabularies are shown), "field 'a' entry 2"; "" for "$".</summary>
    static string Where(string? path)
    {
        if (string.IsNullOrEmpty(path)) return "";
        var parts = new List<string>();
        foreach (System.Text.RegularExpressions.Match p in System.Text.RegularExpressions.Regex.Matches(path, @"\.([^.\[]+)|\['((?:[^']|'')*)'\]|\[(\d+)\]"))
            parts.Add(p.Groups[3].Success ? $"entry {long.Parse(p.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) + 1}"
                : $"field {Quote(p.Groups[1].Success ? p.Groups[1].Value : p.Groups[2].Value.Replace("''", "'"))}");
        return string.Join(" ", parts);
    }

    /// <summary>
    /// A .NET type as the parser names it (System.Int32, System.String[], System.Nullable`1[System.DateOnly],
    /// Recur.Forecasting.CellKind), in words: one value of it and several.
    /// </summary>
    static (string One, string Many) Kind(string type)
    {
        const string Nullable = "System.Nullable`1[", List = "System.Collections.Generic.List`1[";
        if (type.StartsWith(Nullable, StringComparison.Ordinal) && type.EndsWith(']'))
        {
            var (one, many) = Kind(type[Nullable.Length..^1]);
            return ($"{one} or null", $"{many} or nulls");
        }
        string? element = type.EndsWith("[]", StringComparison.Ordinal) ? type[..^2]
            : type.StartsWith(List, StringComparison.Ordinal) && type.EndsWith(']') ? type[List.Length..^1] : null;
        if (element != null)
        {
            string many = Kind(element).Many;
            return ($"a list of {many}", $"lists of {many}");
        }
        return type switch
        {
            "System.String" => ("a string", "strings"),
            "System.Boolean" => ("true or false", "true or false values"),
            "System.Double" or "System.Single" or "System.Decimal" => ("a number", "numbers"),
            "System.Byte" or "System.UInt16" or "System.UInt32" or "System.UInt64" => ("a whole number of 0 or more, within range", "whole numbers of 0 or more"),
            "System.SByte" or "System.Int16" or "System.Int32" or "System.Int64" => ("a whole number within range", "whole numbers"),
            "System.DateOnly" => ("a date (yyyy-mm-dd)", "dates (yyyy-mm-dd)"),
            _ when typeof(ErrorText).Assembly.GetType(type) is { IsEnum: true } e => ($"one of {string.Join(", ", EnumNames(e))}", "names"),
            _ when type.StartsWith("Recur.", StringComparison.Ordinal) => ("a JSON object", "JSON objects"),
            _ => ("a value of another type", "values of another type"),
        };
    }

    /// <summary>An enum's names as its JSON converters write them: a JsonStringEnumMemberName, else snake_case.</summary>
    static IEnumerable<string> EnumNames(Type e) =>
        e.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static).Select(f =>
            f.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute), false)
                is [System.Text.Json.Serialization.JsonStringEnumMemberNameAttribute a, ..] ? a.Name : JsonNamingPolicy.SnakeCaseLower.ConvertName(f.Name));

    /// <summary>The first line of a message from elsewhere (a JSON parser, the OS).</summary>
    public static string FirstLine(string s)
    {
        int n = s.IndexOfAny(['\r', '\n']);
        return (n < 0 ? s : s[..n]).TrimEnd('.', ' ');
    }
}
