// Line plots (PNG and SVG) with ScottPlot, written atomically beside a run's files. ScottPlot draws with
// SkiaSharp, whose native library ships in its NuGet packages for Linux, Windows and macOS; where it
// cannot load (another platform) or a file cannot be written, a plot is a warning, never a failed run;
// so is a machine with no font (PlotFonts).
using ScottPlot;

namespace Recur.Cli.Output;

/// <summary>One named line of a plot.</summary>
sealed record Series(string Name, double[] X, double[] Y);

static class Plots
{
    /// <summary>Writes <paramref name="basePath"/>.png and .svg; series with no points are skipped.</summary>
    public static void Lines(string basePath, string title, string xLabel, string yLabel, params Series[] series)
    {
        var plot = new Plot();
        foreach (var s in series.Where(s => s.X.Length > 0))
        {
            var line = plot.Add.Scatter(s.X, s.Y);
            line.LegendText = s.Name;
            line.MarkerSize = s.X.Length > 60 ? 0 : 4;
        }
        if (PlotFonts.Family != null) plot.Font.Set(PlotFonts.Family);   // titles and labels too, not only the ticks
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (series.Count(s => s.X.Length > 0) > 1) plot.ShowLegend(Alignment.UpperRight);
        Save(basePath + ".png", p => plot.SavePng(p, 900, 540));
        Save(basePath + ".svg", p => plot.SaveSvg(p, 900, 540));
    }

    static bool disabled, fontChecked;

    /// <summary>
    /// Runs <paramref name="draw"/> (calls of <see cref="Lines"/>); if a plot cannot be drawn, says why through
    /// <paramref name="warn"/> and goes on. Without the native library no later plot can be drawn either, so
    /// that is said once and later calls do nothing.
    /// </summary>
    public static void Try(Action draw, Action<string> warn)
    {
        if (disabled) return;
        try
        {
            if (!fontChecked)
            {
                fontChecked = true;
                if (PlotFonts.Prepare(Environment.GetEnvironmentVariable(PlotFonts.Variable)) is { } fontWarning) warn(fontWarning);
            }
            draw();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException
            or TypeInitializationException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            disabled = e is not (IOException or UnauthorizedAccessException);
            // A failed native load surfaces as "the type initializer for 'ScottPlot.Fonts' threw": name the cause.
            string why = Cli.OneLine(e.GetBaseException().Message);
            int end = why.IndexOf(". ", StringComparison.Ordinal);   // the loader's message goes on for a paragraph
            if (end > 0) why = why[..end];
            warn($"could not draw a plot: {why}" + (disabled ? " (no more plots in this run)" : ""));
        }
    }

    static void Save(string path, Action<string> write)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp{Path.GetExtension(path)}");
        try
        {
            write(temp);
            Recur.IO.AtomicFile.MoveOver(temp, path);   // waits on Windows while a viewer or Explorer's preview has the plot open
        }
        finally { if (File.Exists(temp)) File.Delete(temp); }
    }

    /// <summary>Rolling mean over a window (the seeds smooth noisy curves this way).</summary>
    public static double[] RollingMean(IReadOnlyList<double> values, int window)
    {
        var result = new double[values.Count];
        double sum = 0;
        for (int i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }
}
