// Reading corpora: BOM and CRLF rules, Unicode characters kept whole, --ascii and --lowercase, and
// clear refusals of binary, non-UTF-8 and empty input.
using System.Text;
using Recur.LanguageModel;
using Recur.Tests.Support;
using Recur.Text;

namespace Recur.Tests.LanguageModel;

public class TextTests
{
    static string Decode(byte[] bytes, TextOptions? o = null) => TextFile.Decode(bytes, "f.txt", o ?? new TextOptions());

    [Fact]
    public void BomIsDroppedAndCrlfBecomesLf()
    {
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("a\r\nb\rc\n")).ToArray();
        Assert.Equal("a\nb\rc\n", Decode(bytes));
    }

    [Fact]
    public void SurrogatePairsAreOneCharacter()
    {
        string text = "春眠不觉晓🙂🙂a";
        var vocab = Vocabulary.FromCharacters(text);
        Assert.Equal(7, vocab.Count);
        Assert.Contains("🙂", vocab.Tokens);
        var ids = vocab.EncodeCharacters(text);
        Assert.Equal(8, ids.Length);
        Assert.Equal(text, string.Concat(ids.Select(i => vocab[i])));
    }

    [Fact]
    public void VocabularyIsSortedByCodePoint()
    {
        var vocab = Vocabulary.FromCharacters("ba\nb😀a");
        Assert.Equal(new[] { "\n", "a", "b", "😀" }, vocab.Tokens);
        Assert.Equal(vocab.Tokens, Vocabulary.FromJson(vocab.ToJson()).Tokens);
    }

    [Fact]
    public void AsciiFoldsAccentsAndTypography()
    {
        Assert.Equal("Francois Anna Karenina -- \"quoted\" ... Strasse", AsciiFold.Fold("François Anna Karénina — “quoted” … Straße"));
        Assert.Equal("cafe", Decode(Encoding.UTF8.GetBytes("Café"), new TextOptions(Lowercase: true, Ascii: true)));
    }

    // A text longer than a string can hold is refused by name, not reported as "out of memory" with advice about
    // model sizes. A gigabyte of 'a' in memory, no file.
    [Fact]
    public void TextLongerThanAStringHoldsIsRefused()
    {
        var bytes = GC.AllocateUninitializedArray<byte>(TextFile.MaxChars + 1);
        bytes.AsSpan().Fill((byte)'a');
        var e = Assert.Throws<InvalidDataException>(() => TextFile.DecodeUtf8(bytes, "big.txt", "UTF-8 text"));
        Assert.Equal($"big.txt: {TextFile.MaxChars + 1:N0} characters, more than the {TextFile.MaxChars:N0} Recur can read at once; " +
            "use a part of it, in whole lines (e.g. head -n 10000000 FILE > part.txt)", e.Message);
    }

    [Fact]
    public void BinaryInputIsRefusedWithOffset()
    {
        var e = Assert.Throws<InvalidDataException>(() => Decode([65, 66, 0, 67]));
        Assert.Contains("offset 2", e.Message);
    }

    [Fact]
    public void InvalidUtf8IsRefusedWithOffset()
    {
        var e = Assert.Throws<InvalidDataException>(() => Decode([0x61, 0x62, 0x63, 0xE9, 0x20]));
        Assert.Contains("byte offset 3", e.Message);
        Assert.Contains("UTF-8", e.Message);
    }

    [Fact]
    public void OnWindowsTheConversionAdviceNeedsNoIconv()
    {
        // Windows has no iconv, and Windows PowerShell's `>` writes UTF-16: the advice there is PowerShell's (the same
        // command in 5.1 and 7) or Notepad's.
        using var tmp = new TempDir();
        string file = tmp.Write("it's.txt", "x");
        Assert.Equal($"e.g. in PowerShell: Get-Content -Encoding Unicode -LiteralPath '{tmp.File("it''s.txt")}' | Set-Content -Encoding UTF8 -LiteralPath '{tmp.File("it''s-utf8.txt")}'",
            TextFile.HowToConvert(file, "utf-16le", windows: true));
        Assert.StartsWith("e.g. in PowerShell: Get-Content -Encoding BigEndianUnicode -LiteralPath '", TextFile.HowToConvert(file, "utf-16be", windows: true));
        Assert.StartsWith($"e.g. in PowerShell: Get-Content -LiteralPath '{tmp.File("it''s.txt")}' |", TextFile.HowToConvert(file, "utf-16", windows: true));
        Assert.Equal("e.g. open it in Notepad and save it with the encoding UTF-8", TextFile.HowToConvert(file, "windows-1252", windows: true));
        Assert.Equal("e.g. open it in Notepad and save it with the encoding UTF-8", TextFile.HowToConvert("stdin", "utf-16le", windows: true));
        Assert.Equal("e.g. iconv -f utf-16le -t utf-8", TextFile.HowToConvert(file, "utf-16le", windows: false));
    }

    [Fact]
    public void InvalidUtf8AdvisesAConversionThatKeepsWindowsQuotes()
    {
        // Windows text (Excel, Notepad) is Windows-1252, where 0x93/0x94 are “ ”. The advice was `iconv -f latin1`,
        // which turns them into the control characters U+0093/U+0094 and trains on those without a word.
        // Windows-1252 reads every Latin-1 letter the same way, so its advice suits both.
        var e = Assert.Throws<InvalidDataException>(() => Decode([0x93, 0x51, 0x94]));
        Assert.Equal("f.txt: not valid UTF-8 at byte offset 0; convert the file to UTF-8 first (e.g. iconv -f windows-1252 -t utf-8 for a Windows or Latin-1 file)", e.Message);
    }

    [Fact]
    public void EmptyInputIsRefused()
    {
        Assert.Contains("empty", Assert.Throws<InvalidDataException>(() => Decode([])).Message);
        Assert.Contains("empty", Assert.Throws<InvalidDataException>(() => Decode([0xEF, 0xBB, 0xBF])).Message);
    }

    [Fact]
    public void UnknownCharacterIsNamed()
    {
        var vocab = Vocabulary.FromCharacters("abc");
        Assert.True(Vocabulary.Describe(new string('w', 100_000)).Length < 80);   // a "word" from a hostile file stays short in messages
        var e = Assert.Throws<InvalidDataException>(() => vocab.EncodeCharactersStrict("abé", "the prime"));
        Assert.Contains("'é' (U+00E9)", e.Message);
    }

    [Fact]
    public void AnUnknownTokenKindIsRefused()
    {
        // "word" (or "Chars") once encoded as characters: a word vocabulary then read nothing but unknowns.
        var vocab = Vocabulary.FromCharacters("abc");
        Assert.Equal([0, 1, 2], TokenText.Encode("abc", ModelConfig.Chars, vocab));
        var e = Assert.Throws<ArgumentException>(() => TokenText.Encode("abc", "word", vocab));
        Assert.Contains("'word'", e.Message);
        Assert.Contains("words", e.Message);
    }
}
