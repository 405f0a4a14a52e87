// Line plots (PNG and SVG) with ScottPlot, written atomically beside a run's files.
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
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (series.Count(s => s.X.Length > 0) > 1) plot.ShowLegend(Alignment.UpperRight);
        Save(basePath + ".png", p => plot.SavePng(p, 900, 540));
        Save(basePath + ".svg", p => plot.SaveSvg(p, 900, 540));
    }

    static void Save(string path, Action<string> write)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string temp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp{Path.GetExtension(path)}");
        try
        {
            write(temp);
            File.Move(temp, path, overwrite: true);
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
