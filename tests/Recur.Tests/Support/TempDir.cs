// A temporary directory removed when disposed, and a small deterministic corpus for training tests.
namespace Recur.Tests.Support;

sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("recur-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Names of the files and folders in the directory, sorted.</summary>
    public string[] Entries() => Directory.GetFileSystemEntries(Path).Select(System.IO.Path.GetFileName).Order().ToArray()!;

    public string Write(string name, string text)
    {
        string p = File(name);
        System.IO.File.WriteAllText(p, text);
        return p;
    }

    public string WriteBytes(string name, byte[] bytes)
    {
        string p = File(name);
        System.IO.File.WriteAllBytes(p, bytes);
        return p;
    }

    /// <summary>A folder of class folders, NAME/LABEL/1.txt holding <paramref name="text"/> for each label; returns its path.</summary>
    public string ClassFolders(string name, string text, params string[] labels)
    {
        string folder = File(name);
        foreach (var label in labels)
        {
            Directory.CreateDirectory(System.IO.Path.Combine(folder, label));
            System.IO.File.WriteAllText(System.IO.Path.Combine(folder, label, "1.txt"), text);
        }
        return folder;
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>About <paramref name="length"/> characters of simple, learnable English-like text.</summary>
    public static string Corpus(int length = 20_000, ulong seed = 7)
    {
        string[] subjects = ["the cat", "a dog", "the old man", "my sister", "a bird"];
        string[] verbs = ["sat on", "looked at", "ran past", "sang to", "found"];
        string[] objects = ["the mat.", "a tree.", "the river.", "her friend.", "the red door."];
        var rng = new Rng(seed);
        var sb = new System.Text.StringBuilder();
        while (sb.Length < length)
        {
            sb.Append(subjects[rng.NextInt(5)]).Append(' ').Append(verbs[rng.NextInt(5)]).Append(' ').Append(objects[rng.NextInt(5)]);
            sb.Append(rng.NextInt(4) == 0 ? '\n' : ' ');
        }
        return sb.ToString();
    }
}
