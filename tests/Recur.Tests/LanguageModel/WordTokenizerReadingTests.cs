// WordTokenizer reads the text in place and shares one string per distinct token; this holds it to the
// plain reading of its rule, rune by rune with a StringBuilder, on random text full of the rule's edge
// cases (apostrophes at word edges, combining marks, astral letters, lone surrogates) and on War and Peace.
using System.Globalization;
using System.Text;
using Recur.Tests.Support;
using Recur.Text;

namespace Recur.Tests.LanguageModel;

public class WordTokenizerReadingTests
{
    static List<string> PlainTokenize(string text)
    {
        var tokens = new List<string>();
        var word = new StringBuilder();
        var runes = text.EnumerateRunes().ToArray();
        static bool WordRune(Rune r) => Rune.IsLetterOrDigit(r) || Rune.GetUnicodeCategory(r) is
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
        for (int i = 0; i < runes.Length; i++)
        {
            var r = runes[i];
            bool apostrophe = r.Value is '\'' or '\u2019';
            if (WordRune(r) || (apostrophe && word.Length > 0 && i + 1 < runes.Length && Rune.IsLetterOrDigit(runes[i + 1]) && Rune.IsLetterOrDigit(runes[i - 1])))
            {
                word.Append(r.ToString());
                continue;
            }
            if (word.Length > 0) tokens.Add(word.ToString());
            word.Clear();
            if (r.Value == '\n') tokens.Add(WordTokenizer.EndOfLine);
            else if (!Rune.IsWhiteSpace(r)) tokens.Add(r.ToString());
        }
        if (word.Length > 0) tokens.Add(word.ToString());
        return tokens;
    }

    [Fact]
    public void ReadsAsTheRuleRuneByRune()
    {
        string[] pieces = ["a", "B", "7", "'", "\u2019", "\u0301", "é", "東", "𝐀", "😀", " ", "\n", "\t", ",", "-", "\uD800", "\uDC00", "\u00A0"];
        var random = new Random(11);
        for (int trial = 0; trial < 300; trial++)
        {
            string text = string.Concat(Enumerable.Range(0, random.Next(0, 40)).Select(_ => pieces[random.Next(pieces.Length)]));
            Assert.Equal(PlainTokenize(text), WordTokenizer.Tokenize(text));
        }
    }

    [Fact]
    public void ReadsWarAndPeaceAsTheRuleRuneByRune()
    {
        string text = TextFile.Read(SharedData.File("warpeace.txt"), new TextOptions());
        var tokens = WordTokenizer.Tokenize(text);
        Assert.Equal(PlainTokenize(text), tokens);
        // One string per distinct token.
        Assert.Equal(tokens.Distinct().Count(), tokens.Distinct(ReferenceEqualityComparer.Instance).Count());
    }
}
