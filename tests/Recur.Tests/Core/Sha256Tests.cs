// The managed SHA-256 that fingerprints a corpus: the standard's test vectors, and the platform's SHA-256
// (OpenSSL here) on every length around the block and padding boundaries and on data appended in pieces.
namespace Recur.Tests.Core;

public class Sha256Tests
{
    static string Hex(byte[] digest) => Convert.ToHexString(digest).ToLowerInvariant();

    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")]
    public void StandardVectors(string text, string expected)
    {
        Assert.Equal(expected, Hex(Sha256.Of(System.Text.Encoding.ASCII.GetBytes(text))));
    }

    [Fact]
    public void AMillionAs()
    {
        var data = new byte[1_000_000];
        data.AsSpan().Fill((byte)'a');
        Assert.Equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", Hex(Sha256.Of(data)));
    }

    [Fact]
    public void MatchesThePlatformOnEveryLengthAroundTheBlocks()
    {
        var rng = new Random(7);
        var data = new byte[300];
        rng.NextBytes(data);
        for (int n = 0; n <= data.Length; n++)
            Assert.True(Hex(System.Security.Cryptography.SHA256.HashData(data.AsSpan(0, n))) == Hex(Sha256.Of(data.AsSpan(0, n))), $"length {n}");
    }

    [Fact]
    public void AppendingInPiecesIsAppendingAtOnce()
    {
        var rng = new Random(11);
        var data = new byte[5000];
        rng.NextBytes(data);
        string whole = Hex(System.Security.Cryptography.SHA256.HashData(data));
        for (int trial = 0; trial < 50; trial++)
        {
            var sha = new Sha256();
            for (int at = 0; at < data.Length;)
            {
                int take = Math.Min(data.Length - at, rng.Next(0, trial % 2 == 0 ? 70 : 700));
                sha.Append(data.AsSpan(at, take));
                at += take;
            }
            Assert.Equal(whole, Hex(sha.Hash()));
        }
    }

    [Fact]
    public void TheHashIsTakenOnce()
    {
        var sha = new Sha256();
        sha.Hash();
        Assert.Throws<InvalidOperationException>(() => sha.Hash());
        Assert.Throws<InvalidOperationException>(() => sha.Append([1]));
    }
}
