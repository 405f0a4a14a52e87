// System.CommandLine's parse errors as one line a user can act on: its messages name .NET types
// ("System.Nullable`1[System.Int64]"), list choices one per line and repeat "Unrecognized ..." per token.
using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Recur.Cli;

static partial class ParseErrors
{
    /// <summary>Every error of <paramref name="parsed"/> in one line, without the trailing period.</summary>
    public static string OneLine(ParseResult parsed)
    {
        var unknown = new List<string>();
        var missing = new List<string>();
        var other = new List<string>();
        foreach (var e in parsed.Errors)
        {
            string m = e.Message;
            if (Unrecognized().Match(m) is { Success: true } u) unknown.Add($"'{u.Groups[1].Value}'");
            else if (Missing().Match(m) is { Success: true } r) missing.Add(r.Groups[1].Value);
            else if (RequiredOption().Match(m) is { Success: true } q) missing.Add(q.Groups[1].Value);
            else if (CannotParse().Match(m) is { Success: true } c)
                other.Add($"{c.Groups[2].Value} '{c.Groups[1].Value}' is not {Kind(c.Groups[3].Value)}");
            else if (Repeated().Match(m) is { Success: true } d) other.Add($"{d.Groups[1].Value} is given {d.Groups[2].Value} times; give it once");
            else if (NotAChoice().Match(m) is { Success: true } n)
                other.Add($"{OptionName(e)}'{n.Groups[1].Value}' is not one of {string.Join(", ", Choice().Matches(m).Select(x => x.Groups[1].Value))}");
            else if (m.StartsWith("Required command was not provided", StringComparison.Ordinal)) { if (parsed.UnmatchedTokens.Count == 0) other.Add("give a command"); }
            else other.Add(Cli.OneLine(m).TrimEnd('.'));
        }
        if (missing.Count > 0) other.Insert(0, $"missing {string.Join(" and ", missing)}");
        if (unknown.Count > 0) other.Insert(0, $"unknown option or argument {string.Join(" ", unknown)}");
        return string.Join("; ", other.Distinct());
    }

    /// <summary>"--cell: " for an option's value, "" when the error belongs to no option.</summary>
    static string OptionName(ParseError e) => e.SymbolResult switch
    {
        OptionResult o => $"{o.Option.Name}: ",
        ArgumentResult { Parent: OptionResult o } => $"{o.Option.Name}: ",
        _ => "",
    };

    static string Kind(string type) => type switch
    {
        _ when type.Contains("UInt") => "a whole number of 0 or more (within range)",
        _ when type.Contains("Int") => "a whole number (within range)",
        _ when type.Contains("Double") || type.Contains("Single") => "a number",
        _ when type.Contains("Boolean") => "true or false",
        _ => "valid here",
    };

    [GeneratedRegex(@"^Unrecognized command or argument '(.*)'\.$")] private static partial Regex Unrecognized();
    [GeneratedRegex(@"^Required argument '(.*)' missing")] private static partial Regex Missing();
    [GeneratedRegex(@"^Option '(.*)' is required")] private static partial Regex RequiredOption();
    [GeneratedRegex(@"^Cannot parse argument '(.*)' for (?:option|argument) '(.*)' as expected type '(.*)'\.")] private static partial Regex CannotParse();
    [GeneratedRegex(@"^Option '(.*)' expects a single argument but (\d+) were provided")] private static partial Regex Repeated();
    [GeneratedRegex(@"^Argument '(.*)' not recognized\. Must be one of:")] private static partial Regex NotAChoice();
    [GeneratedRegex(@"^\s*'(.*)'\s*$", RegexOptions.Multiline)] private static partial Regex Choice();
}
