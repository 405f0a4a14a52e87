// The text a run trains on: files read and normalised (TextFile), joined, cut into tokens and split into
// contiguous train | validation | test parts (the held-out parts are the tail, as char-rnn does), or
// validated on a separate file (--val-file). Characters: the vocabulary is every character of all the
// text given, so validation never meets an unknown one. Words: the vocabulary is counted on the training
// part only (WordTokenizer, Vocabulary.FromWords), so held-out words it lacks read as <unk>. A hash of
// the encoded text lets a resumed run check that it reads the same corpus. With a given vocabulary (a
// resumed or fine-tuned run) characters outside it are left out and counted in LeftOut (the corpus files)
// and ValidationLeftOut (a --val-file).
using System.Runtime.InteropServices;
using Recur.Text;

namespace Recur.LanguageModel;

/// <summary>An encoded, split corpus.</summary>
public sealed class Corpus
{
    /// <summary>The tokens the ids index: from the text, or the one given to Load.</summary>
    public Vocabulary Vocabulary { get; }
    /// <summary>Token ids of the training part, in text order.</summary>
    public int[] Train { get; }
    /// <summary>Token ids of the validation part (the tail before the test part, or the --val-file); empty without validation.</summary>
    public int[] Validation { get; }
    /// <summary>Token ids of the test part, the corpus's last tokens; empty with TestFrac 0.</summary>
    public int[] Test { get; }
    /// <summary>SHA-256 of the encoded token ids (the corpus, then a validation file), hex.</summary>
    public string Hash { get; }
    /// <summary>Word tokens read as &lt;unk&gt; in the training part.</summary>
    public int UnknownTrain { get; }
    /// <summary>Word tokens read as &lt;unk&gt; in the validation and test parts (words outside the vocabulary: never in the training part, or cut by --max-vocab).</summary>
    public int UnknownHeldOut { get; }
    /// <summary>Characters outside a given vocabulary, left out of the text, with their counts (empty when the vocabulary comes from the text).</summary>
    public IReadOnlyDictionary<string, int> LeftOut { get; private set; } = new Dictionary<string, int>();
    /// <summary>The same for a separate validation file.</summary>
    public IReadOnlyDictionary<string, int> ValidationLeftOut { get; private set; } = new Dictionary<string, int>();
    /// <summary>The files (corpus, then validation) whose text keeps carriage returns with no line feed after them, with their counts (TokenText.CarriageReturnNote).</summary>
    public IReadOnlyList<(string File, int Count)> CarriageReturns { get; private set; } = [];
    /// <summary>
    /// Corpus files with no line break at their end that another file follows: the files are joined as they are
    /// (as `cat` joins them), so the last line runs into the next file's first, and a word model reads the two words
    /// at the seam as one. Each with the file after it.
    /// </summary>
    public IReadOnlyList<(string File, string Next)> Unterminated { get; private set; } = [];
    /// <summary>Tokens in all three parts.</summary>
    public int Length => Train.Length + Validation.Length + Test.Length;

    Corpus(Vocabulary vocab, int[] train, int[] validation, int[] test, string hash, int unknownTrain, int unknownHeldOut)
    {
        Vocabulary = vocab;
        Train = train;
        Validation = validation;
        Test = test;
        Hash = hash;
        UnknownTrain = unknownTrain;
        UnknownHeldOut = unknownHeldOut;
    }

