// Classification metrics. Binary ones from probabilities and 0/1 targets. A text is predicted positive when
// p >= threshold (0.5, as the seed's `pred >= 0.5`). Precision, recall and F1 are of the positive
// class; a ratio whose denominator is 0 is reported as 0 (scikit-learn's zero_division=0).
// ROC AUC is the probability that a random positive scores above a random negative, ties counting one
// half: the Mann-Whitney U statistic from average ranks, exact for any number of ties.
namespace Recur.Classification;

/// <summary>Accuracy, precision, recall, F1, ROC AUC and the confusion matrix of binary predictions.</summary>
public sealed record BinaryMetrics(int TruePositives, int FalsePositives, int TrueNegatives, int FalseNegatives, double Auc)
{
    /// <summary>Texts counted.</summary>
    public int Count => TruePositives + FalsePositives + TrueNegatives + FalseNegatives;
    /// <summary>(TP + TN) / Count; 0 with no texts.</summary>
    public double Accuracy => Ratio(TruePositives + TrueNegatives, Count);
    /// <summary>TP / (TP + FP): how many predicted positives are positive; 0 with none predicted.</summary>
    public double Precision => Ratio(TruePositives, TruePositives + FalsePositives);
    /// <summary>TP / (TP + FN): how many positives are found; 0 with no positives.</summary>
    public double Recall => Ratio(TruePositives, TruePositives + FalseNegatives);
    /// <summary>2·TP / (2·TP + FP + FN), the harmonic mean of precision and recall; 0 with no positive predicted or true.</summary>
    public double F1 => Ratio(2.0 * TruePositives, 2.0 * TruePositives + FalsePositives + FalseNegatives);

    static double Ratio(double a, double b) => b == 0 ? 0 : a / b;

    /// <summary>Metrics of <paramref name="probabilities"/> against <paramref name="targets"/> (0 or 1).</summary>
    public static BinaryMetrics Compute(ReadOnlySpan<float> probabilities, ReadOnlySpan<float> targets, double threshold = 0.5)
    {
        if (probabilities.Length != targets.Length)
            throw new ArgumentException($"{probabilities.Length} probabilities for {targets.Length} targets");
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            bool predicted = probabilities[i] >= threshold, actual = targets[i] >= 0.5f;
            if (predicted) { if (actual) tp++; else fp++; }
            else { if (actual) fn++; else tn++; }
        }
        return new BinaryMetrics(tp, fp, tn, fn, RocAuc(probabilities, targets));
    }

    /// <summary>ROC AUC; NaN when one class is absent (the curve is undefined).</summary>
    public static double RocAuc(ReadOnlySpan<float> scores, ReadOnlySpan<float> targets)
    {
        int n = scores.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        var s = scores.ToArray();
        Array.Sort(s, order);
        // Sum of the positives' ranks (1-based), tied scores sharing their average rank.
        double rankSum = 0;
        long positives = 0;
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && s[j + 1] == s[i]) j++;
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++)
                if (targets[order[k]] >= 0.5f) { rankSum += rank; positives++; }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) return double.NaN;
        // U = rankSum - P(P+1)/2 counts (positive, negative) pairs ordered correctly, ties as 1/2.
        return (rankSum - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
    }
}

/// <summary>
/// Accuracy, per-class precision, recall and F1, their macro mean, and the confusion matrix of predictions
/// among K classes. Per-class ratios follow scikit-learn (zero_division=0); the macro F1 averages the classes
/// that occur among the targets or the predictions, as scikit-learn's f1_score(average="macro") does.
/// </summary>
public sealed class ClassMetrics
{
    /// <summary>K.</summary>
    public int Classes { get; }
    /// <summary>Confusion[a][p]: texts of class a predicted as class p (rows actual, columns predicted).</summary>
    public IReadOnlyList<int[]> Confusion { get; }
    /// <summary>Texts counted.</summary>
    public int Count { get; }
    /// <summary>Texts predicted right / Count; 0 with no texts.</summary>
    public double Accuracy { get; }
    /// <summary>The mean F1 over the classes that occur among the targets or the predictions.</summary>
    public double MacroF1 { get; }

    readonly int[] support, predictedCount;   // the confusion matrix's row and column sums

    ClassMetrics(int[][] confusion)
    {
        Classes = confusion.Length;
        Confusion = confusion;
        support = confusion.Select(row => row.Sum()).ToArray();
        predictedCount = Enumerable.Range(0, Classes).Select(c => confusion.Sum(row => row[c])).ToArray();
        Count = support.Sum();
        Accuracy = Ratio(Enumerable.Range(0, Classes).Sum(c => confusion[c][c]), Count);
        var present = Enumerable.Range(0, Classes).Where(c => support[c] > 0 || predictedCount[c] > 0).ToList();
        MacroF1 = present.Count == 0 ? 0 : present.Average(F1);
    }

    /// <summary>Texts of class <paramref name="c"/>.</summary>
    public int Support(int c) => support[c];
    /// <summary>Texts predicted as class <paramref name="c"/>.</summary>
    public int PredictedCount(int c) => predictedCount[c];
    /// <summary>Of the texts predicted as <paramref name="c"/>, the share that are; 0 with none predicted.</summary>
    public double Precision(int c) => Ratio(Confusion[c][c], PredictedCount(c));
    /// <summary>Of the texts of class <paramref name="c"/>, the share found; 0 with none.</summary>
    public double Recall(int c) => Ratio(Confusion[c][c], Support(c));
    /// <summary>2·TP / (2·TP + FP + FN) of class <paramref name="c"/>; 0 when it is neither predicted nor true.</summary>
    public double F1(int c) => Ratio(2.0 * Confusion[c][c], Support(c) + PredictedCount(c));

    static double Ratio(double a, double b) => b == 0 ? 0 : a / b;

    /// <summary>Metrics of the predicted classes against <paramref name="targets"/> (class indices, as LabelMap.Targets gives them).</summary>
    public static ClassMetrics Compute(ReadOnlySpan<int> predicted, ReadOnlySpan<float> targets, int classes)
    {
        if (predicted.Length != targets.Length) throw new ArgumentException($"{predicted.Length} predictions for {targets.Length} targets");
        if (classes < 2) throw new ArgumentOutOfRangeException(nameof(classes), $"metrics need 2 classes or more, not {classes}");
        var confusion = new int[classes][];
        for (int c = 0; c < classes; c++) confusion[c] = new int[classes];
        for (int i = 0; i < predicted.Length; i++)
        {
            int a = (int)targets[i], p = predicted[i];
            if ((uint)a >= (uint)classes || (uint)p >= (uint)classes || a != targets[i])
                throw new ArgumentOutOfRangeException(nameof(targets), $"text {i}: class {targets[i]} or prediction {p} is not one of 0..{classes - 1}");
            confusion[a][p]++;
        }
        return new ClassMetrics(confusion);
    }
}
