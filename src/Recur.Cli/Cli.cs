// Running a command: parse errors and user mistakes become one "recur: error: ..." line on stderr and
// a non-zero exit code; only a genuine bug prints more (and only with RECUR_DEBUG=1 a stack trace).
using System.CommandLine;

namespace Recur.Cli;

/// <summary>
/// A mistake the user can fix: the message says what is wrong and what to do. <paramref name="usage"/>: the
/// command line itself is malformed (an unknown option, a missing required one, a value that does not
/// parse) or its arguments contradict each other (an -o that names the command's own input), exit code 2 as
/// for the parser's own errors; otherwise exit code 1 (an -o that is a file: the file system refuses it).
/// </summary>
class CliError(string message, bool usage = false) : Exception(message)
{
    public bool Usage { get; } = usage;
}

static partial class Cli
{
    public const int Ok = 0, Failed = 1, Usage = 2, Interrupted = 130;

    public static int Run(RootCommand root, string[] args)
    {
        Output.StandardOutput.UseUtf8OnWindows();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            string command = parsed.CommandResult.Command.Name;
            string help = command == root.Name ? "run 'recur --help' for the commands" : $"run 'recur {CommandPath(parsed)} --help' for its options";
            Console.Error.WriteLine($"recur: error: {ParseErrors.OneLine(parsed)}; {help}");
            return Usage;
        }
        if (EmptyValue(parsed) is string empty)
        {
            Console.Error.WriteLine($"recur: error: {empty} is empty; give a value (run 'recur {CommandPath(parsed)} --help' for its options)");
            return Usage;
        }
        if (DecimalComma(parsed) is var (option, value))
        {
            Console.Error.WriteLine($"recur: error: {option} '{value}' has a comma: write a decimal point ({value.Replace(',', '.')} if the comma was one) and no thousands separators");
            return Usage;
        }
        if (OptionLikeArgument(parsed) is var (token, argument))
        {
            string hint = argument == "TEXT" ? " (to classify such a text, use --file)" : "";
            Console.Error.WriteLine($"recur: error: unknown option '{(token.Length > 80 ? token[..80] + "..." : token)}'; run 'recur {CommandPath(parsed)} --help' for its options{hint}");
            return Usage;
        }
        Output.StandardOutput.UseOwnStream();
        try { return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }); }
        catch (IOException e) when (Output.StandardOutput.IsBrokenPipe(e))
        {
            return Ok; // the reader went away (`recur sample ... | head`): stop quietly, as cat and grep do
        }
        catch (Exception e) when (IsUserError(e))
        {
            Console.Error.WriteLine($"recur: error: {OneLine(e.Message)}");
            return e is CliError { Usage: true } ? Usage : Failed;
        }
        catch (OutOfMemoryException)
        {
            Console.Error.WriteLine("recur: error: out of memory; choose smaller sizes (hidden, embedding, layers, batch) or free some memory");
            return Failed;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"recur: internal error: {e.GetType().Name}: {OneLine(e.Message)}");
            if (Environment.GetEnvironmentVariable("RECUR_DEBUG") == "1") Console.Error.WriteLine(e);
            else Console.Error.WriteLine("This is a bug in recur; rerun with RECUR_DEBUG=1 for details and please report it.");
            return Failed;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^--?[A-Za-z][\w-]*$")]
    private static partial System.Text.RegularExpressions.Regex OptionLike();

    /// <summary>
    /// An argument value shaped like an option (-x, --name) that names no file or directory, with its
    /// argument's name: arguments that take any number of values (CORPUS, TEXT) and a missing MODEL are
    /// handed the options the parser does not know, and "no such file '--bogus'" would mislead.
    /// </summary>
    static (string Token, string Argument)? OptionLikeArgument(ParseResult parsed)
    {
        foreach (var child in parsed.CommandResult.Children)
            if (child is System.CommandLine.Parsing.ArgumentResult a)
                foreach (var t in a.Tokens)
                    if (OptionLike().IsMatch(t.Value) && !File.Exists(t.Value) && !Directory.Exists(t.Value)) return (t.Value, a.Argument.Name);
        return null;
    }

    /// <summary>
    /// The first real-number option (--lr, --dropout, --temperature ...) given with a comma. The parser reads numbers
    /// in the invariant culture, where a comma separates thousands, so `--lr 0,002` (as a German or French user
    /// writes it) was read as 2 and `--temperature 0,8` as 8; no such value needs a thousands separator.
    /// </summary>
    static (string Option, string Value)? DecimalComma(ParseResult parsed)
    {
        foreach (var child in parsed.CommandResult.Children)
            if (child is System.CommandLine.Parsing.OptionResult o
                && (Nullable.GetUnderlyingType(o.Option.ValueType) ?? o.Option.ValueType) is var type && (type == typeof(double) || type == typeof(float)))
                foreach (var t in o.Tokens)
                    if (t.Value.Contains(',')) return (o.Option.Name, t.Value);
        return null;
    }

    /// <summary>The first option or argument given as "" (no path or number is empty; a prime may be).</summary>
    static string? EmptyValue(ParseResult parsed)
    {
        foreach (var child in parsed.CommandResult.Children)
        {
            var (name, tokens) = child switch
            {
                System.CommandLine.Parsing.OptionResult o => (o.Option.Name, o.Tokens),
                System.CommandLine.Parsing.ArgumentResult a => (a.Argument.Name, a.Tokens),
                _ => ("", (IReadOnlyList<System.CommandLine.Parsing.Token>)[]),
            };
            if (name is not ("--prime" or "TEXT") && tokens.Any(t => t.Value.Length == 0)) return name;
        }
        return null;
    }

    static bool IsUserError(Exception e) => e is CliError or InvalidDataException or IOException
        or UnauthorizedAccessException or ArgumentException or FormatException
        or TrainingDivergedException;

    internal static string OneLine(string s) => s.ReplaceLineEndings(" ").Trim();

    static string CommandPath(ParseResult parsed)
    {
        var names = new List<string>();
        for (var r = parsed.CommandResult; r != null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            if (r.Parent != null) names.Insert(0, r.Command.Name);
        return string.Join(' ', names);
    }

    /// <summary>Fails with a clear message unless <paramref name="ok"/>.</summary>
    public static void Require([System.Diagnostics.CodeAnalysis.DoesNotReturnIf(false)] bool ok, string message)
    {
        if (!ok) throw new CliError(message);
    }

    /// <summary>Fails as a malformed or self-contradictory command line (exit code 2) unless <paramref name="ok"/>.</summary>
    public static void RequireUsage([System.Diagnostics.CodeAnalysis.DoesNotReturnIf(false)] bool ok, string message)
    {
        if (!ok) throw new CliError(message, usage: true);
    }

    /// <summary>
    /// Creates <paramref name="dir"/> if needed and checks that a file can be written there, before any
    /// long work; otherwise one clear error naming it.
    /// </summary>
    public static string OutputDirectory(string dir, string what)
    {
        RequireNoFileAt(dir, what, "give a directory");
        try { Recur.IO.AtomicFile.EnsureWritableDirectory(dir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliError($"{what} '{dir}' cannot be written ({OneLine(e.Message)}); choose another");
        }
        return dir;
    }

    /// <summary>
    /// Refuses a run directory (-o) that cannot be one, before any data is read. One that names an input of the command
    /// (<paramref name="inputs"/>: its path, or null, and what it is) contradicts the rest of the command line: exit
    /// code 2, as a malformed one. One the file system refuses, an existing file or a path through one, is exit code 1,
    /// as an input that does not exist is.
    /// </summary>
    public static void RequireRunDirectory(string dir, params (string? Path, string What)[] inputs)
    {
        foreach (var (path, what) in inputs)
            if (path != null) RequireUsage(!Paths.Same(dir, path), $"--output '{dir}' is {what}; give a directory for the run");
        RequireNoFileAt(dir, "--output", "give a directory for the run");
    }

    /// <summary>Refuses (exit code 1) a directory path that is a file or runs through one (a parent that is a file), naming it.</summary>
    static void RequireNoFileAt(string dir, string what, string advice)
    {
        Require(!File.Exists(dir), $"{what} '{dir}' is a file; {advice}");
        for (string? d = Path.GetDirectoryName(dir); !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
            Require(!File.Exists(d), $"{what} '{dir}' is inside '{d}', which is a file; {advice}");
    }

    /// <summary>
    /// Creates <paramref name="dir"/> and any missing parents and checks that it can be written (as
    /// <see cref="OutputDirectory"/>); returns the topmost folder this made, or null when
    /// <paramref name="dir"/> existed, so that a command that then fails can remove it with <see cref="RemoveCreated"/>.
    /// </summary>
    public static string? CreateOutputDirectory(string dir, string what)
    {
        string? top = TopMissing(dir);
        try { OutputDirectory(dir, what); }
        catch { RemoveCreated(top, dir); throw; }
        return top;
    }

    /// <summary>
    /// The topmost folder that creating <paramref name="dir"/> would make (<paramref name="dir"/> itself or a
    /// missing parent), or null when it exists: what a command that makes it removes on failure.
    /// </summary>
    public static string? TopMissing(string dir)
    {
        string? top = null;
        for (var d = new DirectoryInfo(Path.GetFullPath(dir)); d != null && !d.Exists && !File.Exists(d.FullName); d = d.Parent) top = d.FullName;
        return top;
    }

    /// <summary>
    /// <see cref="CreateOutputDirectory"/> for a training command, which then holds the directory's lock (see
    /// DirectoryLock) for as long as it writes there. <paramref name="checkAgain"/> repeats, under the lock, the
    /// command's first look at what the directory holds: another process may have trained there since. A refusal
    /// leaves the directory alone (another process is in it, maybe the one that made it). Returns the lock and the
    /// folder this made, which a command that fails later removes with <see cref="RemoveCreated"/>, which releases
    /// the lock.
    /// </summary>
    public static (Recur.IO.DirectoryLock Lock, string? Created) CreateLockedDirectory(string dir, string what, Action checkAgain)
    {
        string? created = CreateOutputDirectory(dir, what);
        Recur.IO.DirectoryLock held;
        try { held = Recur.IO.DirectoryLock.Acquire(dir); }
        catch (Exception e) when (e is not Recur.IO.DirectoryInUseException)
        {
            RemoveCreated(created, dir);
            throw;
        }
        try { checkAgain(); }
        catch
        {
            held.Dispose();
            throw;
        }
        return (held, created);
    }

    /// <summary>
    /// Refuses a run directory that already holds one of <paramref name="names"/>, the files a run writes there
    /// (a model, or another run's history and plots), unless <paramref name="force"/>; the message names the
    /// first. Checked before any data is read, so nothing is trained only to be refused.
    /// </summary>
    public static void RequireNoRunFiles(string dir, bool force, params string[] names)
    {
        if (!force) RequireNoFiles(dir, names, "choose another --output or pass --force to overwrite it");
    }

    /// <summary>
    /// Refuses (exit code 2) an input file that is one of <paramref name="names"/>, the files a run writes in
    /// <paramref name="runDir"/>: the run would overwrite what it trains on (with --force, or with no check at all).
    /// <paramref name="what"/> names the input in the message.
    /// </summary>
    public static void RequireDataIsNoRunFile(string data, string runDir, IEnumerable<string> names, string what = "the data")
    {
        foreach (var name in names)
            RequireUsage(!Paths.Same(data, Path.Combine(runDir, name)),
                $"{what} '{data}' is the run's {name}, which the run would overwrite; move it out of '{runDir}' or choose another --output");
    }

    /// <summary>Refuses <paramref name="dir"/> if it holds one of <paramref name="names"/>: the message names the first and ends with <paramref name="advice"/>.</summary>
    public static void RequireNoFiles(string dir, IEnumerable<string> names, string advice)
    {
        foreach (var name in names)
        {
            string path = Path.Combine(dir, name);
            Require(!File.Exists(path), $"'{IO.PathText.Show(path)}' already exists; {advice}");
        }
    }

    /// <summary>
    /// Removes a folder that <see cref="CreateOutputDirectory"/> made (<paramref name="top"/>: <paramref name="dir"/> or a
    /// parent of it), with what this command wrote in <paramref name="dir"/>, and releases <paramref name="held"/>, the
    /// directory's lock, if any. What is in <paramref name="dir"/> is deleted while the lock is still held; then the lock
    /// goes (it removes its own files: Windows cannot delete an open one) and the folders from <paramref name="dir"/> up to
    /// <paramref name="top"/> are removed only if empty. A process that takes the directory as the lock goes (it found the
    /// directory there) keeps what it writes: its lock file alone keeps the folder.
    /// </summary>
    public static void RemoveCreated(string? top, string dir, IDisposable? held = null)
    {
        if (top != null)
            try
            {
                foreach (var entry in new DirectoryInfo(dir).EnumerateFileSystemInfos())
                    if (entry is DirectoryInfo sub && sub.LinkTarget == null) sub.Delete(recursive: true);
                    else if (!Recur.IO.DirectoryLock.IsLockFile(entry.FullName)) entry.Delete();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        held?.Dispose();
        if (top == null) return;
        string last = Path.GetFullPath(top);
        for (var d = new DirectoryInfo(Path.GetFullPath(dir)); d != null; d = d.Parent)
        {
            try { if (d.Exists) d.Delete(); }   // one the failure stopped short of making is not there
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return; }
            if (Paths.Same(d.FullName, last)) return;
        }
    }

    /// <summary>
    /// Corpus files as given: each an existing file, or a pattern with * or ? in its file name (books/*.txt), matched
    /// here in name order, as a Unix shell expands it before recur runs; Windows shells pass a pattern on as it is.
    /// </summary>
    public static string[] CorpusFiles(IEnumerable<string> given)
    {
        var files = new List<string>();
        foreach (var path in given)
        {
            string name = Path.GetFileName(path);
            if (File.Exists(path) || name.IndexOfAny(['*', '?']) < 0)
            {
                if (Directory.Exists(path))
                {
                    // books/*.txt stays bare for the shell to expand; a folder that needs quoting is quoted with its
                    // pattern (recur expands one itself), as "my books"\*.txt is two arguments to PowerShell.
                    string pattern = Path.Combine(path, "*.txt");
                    throw new CliError($"corpus '{path}' is a directory, not a file; give the files in it (e.g. " +
                        $"{(IO.PathText.Arg(path) == IO.PathText.Show(path) ? IO.PathText.Show(pattern) : IO.PathText.Arg(pattern))})");
                }
                files.Add(ExistingFile(path, "corpus"));
                continue;
            }
            string dir = Path.GetDirectoryName(path) is { Length: > 0 } d ? d : ".";
            // Simple: * and ? alone, without Windows' old rule that "*.txt" also matches "a.txt~"; hidden files skipped, as a shell does.
            var options = new EnumerationOptions { MatchType = MatchType.Simple };
            string[] matches = Directory.Exists(dir) ? Directory.GetFiles(dir, name, options) : [];
            if (matches.Length == 0) throw new CliError($"no file matches the corpus pattern '{path}'");
            Array.Sort(matches, StringComparer.Ordinal);
            files.AddRange(matches);
        }
        return [.. files];
    }

    /// <summary>An existing readable file, or a clear error naming the path.</summary>
    public static string ExistingFile(string path, string what)
    {
        if (Directory.Exists(path)) throw new CliError($"{what} '{path}' is a directory, not a file");
        if (!File.Exists(path)) throw new CliError($"{what} '{path}' does not exist");
        return path;
    }
}
