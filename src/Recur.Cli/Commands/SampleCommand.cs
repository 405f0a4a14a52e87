// recur sample MODEL: generates text from a trained language model, streaming it to stdout.
using System.CommandLine;
using Recur.LanguageModel;

namespace Recur.Cli.Commands;

static class SampleCommand
{
    static readonly Argument<string> Model = new("MODEL") { Description = "A run directory or a .safetensors model file" };
    static readonly Option<string> Prime = new("--prime") { Description = "Text the model reads first; the sample continues it (default: a newline)", DefaultValueFactory = _ => "" };
    static readonly Option<int> Length = new("--length") { Description = "Tokens (characters or words) to generate after the prime", DefaultValueFactory = _ => 500 };
    static readonly Option<double> Temperature = new("--temperature") { Description = "Divide logits by this before sampling; 0 always picks the most likely", DefaultValueFactory = _ => 1.0 };
    static readonly Option<int> TopK = new("--top-k") { Description = "Sample among the k most likely tokens (0 = all)", DefaultValueFactory = _ => 0 };
    static readonly Option<double> TopP = new("--top-p") { Description = "Sample among the most likely tokens whose probabilities sum to p (1 = all)", DefaultValueFactory = _ => 1.0 };
    static readonly Option<ulong> Seed = new("--seed") { Description = "Random seed; the same seed gives the same sample", DefaultValueFactory = _ => 1UL };
    static readonly Option<int> Count = new("--count") { Description = "Independent samples, computed as one batch", DefaultValueFactory = _ => 1 };
    static readonly Option<string?> Stop = new("--stop") { Description = "End a sample once it has generated this string; each of its characters (a word model: words and marks, matched whatever their spacing) must be in the model's vocabulary" };
    static readonly Option<int> Threads = CommonOptions.Threads();

    public static Command Create()
    {
        var cmd = new Command("sample", "Generate text from a trained language model");
        cmd.Add(Model);
        foreach (var o in new Option[] { Prime, Length, Temperature, TopK, TopP, Seed, Count, Stop, Threads }) cmd.Add(o);
        cmd.SetAction(Run);
        return cmd;
    }

    static int Run(ParseResult p)
    {
        var options = new SampleOptions
        {
            Prime = Unescape(p.GetValue(Prime)!), Length = p.GetValue(Length), Temperature = p.GetValue(Temperature), TopK = p.GetValue(TopK),
            TopP = p.GetValue(TopP), Seed = p.GetValue(Seed), Count = p.GetValue(Count), Stop = p.GetValue(Stop) is string s ? Unescape(s) : null,
        };
        options.Validate();
        CommonOptions.UseThreads(p.GetValue(Threads));
        var loaded = LanguageModelFile.Load(p.GetValue(Model)!);
        var sampler = new Sampler(loaded.Model, loaded.Vocabulary);
        var stdout = Console.Out;
        if (options.Count == 1)
        {
            sampler.Generate(options, (_, token) => { stdout.Write(token); if (token.EndsWith('\n')) stdout.Flush(); }, prime => stdout.Write(prime));
            stdout.WriteLine();
        }
        else
        {
            var samples = sampler.Generate(options);
            for (int i = 0; i < samples.Length; i++)
            {
                if (i > 0) stdout.WriteLine();
                stdout.WriteLine($"--- sample {i + 1} of {samples.Length} ---");
                stdout.WriteLine(samples[i]);
            }
        }
        stdout.Flush();
        return Cli.Ok;
    }

    /// <summary>
    /// Lets a shell user write \n, \t and \\ (a backslash) in --prime and --stop, read left to right, so "\\n" is
    /// a backslash and an n; any other backslash stays as it is.
    /// </summary>
    static string Unescape(string s)
    {
        var sb = new System.Text.StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char next = i + 1 < s.Length ? s[i + 1] : '\0';
            if (s[i] == '\\' && next is 'n' or 't' or '\\') { sb.Append(next switch { 'n' => '\n', 't' => '\t', _ => '\\' }); i++; }
            else sb.Append(s[i]);
        }
        return sb.ToString();
    }
}
