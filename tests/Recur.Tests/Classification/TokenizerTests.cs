// Seed 002's tokenizer, rule by rule: tags stripped, emoticons collected from lowercased text and
// appended (glued to a trailing word, as the seed's string concatenation does), Python's \w.
using Recur.Classification;

namespace Recur.Tests.Classification;

public class TokenizerTests
{
    static void Check(string text, params string[] expected) => Assert.Equal(expected, Tokenizer.Tokenize(text));

    [Fact]
    public void LowercasesAndSplitsOnNonWordCharacters() =>
        Check("This movie is GREAT, isn't it? 10/10!", "this", "movie", "is", "great", "isn", "t", "it", "10", "10");

    [Fact]
    public void StripsHtmlTagsIncludingIMDbLineBreaks() =>
        Check("Great film.<br /><br />Loved it.<i>Really</i>", "great", "film", "loved", "it", "really");

    [Fact]
    public void TagsJoinTheTextAroundThem() => Check("bad<br />acting", "badacting");

    [Fact]
    public void TagsMaySpanLines() => Check("see <a\nhref=\"x\">this</a> now", "see", "this", "now");

    [Fact]
    public void ALessThanWithNoLaterGreaterThanStays() => Check("a < b and c <d", "a", "b", "and", "c", "d");

    [Fact]
    public void EmoticonsAreAppendedWithoutTheirNose() =>
        Check("Fun movie :-) but the end... ;( ", "fun", "movie", "but", "the", "end", ":)", ";(");

    [Fact]
    public void TheFirstEmoticonJoinsATrailingWord() =>
        // The seed concatenates "i loved it but hmm" + ":) :(" with no space.
        Check("I loved it :) but :-( hmm", "i", "loved", "it", "but", "hmm:)", ":(");

    [Fact]
    public void EqualsEmoticonsAreCollected() => Check("nice =) ok.", "nice", "ok", "=)");

    [Fact]
    public void CapitalDAndPEmoticonsAreNotCollectedAsInTheSeed() =>
        // The pattern lists D and P but runs on lowercased text, so ":D" is just the word "d".
        Check("Great =D fun :P", "great", "d", "fun", "p");

    [Fact]
    public void EmoticonsInsideTagsAreRemovedWithTheTag() => Check("ok <span title=':)'>fine</span>.", "ok", "fine");

    [Fact]
    public void WordCharactersArePythons() =>
        // Letters of any script, digits, numbers such as ² and ½, and '_'; not punctuation or symbols.
        Check("Café naïve x² ½ snake_case — “quoted” €5 日本語", "café", "naïve", "x²", "½", "snake_case", "quoted", "5", "日本語");

    [Fact]
    public void EmptyAndPunctuationOnlyTextsHaveNoTokens()
    {
        Check("");
        Check("  ... !!! ");
        Check("<br />");
    }

    [Fact]
    public void OnlyAnEmoticon() => Check(":-)", ":)");
}
