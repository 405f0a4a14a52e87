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
}
