// The font of the plots' text. SkiaSharp's Linux build here (NoDependencies: no fontconfig) reads fonts
// from /usr/share/fonts alone; a container or a minimal server often has none there, and ScottPlot then
// draws every title, label, tick and legend with no glyph at all — silently. So the first plot checks for a
// font and says what to do when there is none; RECUR_FONT names a font file to use instead (a user without
// root, or one who wants another look).
using ScottPlot;
using SkiaSharp;

namespace Recur.Cli.Output;

static class PlotFonts
{
    public const string Variable = "RECUR_FONT";

    /// <summary>The font family every plot is set to (RECUR_FONT's, registered with ScottPlot); null: ScottPlot's choice.</summary>
    public static string? Family { get; private set; }

    /// <summary>
    /// Sets the plots' font from <paramref name="fontFile"/> (RECUR_FONT) when given; returns a warning when the
    /// plots would have no text or the file is not a font, else null.
    /// </summary>
    public static string? Prepare(string? fontFile)
    {
        string? warning = null;
        if (!string.IsNullOrEmpty(fontFile))
        {
            bool exists = File.Exists(fontFile);
            using var face = exists ? SKTypeface.FromFile(fontFile) : null;   // null: not a font Skia reads
            if (face is { GlyphCount: > 0 })
            {
                Family = "recur-font";
                Fonts.AddFontFile(Family, Path.GetFullPath(fontFile));
                return null;
            }
            warning = exists
                ? $"{Variable}={fontFile} is not a font file SkiaSharp can read; give a .ttf or .otf file"
                : $"{Variable}={fontFile}: no such file; give the path of a .ttf or .otf file";
        }
        if (SKTypeface.Default.GlyphCount > 0) return warning;
        return (warning != null ? warning + "; and " : "")
            + "no fonts found (on Linux, SkiaSharp reads /usr/share/fonts): the plots have their lines but no text; "
            + $"install a font (Debian/Ubuntu: apt-get install fonts-dejavu-core; Alpine: apk add font-dejavu) or set {Variable} to a .ttf file";
    }
}
