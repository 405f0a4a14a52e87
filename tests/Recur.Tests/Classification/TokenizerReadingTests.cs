// The classifier's tokenizer reads text in place and hands tokens on as spans; training numbers them in a
// table of distinct tokens before the vocabulary exists. This holds both to the plain reading they
// replace: the seed's rules on whole strings (tags cut by string, ToLowerInvariant, rune by rune with a
// StringBuilder), then a vocabulary counted string by string. Random text full of the rules' edge cases
// (tags, emoticons at the end, cased letters above U+FFFF, lone surrogates, texts longer than the
// buffers a thread keeps) and IMDb's training reviews.
using System.Text;
using Recur.Classification;
using Recur.Tests.Support;

namespace Recur.Tests.Classification;

public class TokenizerReadingTests
{
    static string PlainStripTags(string text)
    {
        int open = text.IndexOf('<');
        if (open < 0) return text;
        var sb = new StringBuilder(text.Length);
        int pos = 0;
        while (open >= 0)
        {
            int close = text.IndexOf('>', open + 1);
            if (close < 0) break;
            sb.Append(text, pos, open - pos);
            pos = close + 1;
            open = text.IndexOf('<', pos);
        }
        sb.Append(text, pos, text.Length - pos);
        return sb.ToString();
    }

    static List<string> PlainTokenize(string text)
    {
        string lower = PlainStripTags(text).ToLowerInvariant();
        var emoticons = new List<string>();
        for (int i = 0; i < lower.Length; i++)
        {
            char eyes = lower[i];
            if (eyes is not (':' or ';' or '=')) continue;
            int j = i + 1;
            if (j < lower.Length && lower[j] == '-') j++;
            if (j < lower.Length && lower[j] is ')' or '(')
            {
                emoticons.Add(string.Concat(eyes, lower[j]));
                i = j;
            }
        }
        var tokens = new List<string>();
        var word = new StringBuilder();
        bool endsInWord = false;
        foreach (var rune in lower.EnumerateRunes())
        {
            if (Tokenizer.IsWord(rune)) { word.Append(rune.ToString()); endsInWord = true; continue; }
            endsInWord = false;
            if (word.Length > 0) { tokens.Add(word.ToString()); word.Clear(); }
        }
        if (word.Length > 0) tokens.Add(word.ToString());
        if (emoticons.Count == 0) return tokens;
        int start = 0;
        if (endsInWord) { tokens[^1] += emoticons[0]; start = 1; }
        for (int i = start; i < emoticons.Count; i++) tokens.Add(emoticons[i]);
        return tokens;
    }

    // Words, cased letters of many scripts (𐐀 lowercases to 𐐨, İ to i, Σ to σ), marks that are not word
    // characters (U+0301), numbers, tags, emoticons, separators, lone surrogates.
    static readonly string[] Pieces = ["a", "Word", "DON'T", "7", "_", "é", "e\u0301", "İ", "ΣΑΣ", "ß", "ǅ", "Ⅻ", "½", "٣", "東京",
        "\U00010400", "\U0001D400", "😀", "\uD800", "\uDC00", "<br />", "<", ">", ":", ";", "=", "-", ")", "(", ":-)", ";(", "=)",
        ":D", " ", "\n", "\r\n", "\t", "\u00A0", ",", "...", "\""];

    static string RandomText(Random random, int pieces) =>
        string.Concat(Enumerable.Range(0, pieces).Select(_ => Pieces[random.Next(Pieces.Length)]));

    static IEnumerable<string> RandomTexts()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 2000; trial++) yield return RandomText(random, random.Next(0, 30));
        // Longer than the 65,536 chars a thread's buffers keep, with and without tags, and one long word.
        yield return RandomText(random, 40000);
        yield return RandomText(random, 40000).Replace("<", "").Replace(">", "") + " x:)";
        yield return new string('A', 70000) + ":-(";
    }

    [Fact]
    public void ReadsAsTheSeedsRulesOnWholeStrings()
    {
        foreach (string text in RandomTexts())
        {
            Assert.Equal(PlainTokenize(text), Tokenizer.Tokenize(text));
            Assert.Equal(PlainStripTags(text), Tokenizer.StripTags(text));
        }
    }

    [Fact]
    public void ReadsImdbsTrainingReviewsAsTheSeedsRules()
    {
        var texts = TextData.Load(SharedData.File("imdb/train.csv")).Select(t => t.Text).ToArray();
        var bad = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, texts.Length, i => { if (!PlainTokenize(texts[i]).SequenceEqual(Tokenizer.Tokenize(texts[i]))) bad.Add(i); });
        Assert.Empty(bad);
    }

    /// <summary>Random texts as a data set: words of a small pool (so counts tie often) among the edge cases.</summary>
    static string[] RandomDataSet(Random random, int count)
    {
        string[] words = ["good", "bad", "film", "plot", "ok", "Film", "FILM", "x\U00010400", ":)"];
        return Enumerable.Range(0, count).Select(_ => string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ =>
            random.Next(3) == 0 ? Pieces[random.Next(Pieces.Length)] : " " + words[random.Next(words.Length)] + " "))).ToArray();
    }

    [Fact]
    public void VocabularyAndIdsAreThoseOfCountingStrings()
    {
        var random = new Random(9);
        for (int trial = 0; trial < 60; trial++)
        {
            var texts = RandomDataSet(random, random.Next(1, 80));
            // Training texts: a random part of the data, in data order (the rest are validation texts).
            var train = Enumerable.Range(0, texts.Length).Where(_ => random.Next(4) != 0).ToArray();
            int minFreq = 1 + random.Next(3);
            int? maxWords = random.Next(3) == 0 ? 1 + random.Next(10) : null;
            var plain = ClassifierVocabulary.Build(train.Select(i => PlainTokenize(texts[i])), minFreq, maxWords);
            var vocab = ClassifierVocabulary.ReadTexts(texts, train, minFreq, maxWords, out var ids);
            Assert.Equal(plain.Tokens, vocab.Tokens);
            for (int i = 0; i < texts.Length; i++)
            {
                var expected = PlainTokenize(texts[i]).Select(plain.Id).ToArray();
                Assert.Equal(expected, ids[i]);
                Assert.Equal(expected, vocab.Encode(texts[i]));
            }
        }
    }
}
