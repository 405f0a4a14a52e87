// --ascii: transliterate text to ASCII, as seed 001 does with unidecode, for the characters books
// actually contain: accented Latin letters lose their accents (LatinBases), ligatures and a few
// letters and typographic marks get ASCII spellings, and anything else is dropped.
using System.Text;

namespace Recur.Text;

/// <summary>Folds Unicode text to ASCII.</summary>
public static class AsciiFold
{
    static readonly Dictionary<int, string> Spellings = new()
    {
        ['ß'] = "ss", ['æ'] = "ae", ['Æ'] = "AE", ['œ'] = "oe", ['Œ'] = "OE", ['ø'] = "o", ['Ø'] = "O",
        ['đ'] = "d", ['Đ'] = "D", ['ł'] = "l", ['Ł'] = "L", ['þ'] = "th", ['Þ'] = "Th", ['ð'] = "d", ['Ð'] = "D",
        ['\u2018'] = "'", ['\u2019'] = "'", ['\u201A'] = "'", ['\u201B'] = "'", ['\u2032'] = "'",
        ['\u201C'] = "\"", ['\u201D'] = "\"", ['\u201E'] = "\"", ['\u00AB'] = "\"", ['\u00BB'] = "\"", ['\u2033'] = "\"",
        ['\u2010'] = "-", ['\u2011'] = "-", ['\u2012'] = "-", ['\u2013'] = "-", ['\u2014'] = "--", ['\u2015'] = "--", ['\u2212'] = "-",
        ['\u2026'] = "...", ['\u00A0'] = " ", ['\u2009'] = " ", ['\u202F'] = " ", ['\u00B7'] = ".", ['\u2022'] = "*",
        ['\u00A9'] = "(c)", ['\u00AE'] = "(r)", ['\u2122'] = "TM", ['\u00D7'] = "x", ['\u00F7'] = "/",
        ['\uFEFF'] = "", ['Ĳ'] = "IJ", ['ĳ'] = "ij", ['Ǆ'] = "DZ", ['ǅ'] = "Dz", ['ǆ'] = "dz", ['Ǉ'] = "LJ", ['ǈ'] = "Lj",
        ['ǉ'] = "lj", ['Ǌ'] = "NJ", ['ǋ'] = "Nj", ['ǌ'] = "nj", ['Ǳ'] = "DZ", ['ǲ'] = "Dz", ['ǳ'] = "dz",
    };

    static readonly Dictionary<int, char> Bases = BuildBases();

    static Dictionary<int, char> BuildBases()
    {
        var map = new Dictionary<int, char>();
        for (int i = 0; i + 1 < LatinBases.Pairs.Length; i += 2) map[LatinBases.Pairs[i]] = LatinBases.Pairs[i + 1];
        return map;
    }

    /// <summary><paramref name="text"/> in ASCII (--ascii): accents dropped, ligatures and typographic marks spelled out, characters with no ASCII spelling removed.</summary>
    public static string Fold(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.IsAscii) { sb.Append((char)rune.Value); continue; }
            if (Spellings.TryGetValue(rune.Value, out var s)) sb.Append(s);
            else if (Bases.TryGetValue(rune.Value, out char b)) sb.Append(b);
            // anything else (combining marks, scripts without a Latin spelling) is dropped
        }
        return sb.ToString();
    }
}
