// What a plot's SVG says. Its text needs a font: on a machine with none (a container; the lent GPU machine
// had none), recur draws the lines, warns once, and the SVG holds no text at all. So a check of a plot's words
// reads them where the machine has a font and asks for that warning where it has none.
using Recur.Tests.Cli;
using SkiaSharp;

namespace Recur.Tests.Support;

static class PlotText
{
    public const string NoFontWarning = "no fonts found";

    /// <summary>Whether SkiaSharp finds a font here; the environment's RECUR_FONT counts as one.</summary>
    public static bool MachineHasFont =>
        SKTypeface.Default.GlyphCount > 0 || Environment.GetEnvironmentVariable("RECUR_FONT") is { Length: > 0 };

    /// <summary>
    /// <paramref name="output"/> without the line that warns of no font: on a machine with none, the first plot a
    /// command draws says so, wherever the test looks for other lines.
    /// </summary>
    public static string WithoutFontWarning(string output) =>
        string.Join('\n', output.Split('\n').Where(line => !line.StartsWith("recur: warning: " + NoFontWarning)));

    public static void Contains(string svgPath, string text, RecurResult run)
    {
        if (MachineHasFont) Assert.Contains(text, File.ReadAllText(svgPath));
        else Assert.Contains(NoFontWarning, run.Out + run.Err);   // warnings go with the prose: stdout, or stderr under --json
    }

    public static void DoesNotContain(string svgPath, string text, RecurResult run)
    {
        if (MachineHasFont) Assert.DoesNotContain(text, File.ReadAllText(svgPath));
        else Assert.Contains(NoFontWarning, run.Out + run.Err);   // warnings go with the prose: stdout, or stderr under --json
    }
}
