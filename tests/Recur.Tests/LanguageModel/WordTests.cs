// Word mode: the tokenizer's rule (words, apostrophes inside words, one token per mark, <eos> at line
// ends), joining tokens back into readable text, the vocabulary by frequency with <unk> and --max-vocab,
// and seed 004's spelled-out numbers.
using Recur.LanguageModel;
using Recur.Text;

namespace Recur.Tests.LanguageModel;

public class WordTests
{
    [Fact]
    public void WordsMarksAndLineEnds()
    {
        Assert.Equal(new[] { "\"", "Well", ",", "Prince", ",", "so", "Genoa", "and", "Lucca", "<eos>", "don't", "-", "-", "it's", "1805", "." },
            WordTokenizer.Tokenize("\"Well, Prince, so Genoa  and\tLucca\ndon't--it's 1805."));
        // An apostrophe is inside a word only between letters or digits; at an edge it is a quote mark.
        Assert.Equal(new[] { "'", "faithful", "slave", ",", "'", "soldiers", "'", "o'clock", "rock’n’roll" },
            WordTokenizer.Tokenize("'faithful slave,' soldiers' o'clock rock’n’roll"));
        Assert.Equal(new[] { ".", ".", ".", "Zürich", "café", "naïve", "<eos>", "<eos>", "東京" },
            WordTokenizer.Tokenize("... Zürich café naïve\n\n東京"));
        Assert.Equal(new[] { "<", "eos", ">" }, WordTokenizer.Tokenize("<eos>"));   // text can never spell a special token
        Assert.Empty(WordTokenizer.Tokenize(" \t "));
    }

    [Fact]
    public void JoiningPutsNoSpaceBeforePunctuation()
    {
        Assert.Equal("Well, Prince, so Genoa and Lucca are now just family estates of the\nBuonapartes. But I warn you!",
            WordTokenizer.Detokenize(WordTokenizer.Tokenize("Well, Prince, so Genoa and Lucca are now just family estates of the\nBuonapartes. But I warn you!")));
        Assert.Equal("the well-known Antichrist--I (really) believe: 7 and 10; 50% yes?",
            WordTokenizer.Detokenize(WordTokenizer.Tokenize("the well-known Antichrist--I (really) believe: 7 and 10; 50% yes?")));
        // Straight quotes alternate open / close; a blank line starts the count again.
        Assert.Equal("\"Heavens! what a virulent attack!\" replied the prince, 'faithful slave,' he said.\n\n\"Yes\"",
            WordTokenizer.Detokenize(["\"", "Heavens", "!", "what", "a", "virulent", "attack", "!", "\"", "replied", "the", "prince", ",",
                "'", "faithful", "slave", ",", "'", "he", "said", ".", "<eos>", "<eos>", "\"", "Yes", "\""]));
        Assert.Equal("one, two\nthree <unk>", WordTokenizer.Detokenize(["one", ",", "two", "<eos>", "three", "<unk>"]));
    }

    [Fact]
    public void JoinerContinuesAPrime()
    {
        var join = TokenText.Joiner("words", "The emperor");
        Assert.Equal(",", join(","));
        Assert.Equal(" said", join("said"));
        var afterSpace = TokenText.Joiner("words", "He said (");
        Assert.Equal("yes", afterSpace("yes"));
        Assert.Equal("x", TokenText.Joiner("words", "ends with a space ")("x"));
        Assert.Equal("x", TokenText.Joiner("chars", "ab")("x"));
    }

    [Fact]
    public void VocabularyByFrequencyWithUnknownAndMaxVocab()
    {
        var words = WordTokenizer.Tokenize("b a c a b a ,\nd");
        var all = Vocabulary.FromWords(words);
        // <unk> first, then by count (a 3, b 2), ties by ordinal order (, < <eos> < c < d).
        Assert.Equal(new[] { "<unk>", "a", "b", ",", "<eos>", "c", "d" }, all.Tokens);
        var four = Vocabulary.FromWords(words, maxSize: 4);
        Assert.Equal(new[] { "<unk>", "a", "b", "," }, four.Tokens);
        var unknown = new Dictionary<string, int>();
        Assert.Equal(new[] { 2, 1, 0, 1, 2, 1, 3, 0, 0 }, four.EncodeWords(words, unknown));
        Assert.Equal(new Dictionary<string, int> { ["c"] = 1, ["<eos>"] = 1, ["d"] = 1 }, unknown);
        Assert.Equal(four.Tokens, Vocabulary.FromJson(four.ToJson()).Tokens);
        Assert.Throws<ArgumentException>(() => Vocabulary.FromWords(words, maxSize: 1));
        Assert.Throws<InvalidOperationException>(() => Vocabulary.FromCharacters("ab").EncodeWords(["a"]));
    }

    [Theory]
    [InlineData(1, "one")]
    [InlineData(15, "fifteen")]
    [InlineData(20, "twenty")]
    [InlineData(42, "forty two")]
    [InlineData(100, "one hundred")]
    [InlineData(110, "one hundred ten")]
    [InlineData(1000, "one thousand")]
    [InlineData(1312, "one thousand three hundred twelve")]
    [InlineData(8000, "eight thousand")]
    [InlineData(8001, "eight thousand one")]
    [InlineData(9999, "nine thousand nine hundred ninety nine")]
    [InlineData(120_005, "one hundred twenty thousand five")]
    public void NumbersAreSpelledAsTheSeedSpellsThem(int n, string words) => Assert.Equal(words, HumanNumbers.Spell(n));

    [Fact]
    public void NumbersCorpusIsCommaSeparated()
    {
        Assert.Equal("nine , ten , eleven\n", HumanNumbers.Text(9, 11));
        Assert.Equal(new[] { "nine", ",", "ten", ",", "eleven", "<eos>" }, WordTokenizer.Tokenize(HumanNumbers.Text(9, 11)));
        Assert.Throws<ArgumentOutOfRangeException>(() => HumanNumbers.Spell(0));
    }

    [Fact]
    public void TheUnknownNoteCountsInTheRightNumber()
    {
        Assert.Equal("1 character is not in the model's vocabulary and was skipped", TokenText.UnknownNote(ModelConfig.Chars, 1));
        Assert.Equal("2 words are not in the model's vocabulary and were read as <unk>", TokenText.UnknownNote(ModelConfig.Words, 2));
    }
}
