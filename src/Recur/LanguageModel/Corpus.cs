// The text a run trains on: files read and normalised (TextFile), joined, encoded with the character
// vocabulary of the whole text, and split into contiguous train | validation | test parts (the held-out
// parts are the tail, as char-rnn does). A hash of the encoded text lets a resumed run check it reads
// the same corpus.
using System.Security.Cryptography;
using Recur.Text;

namespace Recur.LanguageModel;

/// <summary>An encoded, split corpus.</summary>
public sealed class Corpus
{
    public Vocabulary Vocabulary { get; }
    public int[] Train { get; }
    public int[] Validation { get; }
    public int[] Test { get; }
    /// <summary>SHA-256 of the encoded token ids, hex.</summary>
    public string Hash { get; }
    public int Length => Train.Length + Validation.Length + Test.Length;

    Corpus(Vocabulary vocab, int[] tokens, double valFrac, double testFrac)
    {
        Vocabulary = vocab;
        int test = (int)(tokens.Length * testFrac), val = (int)(tokens.Length * valFrac);
        int train = tokens.Length - val - test;
        Train = tokens[..train];
        Validation = tokens[train..(train + val)];
        Test = tokens[(train + val)..];
        Hash = Convert.ToHexString(SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tokens.AsSpan()))).ToLowerInvariant();
    }

    /// <summary>Reads the files and builds the vocabulary from all of their text (or uses <paramref name="vocab"/>, e.g. on resume).</summary>
    public static Corpus Load(IReadOnlyList<string> files, TextOptions options, double valFrac, double testFrac, Vocabulary? vocab = null)
    {
        if (files.Count == 0) throw new ArgumentException("no corpus files given");
        string text = string.Concat(files.Select(f => TextFile.Read(f, options)));
        vocab ??= Vocabulary.FromCharacters(text);
        var tokens = vocab.EncodeCharactersStrict(text, "the corpus");
        return new Corpus(vocab, tokens, valFrac, testFrac);
    }
}
