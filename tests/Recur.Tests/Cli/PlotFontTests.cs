// The plots' font: RECUR_FONT picks a font file; a file that is not a font, and a machine with no font, are
// one warning each and never a failed run.
using SkiaSharp;
using Recur.Tests.Support;

namespace Recur.Tests.Cli;

public class PlotFontTests
{
    static RecurResult Train(TempDir tmp, string run, string? font)
    {
        var info = RecurProcess.Info("train", tmp.Write("c.txt", TempDir.Corpus(2000)), "-o", run,
            "--hidden", "8", "--layers", "1", "--batch", "4", "--seq", "10", "--steps", "2", "--eval-every", "1");
        if (font != null) info.Environment[ "RECUR_FONT"] = font;
        else info.Environment.Remove("RECUR_FONT");
        return RecurProcess.Run(info);
    }

    [Fact]
    public void RecurFontIsTheFontOfThePlots()
    {
        using var tmp = new TempDir();
        // A font file of another family than SkiaSharp's default where the machine has one, under a name with a space.
        string defaultFamily = SKTypeface.Default.FamilyName;
        var fonts = (Directory.Exists("/usr/share/fonts")
            ? Directory.EnumerateFiles("/usr/share/fonts", "*.ttf", SearchOption.AllDirectories).Order().ToArray() : [])
            .Where(f => { using var t = SKTypeface.FromFile(f); return t is { GlyphCount: > 0 }; }).ToArray();
        string? font = fonts.FirstOrDefault(f => { using var t = SKTypeface.FromFile(f); return t.FamilyName != defaultFamily; }) ?? fonts.FirstOrDefault();
        if (font == null)
        {
            var bare = Train(tmp, tmp.File("run"), null);
            Assert.Contains(PlotText.NoFontWarning, bare.Out + bare.Err);
            return;
        }
        string copy = tmp.File("my font.ttf");
        File.Copy(font, copy);
        string family;
        using (var face = SKTypeface.FromFile(copy)) family = face.FamilyName;

        var r = Train(tmp, tmp.File("run"), copy);
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain("warning", r.Out + r.Err);
        string svg = File.ReadAllText(tmp.File("run/loss.svg"));
        Assert.Contains($"font-family=\"{family}\"", svg);
        if (family != defaultFamily) Assert.DoesNotContain($"font-family=\"{defaultFamily}\"", svg);
    }

    [Fact]
    public void AFontThatIsNotAFontIsOneWarning()
    {
        using var tmp = new TempDir();
        string notFont = tmp.Write("font.ttf", "not a font");
        var r = Train(tmp, tmp.File("run"), notFont);
        Assert.Equal(0, r.ExitCode);
        var warnings = r.Out.Split('\n').Where(l => l.StartsWith("recur: warning:")).ToArray();
        Assert.Equal([$"recur: warning: RECUR_FONT={notFont} is not a font file SkiaSharp can read; give a .ttf or .otf file"
            + (PlotText.MachineHasFont ? "" : "; and " + PlotText.NoFontWarning)], warnings.Select(w => PlotText.MachineHasFont ? w : w[..w.IndexOf(PlotText.NoFontWarning)] + PlotText.NoFontWarning));
        foreach (var plot in new[] { "loss.png", "loss.svg", "accuracy.png", "accuracy.svg" }) Assert.True(File.Exists(tmp.File("run/" + plot)), plot);

        var missing = Train(tmp, tmp.File("run2"), tmp.File("nowhere.ttf"));
        Assert.Equal(0, missing.ExitCode);
        Assert.Contains($"recur: warning: RECUR_FONT={tmp.File("nowhere.ttf")}: no such file; give the path of a .ttf or .otf file", missing.Out);
    }
}
