// Paths in Recur's messages. A message that suggests a command ("continue it with --resume DIR") must survive
// being pasted into a shell whatever the path holds, so the path is quoted there; a plain path (runs/a,
// /tmp/x.txt, C:\data\x.txt) stays bare, so that most messages read as before. On Windows a path is shown with
// '\' alone, though the user may have typed runs/fwd and Recur added \model.safetensors.
using System.Globalization;
using System.Text;

namespace Recur.IO;

/// <summary>Paths as messages show them, and as an argument of a command a message suggests.</summary>
public static class PathText
{
    /// <summary>
    /// <paramref name="path"/> as a message shows it: on Windows with '\' for every '/' (Windows reads both alike);
    /// elsewhere as it is. For display only: open the path as it was given.
    /// </summary>
    public static string Show(string path) => Show(path, OperatingSystem.IsWindows());

    internal static string Show(string path, bool windows) => windows ? path.Replace('/', '\\') : path;

    /// <summary>
    /// <paramref name="path"/> as one argument of a command that a message suggests (shown as by <see cref="Show(string)"/>),
    /// for pasting into this platform's shell: a POSIX shell's, or on Windows cmd's and PowerShell's. It is quoted when,
    /// and only when, the shell would read it otherwise; one that starts with '-' or '@' (to recur an option, or a file
    /// of arguments) is given as ./-x.
    /// </summary>
    public static string Arg(string path) => Arg(path, OperatingSystem.IsWindows());

    internal static string Arg(string path, bool windows)
    {
        path = Show(path, windows);
        if (path.StartsWith('-') || path.StartsWith('@')) path = (windows ? ".\\" : "./") + path;
        return windows ? ForWindows(path) : ForPosix(path);
    }

    /// <summary>
    /// sh, bash, zsh: bare when every character is a letter, digit or one of _-./,:@%+= ('=' not first: zsh reads
    /// =ls as ls's path), as Python's shlex.quote; else in single quotes, inside which only ' is special (written '\'').
    /// A path with a control or line-break character is written $'...' with escapes (bash, zsh, ksh; POSIX since
    /// 2024), so that the message stays one line.
    /// </summary>
    static string ForPosix(string path)
    {
        if (path.Length > 0 && path[0] != '=' && Plain(path, "_-./,:@%+=")) return path;
        if (!path.Any(LineBreakOrControl)) return "'" + path.Replace("'", "'\\''") + "'";
        var sb = new StringBuilder("$'");
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in path.EnumerateRunes())
        {
            if (rune.Value == '\n') sb.Append("\\n");
            else if (rune.Value == '\t') sb.Append("\\t");
            else if (rune.Value == '\r') sb.Append("\\r");
            else if (rune.Value is '\\' or '\'') sb.Append('\\').Append((char)rune.Value);
            else if (Rune.IsControl(rune) || rune.Value is 0x2028 or 0x2029)
                foreach (byte b in utf8[..rune.EncodeToUtf8(utf8)]) sb.Append($"\\x{b:x2}");   // the bytes the file name holds
            else sb.Append(rune.ToString());
        }
        return sb.Append('\'').ToString();
    }

    /// <summary>
    /// cmd and PowerShell alike: bare when every character is a letter, digit or one of _-.\/:@+=; else in double
    /// quotes, inside which neither shell splits or reads &amp; | ; , ( ) ' ^ or spaces. Backslashes before the
    /// closing quote are doubled, as programs read \" as a quote (C:\dir\\ is still C:\dir\). A Windows file name
    /// cannot hold '"', '&lt;', '&gt;', '|' or control characters, so they are not escaped. Two characters of file
    /// names differ between the shells inside double quotes: PowerShell expands $name and reads ` as an escape,
    /// so a path with either is put in PowerShell's single quotes (literal there, ' written ''): it pastes exactly
    /// into PowerShell, Windows' default shell, and in cmd fails as a missing file rather than naming another one.
    /// cmd expands %NAME% even inside quotes, at its prompt only for a defined variable, with no escape there;
    /// such a path is left to that rare clash.
    /// </summary>
    static string ForWindows(string path)
    {
        if (path.Length > 0 && Plain(path, "_-.\\/:@+=")) return path;
        if (path.Contains('$') || path.Contains('`')) return "'" + path.Replace("'", "''") + "'";
        int slashes = path.Length - path.TrimEnd('\\').Length;
        return "\"" + path + new string('\\', slashes) + "\"";
    }

    /// <summary>True when every character is a letter, a digit (any script, with its combining marks) or one of <paramref name="also"/>.</summary>
    static bool Plain(string path, string also)
    {
        foreach (var rune in path.EnumerateRunes())
            if (!(Rune.IsLetterOrDigit(rune) || rune.IsAscii && also.Contains((char)rune.Value)
                || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark))
                return false;
        return true;
    }

    static bool LineBreakOrControl(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
