// Locates ../shared/data (beside the checkout; CI has it there). Tests that need a corpus or dataset
// fail, naming every place they looked, when it is missing; nothing is ever copied into the repository.
namespace Recur.Tests.Support;

static class SharedData
{
    /// <summary>The repository root: the first parent of the test binaries holding Recur.slnx.</summary>
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (System.IO.File.Exists(Path.Combine(dir.FullName, "Recur.slnx"))) return dir.FullName;
            throw new InvalidOperationException($"no Recur.slnx above {AppContext.BaseDirectory}");
        }
    }

    /// <summary>Candidate data folders: $RECUR_DATA, then ../shared/data beside the repository.</summary>
    public static IEnumerable<string> Candidates()
    {
        if (Environment.GetEnvironmentVariable("RECUR_DATA") is { Length: > 0 } env) yield return Path.GetFullPath(env);
        yield return Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));
    }

    /// <summary>The full path of a shared data file (e.g. "tinyshakespeare.txt", "imdb/test.csv").</summary>
    public static string File(string name)
    {
        foreach (var dir in Candidates())
        {
            string path = Path.Combine(dir, name);
            if (System.IO.File.Exists(path)) return path;
        }
        Assert.Fail($"shared data file '{name}' not found; looked in: {string.Join(", ", Candidates())} (set RECUR_DATA to the folder holding it)");
        return null!;
    }
}
