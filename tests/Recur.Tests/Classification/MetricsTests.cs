// Binary metrics worked out by hand (sklearn's definitions: zero_division=0, roc_auc_score with ties
// counting one half), since the training and CLI tests only see them as numbers in [0, 1].
using Recur.Classification;

namespace Recur.Tests.Classification;

public class MetricsTests
{
    //                       predicted (>= 0.5):  1    1    1    1    1    0    0    0
    static readonly float[] Probabilities =    [0.9f, 0.8f, 0.8f, 0.6f, 0.5f, 0.4f, 0.3f, 0.2f];
    static readonly float[] Targets =          [1,    1,    0,    1,    0,    1,    0,    0];

    [Fact]
    public void CountsAndRatiosAreSklearns()
    {
        var m = BinaryMetrics.Compute(Probabilities, Targets);
        Assert.Equal((3, 2, 2, 1), (m.TruePositives, m.FalsePositives, m.TrueNegatives, m.FalseNegatives));   // 0.5 counts as positive
        Assert.Equal(8, m.Count);
        Assert.Equal(5.0 / 8, m.Accuracy, 15);
        Assert.Equal(3.0 / 5, m.Precision, 15);
        Assert.Equal(3.0 / 4, m.Recall, 15);
        Assert.Equal(6.0 / 9, m.F1, 15);

        var strict = BinaryMetrics.Compute(Probabilities, Targets, threshold: 0.85);   // only 0.9 is positive
        Assert.Equal((1, 0, 4, 3), (strict.TruePositives, strict.FalsePositives, strict.TrueNegatives, strict.FalseNegatives));
        Assert.Equal(1.0, strict.Precision);
        Assert.Equal(0.25, strict.Recall);

        // Nothing predicted positive: precision and F1 are 0, not NaN (zero_division=0).
        var none = BinaryMetrics.Compute(Probabilities, Targets, threshold: 2);
        Assert.Equal((0.0, 0.0, 0.0), (none.Precision, none.Recall, none.F1));
        Assert.Equal(0.5, none.Accuracy);
        Assert.Throws<ArgumentException>(() => BinaryMetrics.Compute([0.5f], [1f, 0f]));
    }

    [Fact]
    public void AucCountsOrderedPairsWithTiesAsOneHalf()
    {
        // Positives 0.9, 0.8, 0.6, 0.4 against negatives 0.8, 0.5, 0.3, 0.2: of 16 pairs 12 are ordered and one
        // (0.8, 0.8) tied, so AUC = 12.5 / 16, whichever of the tied two the sort puts first.
        Assert.Equal(12.5 / 16, BinaryMetrics.Compute(Probabilities, Targets).Auc, 15);
        Assert.Equal(12.5 / 16, BinaryMetrics.RocAuc([.. Probabilities.Reverse()], [.. Targets.Reverse()]), 15);
        Assert.Equal(1.0, BinaryMetrics.RocAuc([0.1f, 0.2f, 0.7f], [0, 0, 1]));
        Assert.Equal(0.0, BinaryMetrics.RocAuc([0.1f, 0.2f, 0.7f], [1, 1, 0]));
        Assert.Equal(0.5, BinaryMetrics.RocAuc([0.3f, 0.3f, 0.3f, 0.3f], [1, 0, 1, 0]));   // every pair tied
        Assert.True(double.IsNaN(BinaryMetrics.RocAuc([0.2f, 0.9f], [1, 1])));                // one class: undefined
    }
}
