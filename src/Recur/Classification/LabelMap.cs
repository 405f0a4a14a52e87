// The two classes of a binary classifier and the label text each comes from. Class 1 is "positive"
// (the sigmoid's side). From the training labels: two integers keep numeric order (0/1 → 0, 1;
// torchtext's 1/2 → 0, 1, as the seed maps them); words keep ordinal order ignoring case (neg/pos,
// negative/positive, bad/good, False/True, no/Yes all put the positive word second); a chosen positive
// label overrides.
using Recur.IO;

namespace Recur.Classification;

/// <summary>Label text ↔ class index (0 or 1) of a binary classifier.</summary>
public sealed class LabelMap
{
    /// <summary>Names[c] is the label text of class c; Names[1] is the positive class.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The map with class 0 <paramref name="negative"/> and class 1 <paramref name="positive"/>; ArgumentException when they are the same or one is empty.</summary>
    public LabelMap(string negative, string positive)
    {
        // Data labels are trimmed and an empty one refused: only a damaged model file can hold one (or JSON null).
        if (string.IsNullOrWhiteSpace(negative) || string.IsNullOrWhiteSpace(positive)) throw new ArgumentException("the two classes need labels that are not empty");
        if (negative == positive) throw new ArgumentException($"the two classes need different labels, not {Q(negative)} twice");
        Names = [negative, positive];
    }

    /// <summary>The label of class 1, the sigmoid's side: what P(positive) is the probability of.</summary>
    public string Positive => Names[1];
    /// <summary>The label of class 0.</summary>
    public string Negative => Names[0];

    /// <summary>
    /// The label a probability of the positive class stands for: <see cref="Positive"/> from
    /// <paramref name="threshold"/> up (the seed's <c>pred &gt;= 0.5</c>), else <see cref="Negative"/>.
    /// </summary>
    public string Of(double probability, double threshold = 0.5) => probability >= threshold ? Positive : Negative;

    /// <summary>The class of <paramref name="label"/>, or -1 if it is neither label.</summary>
    public int IndexOf(string label) => label == Names[0] ? 0 : label == Names[1] ? 1 : -1;

    /// <summary>"'0' → 0 (negative), '1' → 1 (positive)".</summary>
    public override string ToString() => $"'{Names[0]}' → 0 (negative), '{Names[1]}' → 1 (positive)";

    /// <summary>A label quoted for a message: cut to 40 characters, since a wrong --label-column makes whole reviews "labels".</summary>
    static string Q(string label) => ErrorText.Quote(label, 40);

    const string TwoClasses = "a classifier needs two classes: a label column with two values (choose it with --label-column) or a folder with two class folders";

    /// <summary>
    /// The map from the labels of a training set: exactly two distinct labels. A third is an error naming
    /// where it first occurs; <paramref name="positive"/>, when given, must be one of the two.
    /// <paramref name="source"/> (the data's path) names the data in the message when every label is the same.
    /// </summary>
    public static LabelMap FromData(IReadOnlyList<LabeledText> items, string? positive = null, string? source = null)
    {
        if (items.Count == 0) throw new InvalidDataException($"{source ?? "the data"}: no texts; a classifier needs labelled texts of two classes");
        var seen = new List<string>();
        foreach (var item in items)
        {
            if (seen.Contains(item.Label)) continue;
            if (seen.Count == 2)
                throw new InvalidDataException($"{item.Where}: a third label {Q(item.Label)} (already seen {Q(seen[0])} and {Q(seen[1])}); " + TwoClasses);
            seen.Add(item.Label);
        }
        if (seen.Count < 2)
            throw new InvalidDataException($"{source ?? "the data"}: every text has label {Q(seen.FirstOrDefault() ?? "")}; {TwoClasses}");
        seen.Sort(CompareLabels);
        if (positive != null)
        {
            if (!seen.Contains(positive))
                throw new InvalidDataException($"positive label {Q(positive)} is not one of the data's labels ({Q(seen[0])}, {Q(seen[1])}); give one of them to --positive");
            return positive == seen[0] ? new LabelMap(seen[1], seen[0]) : new LabelMap(seen[0], seen[1]);
        }
        return new LabelMap(seen[0], seen[1]);
    }

    /// <summary>Integers by value, anything else ordinally ignoring case (so Yes/no puts yes second), then by case.</summary>
    static int CompareLabels(string a, string b)
    {
        if (long.TryParse(a, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long x) &&
            long.TryParse(b, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out long y))
            return x.CompareTo(y);
        int c = string.Compare(a, b, StringComparison.OrdinalIgnoreCase);
        return c != 0 ? c : string.CompareOrdinal(a, b);
    }

    /// <summary>
    /// The classes of labelled texts; an unknown label is an error naming where it is and what to change: the label
    /// column, or with <paramref name="folders"/> (the texts come from class folders) the folders' names.
    /// </summary>
    public float[] Targets(IReadOnlyList<LabeledText> items, bool folders = false)
    {
        var targets = new float[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            int c = IndexOf(items[i].Label);
            if (c < 0)
                throw new InvalidDataException($"{items[i].Where}: unknown label {Q(items[i].Label)}; the model knows {Q(Names[0])} and {Q(Names[1])} " +
                    (folders ? $"(a class folder's name is its label: name the two folders {Q(Names[0])} and {Q(Names[1])})" : "(choose the label column with --label-column)"));
            targets[i] = c;
        }
        return targets;
    }
}
