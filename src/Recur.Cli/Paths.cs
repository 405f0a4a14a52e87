// Whether two paths name the same file or folder, or one lies inside the other, through symbolic links:
// an output must not land on an input (or among a folder of inputs) under another name.
namespace Recur.Cli;

static class Paths
{
    /// <summary>Links followed in one path before giving up (Linux's own limit is 40).</summary>
    const int MostLinks = 40;

    static StringComparison Comparison => OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>
    /// The full path with every symbolic link along it followed, as realpath does; the part that does not exist
    /// yet is kept as given. ".." is taken by name first (Path.GetFullPath), as a user reads "a/b/../c".
    /// </summary>
    public static string Real(string path) => Real(path, MostLinks);

    static string Real(string path, int linksLeft)
    {
        string full = Path.GetFullPath(path);
        string real = Path.GetPathRoot(full)!;
        foreach (var part in full[real.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            real = Path.Combine(real, part);
            try
            {
                // FileInfo reads a link to a folder as well; a link's target may hold links of its own.
                if (linksLeft > 0 && new FileInfo(real).ResolveLinkTarget(returnFinalTarget: true) is { } target)
                    real = Real(target.FullName, linksLeft - 1);
            }
            catch (IOException) { }   // a loop or an unreadable link: keep the name as it is
            catch (UnauthorizedAccessException) { }
        }
        return real;
    }

    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> name the same file or folder.</summary>
    public static bool Same(string a, string b) => string.Equals(Real(a), Real(b), Comparison);

    /// <summary>True when <paramref name="path"/> lies inside <paramref name="folder"/> (at any depth), not when it is the folder.</summary>
    public static bool Inside(string path, string folder)
    {
        string f = Real(folder), p = Real(path);
        if (!Path.EndsInDirectorySeparator(f)) f += Path.DirectorySeparatorChar;   // a root ("/") ends in one already
        return p.Length > f.Length && p.StartsWith(f, Comparison);
    }
}
