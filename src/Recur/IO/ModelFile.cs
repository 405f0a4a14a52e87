// Model files: a Module's state dict (PyTorch names, e.g. "rnn.weight_ih_l0") as one safetensors
// file with string metadata, written atomically. Every failure a user can cause — a missing,
// unreadable, malformed or ill-fitting file — is an InvalidDataException with a one-line message
// that starts with the path, so a command-line tool prints e.Message and exits non-zero.
using Recur.Nn;

namespace Recur.IO;

/// <summary>Saves and loads a <see cref="Module"/> as a safetensors file. See docs/formats.md.</summary>
public static class ModelFile
{
    /// <summary>The model file in a run directory, whichever command trained the run.</summary>
    public const string InRunDirectory = "model.safetensors";

    /// <summary>
    /// The model file a MODEL argument names: DIR/model.safetensors for a run directory, else the path itself. A
    /// directory without one, or a path that does not exist, is an InvalidDataException saying what to give;
    /// <paramref name="trainCommand"/> (e.g. "recur train") is what makes such a run.
    /// </summary>
    public static string Resolve(string modelArgument, string trainCommand)
    {
        if (Directory.Exists(modelArgument))
        {
            string inside = Path.Combine(modelArgument, InRunDirectory);
            if (!File.Exists(inside))
                throw new InvalidDataException($"{modelArgument}: no {InRunDirectory} in this directory; give a run directory made by '{trainCommand}' or a .safetensors file");
            return inside;
        }
        if (!File.Exists(modelArgument)) throw new InvalidDataException($"{modelArgument}: no such model file or run directory");
        return modelArgument;
    }

    /// <summary>
    /// Writes <paramref name="model"/>'s state dict and <paramref name="metadata"/> to <paramref name="path"/>
    /// atomically: a reader sees the old file or the new one, never a mix. The directory must exist.
    /// </summary>
    public static void Save(string path, Module model, IReadOnlyDictionary<string, string>? metadata)
    {
        CheckPath(path);
        var tensors = model.StateDict().ToList();
        try { Safetensors.Write(path, tensors, metadata); }
        catch (Exception e) when (IsIo(e)) { throw IoError(path, e, writing: true); }
    }

    /// <summary>Reads every tensor (F16/BF16/F64 converted to F32) and the metadata of a safetensors file.</summary>
    public static Safetensors.Contents Load(string path) => Read(path, Safetensors.Read);

    /// <summary>A safetensors file's metadata, without reading its tensors (errors as <see cref="Load"/>'s).</summary>
    public static IReadOnlyDictionary<string, string> LoadMetadata(string path) => Read(path, Safetensors.ReadMetadata);

    /// <summary>Opens PATH for <paramref name="read"/>; a malformed file or an I/O error is one InvalidDataException naming the path.</summary>
    static T Read<T>(string path, Func<Stream, T> read)
    {
        CheckPath(path);
        try
        {
            // FileShare.Delete: on Windows a reader that does not share deletion keeps a trainer from deleting an old snapshot.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
            return read(stream);
        }
        catch (InvalidDataException e) { throw new InvalidDataException($"{PathText.Show(path)}: {e.Message}", e); }
        catch (Exception e) when (IsIo(e)) { throw IoError(path, e, writing: false); }
    }

    /// <summary>
    /// Loads a file into <paramref name="model"/> (see <see cref="Module.LoadStateDict"/>: on any error
    /// the model is unchanged) and returns the file's metadata.
    /// </summary>
    public static IReadOnlyDictionary<string, string> LoadInto(string path, Module model, bool strict = true)
    {
        var contents = Load(path);
        try { model.LoadStateDict(contents.Tensors, strict); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{PathText.Show(path)}: {e.Message}", e); }
        return contents.Metadata;
    }

    static void CheckPath(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new InvalidDataException("no model file path given");
    }

    static bool IsIo(Exception e) => e is IOException or UnauthorizedAccessException or NotSupportedException;

    /// <summary>An I/O failure as one line a person can act on.</summary>
    internal static InvalidDataException IoError(string path, Exception e, bool writing)
    {
        if (e is DiskFullException) return new InvalidDataException(e.Message, e);   // it names the file and what to do
        string verb = writing ? "write" : "read";
        string what =
            Directory.Exists(path) ? "is a directory, not a model file" :
            e is FileNotFoundException ? "no such file" :
            e is DirectoryNotFoundException ? (writing
                ? $"cannot write: directory '{Path.GetDirectoryName(Path.GetFullPath(path))}' does not exist"
                : "no such file (its directory does not exist)") :
            e is UnauthorizedAccessException ? (writing && OperatingSystem.IsWindows() && File.Exists(path)
                // Windows refuses to replace a file another program has open with the same error as a permission.
                ? "cannot replace it: another program has it open (close it there), or permission is denied"
                : $"permission denied (cannot {verb} it)") :
            e is PathTooLongException ? "path is too long" :
            $"cannot {verb}: {ErrorText.FirstLine(e.Message)}";
        return new InvalidDataException($"{PathText.Show(path)}: {what}", e);
    }
}
