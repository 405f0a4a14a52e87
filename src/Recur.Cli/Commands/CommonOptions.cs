// Options several commands share, and small parsers for option values.
using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Recur.Cli.Commands;

static partial class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object for scripts instead of prose (prose goes to stderr)" };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "Threads for the kernels",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    /// <summary>Applies --threads.</summary>
    public static void UseThreads(int threads)
    {
        Cli.Require(threads >= 1 && threads <= MaxThreads, $"--threads must be from 1 to {MaxThreads} (got {threads}; this machine has {Environment.ProcessorCount} cores)");
        Workers.SetThreads(threads);
    }

    /// <summary>More threads than this only costs memory and start-up: tens of thousands exhaust the runtime.</summary>
    public const int MaxThreads = 1024;

    /// <summary>The longest --time: a year of training is far past any run; more overflows TimeSpan.</summary>
    const double MaxSeconds = 366 * 24 * 3600;

    /// <summary>True when the user typed the option (not just its default).</summary>
    public static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    /// <summary>"90s", "30m", "1h30m", "2h", "1.5h", or plain seconds: h, m and s at most once each, in that order.</summary>
    public static double ParseDuration(string text)
    {
        var m = DurationPattern().Match(text.Trim());
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double plain) && !double.IsNaN(plain))
            return plain > 0 ? Checked(plain, text) : throw new CliError($"--time '{text}' must be longer than zero");
        if (!m.Success || m.Length == 0) throw new CliError($"--time '{text}' is not a duration; write e.g. 90s, 30m, 1h30m or 2h (h, m and s at most once each, in that order)", usage: true);
        double seconds = 0;
        foreach (Capture c in m.Groups["part"].Captures)
        {
            char unit = c.Value[^1];
            double n = double.Parse(c.Value[..^1], CultureInfo.InvariantCulture);
            seconds += n * (unit == 'h' ? 3600 : unit == 'm' ? 60 : 1);
        }
        if (!(seconds > 0)) throw new CliError($"--time '{text}' must be longer than zero");
        return Checked(seconds, text);
    }

    static double Checked(double seconds, string text) => seconds <= MaxSeconds ? seconds
        : throw new CliError($"--time '{text}' is longer than a year; give at most 8784h");

    // Each unit at most once, largest first: "1h1h" (once read as 2h) or "30m1h" is a slip, not a sum to work out.
    [GeneratedRegex(@"^(?<part>\d+(\.\d+)?h)?(?<part>\d+(\.\d+)?m)?(?<part>\d+(\.\d+)?s)?$")]
    private static partial Regex DurationPattern();

    /// <summary>
    /// A perplexity with <paramref name="decimals"/> decimals, or in scientific notation from a million up: a
    /// diverging run's e^loss would otherwise print as a number of a hundred digits.
    /// </summary>
    public static string FormatPerplexity(double perplexity, int decimals = 2) =>
        perplexity < 1e6 ? perplexity.ToString("F" + decimals) : perplexity.ToString("0.00e+0");

    public static string FormatDuration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{t.Minutes}m{t.Seconds:00}s" : $"{t.TotalSeconds:0.0}s";
    }
}