    /// <summary>
    /// Reads <c>config.Corpus</c> (and <c>config.ValFile</c>) as <paramref name="tokens"/> ("chars" or "words") and
    /// builds the vocabulary, or uses <paramref name="vocab"/> (on resume).
    /// </summary>
    public static Corpus Load(TrainConfig config, string tokens, TextOptions options, Vocabulary? vocab = null)
    {
        if (config.Corpus.Length == 0) throw new ArgumentException("no corpus files given");
        var files = config.Corpus.Select(f => (File: f, Text: TextFile.Read(f, options))).ToList();
        string? valText = config.ValFile != null ? TextFile.Read(config.ValFile, options) : null;
        if (files.Count > 1) TextFile.CheckLength(files.Sum(f => (long)f.Text.Length), $"the {files.Count} corpus files together", "give fewer or smaller files");
        string text = string.Concat(files.Select(f => f.Text));
        var corpus = tokens == ModelConfig.Words ? Words(config, text, valText, vocab) : Characters(config, text, valText, vocab);
        corpus.Unterminated = files.Zip(files.Skip(1)).Where(p => !p.First.Text.EndsWith('\n')).Select(p => (p.First.File, p.Second.File)).ToList();
        if (valText != null) files.Add((config.ValFile!, valText));
        corpus.CarriageReturns = files.Select(f => (f.File, TokenText.CarriageReturns(f.Text))).Where(f => f.Item2 > 0).ToList();
        return corpus;
    }

    static Corpus Characters(TrainConfig config, string text, string? valText, Vocabulary? vocab)
    {
        vocab ??= Vocabulary.FromCharacters(valText != null ? [text, valText] : [text]);
        var leftOut = new Dictionary<string, int>();
        var valLeftOut = new Dictionary<string, int>();
        // Counted first, then encoded straight into the three parts: no whole-corpus id array to cut (223 MB of
        // text once peaked at 3.4 GB).
        var (train, val, test) = Sizes(vocab.CountCharacters(text), config, valText != null);
        int[][] parts = [new int[train], new int[val], new int[test]];
        int read = 0;
        foreach (var part in parts) read += vocab.EncodeCharacters(text.AsSpan(read), part, leftOut).Read;
        var valFile = valText != null ? vocab.EncodeCharacters(valText, valLeftOut) : null;
        var corpus = Split(vocab, parts[0], parts[1], parts[2], valFile, 0, 0);
        corpus.LeftOut = leftOut;
        corpus.ValidationLeftOut = valLeftOut;
        return corpus;
    }

    static Corpus Words(TrainConfig config, string text, string? valText, Vocabulary? vocab)
    {
        var words = WordTokenizer.Tokenize(text);
        var (train, val, _) = Sizes(words.Count, config, valText != null);
        vocab ??= Vocabulary.FromWords(words.Take(train), config.MaxVocab);
        var ids = vocab.EncodeWords(words);
        var valFile = valText != null ? vocab.EncodeWords(WordTokenizer.Tokenize(valText)) : null;
        if (!vocab.TryGetId(Vocabulary.Unknown, out int unk)) throw new InvalidDataException("the saved vocabulary is not a word vocabulary (it has no <unk>)");
        int unknownTrain = ids.AsSpan(0, train).Count(unk);
        int unknownHeldOut = ids.AsSpan(train).Count(unk) + (valFile != null ? valFile.AsSpan().Count(unk) : 0);
        return Split(vocab, ids[..train], ids[train..(train + val)], ids[(train + val)..], valFile, unknownTrain, unknownHeldOut);
    }

    /// <summary>Token counts of the train, validation and test parts of <paramref name="length"/> corpus tokens.</summary>
    static (int Train, int Val, int Test) Sizes(int length, TrainConfig config, bool valFile)
    {
        int test = (int)(length * config.TestFrac), val = valFile ? 0 : (int)(length * config.ValFrac);
        return (length - val - test, val, test);
    }

    /// <summary>The corpus of the parts of the text (train | val | test) and a separate validation file's ids, hashed in that order.</summary>
    static Corpus Split(Vocabulary vocab, int[] train, int[] val, int[] test, int[]? valFile, int unknownTrain, int unknownHeldOut)
    {
        var sha = new Sha256();
        foreach (var part in new[] { train, val, test, valFile ?? [] }) sha.Append(MemoryMarshal.AsBytes(part.AsSpan()));
        string hash = Convert.ToHexString(sha.Hash()).ToLowerInvariant();
        return new Corpus(vocab, train, valFile ?? val, test, hash, unknownTrain, unknownHeldOut);
    }
}
