// Where a command's words go. Prose goes to stdout, or to stderr under --json (so stdout carries only
// the one JSON object). Progress is a Spectre.Console bar on a terminal and plain timed log lines
// otherwise (CI, pipes, files), so logs stay readable.
using System.Text.Json;
using Spectre.Console;

namespace Recur.Cli.Output;

/// <summary>A progress display: a bar on a terminal, periodic lines elsewhere.</summary>
interface IProgressSink
{
    /// <summary>Sets the fraction done (0..1) and the status text (step, loss, speed).</summary>
    void Update(double fraction, string status);
    /// <summary>A line that must be shown (evaluation results, warnings) without breaking the bar.</summary>
    void Line(string text);
}

sealed class Reporter(bool json)
{
    public bool Json { get; } = json;
    /// <summary>True when a live progress bar can be drawn.</summary>
    public bool Interactive { get; } = !json && !Console.IsOutputRedirected && !Console.IsErrorRedirected
        && Environment.GetEnvironmentVariable("CI") is null or "" or "false";

    TextWriter Prose => Json ? Console.Error : Console.Out;

    public void Line(string text) => Prose.WriteLine(text);

    public void Warn(string text) => Console.Error.WriteLine(WarningLine(text));

    /// <summary>How a warning reads, on stderr or as a progress display's line.</summary>
    public static string WarningLine(string text) => $"recur: warning: {text}";

    /// <summary>
    /// JSON as a reader of a terminal or pipe wants it: text in UTF-8 as it is ("café", "\"" rather than
    /// "caf\u00E9", "\u0022"); the default's extra escapes are for JSON pasted into HTML, which this never is.
    /// </summary>
    public static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Prints the command's one JSON result object (only under --json).</summary>
    public void Result(IReadOnlyDictionary<string, object?> values)
    {
        if (Json) Console.Out.WriteLine(JsonSerializer.Serialize(values, JsonOptions));
    }

    /// <summary>Runs <paramref name="body"/> with a progress display titled <paramref name="title"/>.</summary>
    public void WithProgress(string title, Action<IProgressSink> body)
    {
        if (!Interactive)
        {
            body(new PlainSink(Prose, title));
            return;
        }
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: 1.0);
                body(new BarSink(task, title));
                task.Value = task.MaxValue;
                task.StopTask();
            });
    }

    sealed class BarSink(ProgressTask task, string title) : IProgressSink
    {
        public void Update(double fraction, string status)
        {
            task.Value = Math.Clamp(fraction, 0, 1);
            task.Description = Markup.Escape($"{title} {status}");
        }

        public void Line(string text) => AnsiConsole.MarkupLine(Markup.Escape(text));
    }

    /// <summary>Without a terminal: a status line at most every few seconds, and every forced line.</summary>
    sealed class PlainSink(TextWriter writer, string title) : IProgressSink
    {
        readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
        double lastPrinted = double.NegativeInfinity;

        public void Update(double fraction, string status)
        {
            double now = clock.Elapsed.TotalSeconds;
            if (now - lastPrinted < 5 && fraction < 1) return;
            lastPrinted = now;
            writer.WriteLine($"{title} {status} ({fraction:P0})");
        }

        public void Line(string text) => writer.WriteLine(text);
    }
}
