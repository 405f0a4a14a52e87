// Tensor's indexers: [i, j] addresses a 2-D tensor and refuses indices outside either dimension, with a message.
namespace Recur.Tests.Core;

public class TensorTests
{
    [Fact]
    public void TwoDimensionalIndexRefusesAColumnPastTheRow()
    {
        var t = Tensor.FromArray([1, 2, 3, 4, 5, 6], 2, 3);
        Assert.Equal(6f, t[1, 2]);
        t[0, 1] = 9;
        Assert.Equal(9f, t[1]);
        // [0, 3] was element 3, i.e. [1, 0]: a silent write into the next row.
        var e = Assert.Throws<IndexOutOfRangeException>(() => t[0, 3] = 7);
        Assert.Contains("[0, 3] is outside Tensor(2, 3)", e.Message);
        Assert.Equal(4f, t[1, 0]);
        Assert.Throws<IndexOutOfRangeException>(() => t[2, 0]);
        Assert.Throws<IndexOutOfRangeException>(() => t[-1, 1]);
        Assert.Contains("index 6 is outside the 6 elements", Assert.Throws<IndexOutOfRangeException>(() => t[6]).Message);
        Assert.Throws<InvalidOperationException>(() => new Tensor(2, 3, 4)[0, 1]);
    }

    [Fact]
    public void SizeMistakesSayWhatDoesNotFit()
    {
        // Once "copy of 2 elements into 3" (FromArray), "Specified argument was out of the range" (Slice, NextInt)
        // and "momentum = -1 is outside [0, 1.7976931348623157E+308]".
        Assert.Contains("2 values do not fill shape (3)", Assert.Throws<ArgumentException>(() => Tensor.FromArray([1f, 2f], 3)).Message);
        Assert.Contains("elements [4, 7) are outside Tensor(2, 3)", Assert.Throws<ArgumentOutOfRangeException>(() => new Tensor(2, 3).Slice(4, 3)).Message);
        Assert.Contains("NextInt(0): n must be at least 1", Assert.Throws<ArgumentOutOfRangeException>(() => new Rng(1).NextInt(0)).Message);
        var set = new Recur.Nn.ParameterSet(new Recur.Nn.Linear(2, 2, new Rng(1)));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Recur.Optim.Sgd(set, 0.1, momentum: -1));
        Assert.Contains("momentum = -1 must be 0 or more", e.Message);
        Assert.DoesNotContain("E+308", e.Message);
        Assert.Contains("beta1 = 1 is outside [0, 1)", Assert.Throws<ArgumentOutOfRangeException>(() => new Recur.Optim.Adam(set, beta1: 1)).Message);
    }
}
