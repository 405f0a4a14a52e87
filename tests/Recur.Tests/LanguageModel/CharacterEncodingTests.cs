// Character vocabularies and ids, built with lookup tables, against the plain reading they replace: every
// Unicode scalar value (a surrogate pair whole, a lone surrogate as U+FFFD) one token, unknown ones counted.
// Corpus.Load encodes the text straight into its train | validation | test parts: the parts must be the
// whole encoding cut in three, and the hash the hash of the whole.
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Recur.LanguageModel;
using Recur.Tests.Support;
using Recur.Text;

namespace Recur.Tests.LanguageModel;

public class CharacterEncodingTests
{
    // The first 8 can be written to a UTF-8 file; lone surrogates cannot.
    static readonly string[] Pieces = ["a", "b", " ", "\n", "é", "中", "😀", "\r", "𝄞", "\uFFFD", "\uD800", "\uDC00"];

    static string RandomText(Random random, int length, int pieces = 12) => string.Concat(Enumerable.Range(0, length).Select(_ => Pieces[random.Next(pieces)]));

    // The reading the tables replace: a string per rune, looked up by ordinal string match.
    static int[] PlainEncode(Vocabulary vocab, string text, Dictionary<string, int> unknown)
    {
        var ids = new List<int>();
        foreach (var r in text.EnumerateRunes())
            if (vocab.TryGetId(r.ToString(), out int id)) ids.Add(id);
            else unknown[r.ToString()] = unknown.GetValueOrDefault(r.ToString()) + 1;
        return [.. ids];
    }

    [Fact]
    public void TablesReadAsRuneByRuneReading()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 50; trial++)
        {
            string text = RandomText(random, random.Next(1, 200));
            var vocab = Vocabulary.FromCharacters(text);
            Assert.Equal(text.EnumerateRunes().Select(r => r.Value).Distinct().Order().Select(v => new Rune(v).ToString()), vocab.Tokens);
            Assert.Equal(PlainEncode(vocab, text, []), vocab.EncodeCharacters(text));

            // Another text through this vocabulary: unknown characters skipped and counted as the plain reading counts them.
            string other = RandomText(random, random.Next(1, 200));
            var (unknown, plainUnknown) = (new Dictionary<string, int>(), new Dictionary<string, int>());
            Assert.Equal(PlainEncode(vocab, other, plainUnknown), vocab.EncodeCharacters(other, unknown));
            Assert.Equal(plainUnknown.OrderBy(p => p.Key, StringComparer.Ordinal), unknown.OrderBy(p => p.Key, StringComparer.Ordinal));
        }
    }

    [Fact]
    public void AWordVocabularyReadsOnlyItsOneCharacterTokensAsCharacters()
    {
        var vocab = new Vocabulary(["<unk>", ",", "ab", "😀"]);
        var unknown = new Dictionary<string, int>();
        Assert.Equal([1, 3, 1], vocab.EncodeCharacters("a,😀b,", unknown));
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1, ["b"] = 1 }, unknown);
    }

    [Fact]
    public void CorpusPartsAreTheWholeEncodingCutInThree()
    {
        using var tmp = new TempDir();
        var random = new Random(3);
        // Characters the given vocabulary lacks ("中", "😀", ...) sit anywhere, the end included, so some fall on the cuts.
        string[] files = [tmp.Write("a.txt", RandomText(random, 997, 8) + "中中"), tmp.Write("b.txt", "中" + RandomText(random, 503, 8) + "😀😀")];
        var vocab = new Vocabulary(["\n", " ", "a", "b", "é", "\r"]);
        var config = new TrainConfig { Corpus = files, ValFrac = 0.13, TestFrac = 0.07 };
        var corpus = Corpus.Load(config, ModelConfig.Chars, new TextOptions(), vocab);

        string text = string.Concat(files.Select(f => TextFile.Read(f, new TextOptions())));
        var leftOut = new Dictionary<string, int>();
        int[] whole = PlainEncode(vocab, text, leftOut);
        int test = (int)(whole.Length * 0.07), val = (int)(whole.Length * 0.13);
        Assert.Equal(whole[..^(val + test)], corpus.Train);
        Assert.Equal(whole[^(val + test)..^test], corpus.Validation);
        Assert.Equal(whole[^test..], corpus.Test);
        Assert.Equal(leftOut.OrderBy(p => p.Key, StringComparer.Ordinal), corpus.LeftOut.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(whole.AsSpan()))).ToLowerInvariant(), corpus.Hash);
    }
}
