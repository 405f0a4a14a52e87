// The classes of a classifier and the label text each comes from. With two classes, class 1 is
// "positive" (the sigmoid's side). From the training labels: integers keep numeric order (0/1 → 0, 1;
// torchtext's 1/2 → 0, 1, as the seed maps them; 1..5 stars → 0..4); words keep ordinal order ignoring
// case (neg/pos, negative/positive, bad/good, False/True, no/Yes all put the positive word second); a
// chosen positive label overrides for two classes.
using Recur.IO;

namespace Recur.Classification;

/// <summary>Label text ↔ class index (0 to K − 1) of a classifier of K ≥ 2 classes.</summary>
public sealed class LabelMap
{
    /// <summary>Names[c] is the label text of class c; with two classes, Names[1] is the positive class.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>K, the number of classes.</summary>
    public int Count => Names.Count;

    /// <summary>The map with class 0 <paramref name="negative"/> and class 1 <paramref name="positive"/>; ArgumentException when they are the same or one is empty.</summary>
    public LabelMap(string negative, string positive) : this([negative, positive]) { }

    /// <summary>
    /// The map with class c <paramref name="names"/>[c]: 2 to <see cref="ClassifierConfig.MaxClasses"/> labels, none
    /// empty and no two the same (ArgumentException otherwise).
    /// </summary>
    public LabelMap(IReadOnlyList<string> names)
    {
        if (names.Count is < 2 or > ClassifierConfig.MaxClasses)
            throw new ArgumentException($"a classifier has 2 to {ClassifierConfig.MaxClasses} labels, not {names.Count}");
        // Data labels are trimmed and an empty one refused: only a damaged model file can hold one (or JSON null).
        if (names.Any(string.IsNullOrWhiteSpace)) throw new ArgumentException("the classes need labels that are not empty");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
            if (!seen.Add(name)) throw new ArgumentException($"the classes need different labels, not {Q(name)} twice");
        Names = names.ToArray();
        index = Names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
    }

    readonly Dictionary<string, int> index;

    /// <summary>The label of class 1, the sigmoid's side: what P(positive) is the probability of. Two classes only.</summary>
    public string Positive => Names[Binary(1)];
    /// <summary>The label of class 0. Two classes only.</summary>
    public string Negative => Names[Binary(0)];

    int Binary(int c) => Count == 2 ? c
        : throw new InvalidOperationException($"a classifier of {Count} classes has no positive and negative class; use the class probabilities");

    /// <summary>
    /// The label a probability of the positive class stands for: <see cref="Positive"/> from
    /// <paramref name="threshold"/> up (the seed's <c>pred &gt;= 0.5</c>), else <see cref="Negative"/>.
    /// </summary>
    public string Of(double probability, double threshold = 0.5) => probability >= threshold ? Positive : Negative;

    /// <summary>The class of <paramref name="label"/>, or -1 if it is none of the labels.</summary>
    public int IndexOf(string label) => index.TryGetValue(label, out int c) ? c : -1;

    /// <summary>"'0' → 0 (negative), '1' → 1 (positive)"; for more classes "'a' → 0, 'b' → 1, 'c' → 2 (3 classes)", the first 20.</summary>
    public override string ToString() => Count == 2 ? $"'{Names[0]}' → 0 (negative), '{Names[1]}' → 1 (positive)"
        : string.Join(", ", Names.Take(20).Select((n, i) => $"'{n}' → {i}")) + (Count > 20 ? ", ..." : "") + $" ({Count} classes)";

    /// <summary>A label quoted for a message: cut to 40 characters, since a wrong --label-column makes whole reviews "labels".</summary>
    static string Q(string label) => ErrorText.Quote(label, 40);

    const string TwoClasses = "a classifier needs two classes or more: a label column with two values or more (choose it with --label-column) or a folder with two class folders or more";

    /// <summary>
    /// The map from the labels of a training set: 2 to <see cref="ClassifierConfig.MaxClasses"/> distinct labels (one
    /// more is an error naming where it first occurs: a text column read as labels gives one per text), each on two
    /// texts or more when there are more than two (an error names the first text whose label is on it alone).
    /// <paramref name="positive"/>, when given, must be one of exactly two labels. <paramref name="source"/> (the
    /// data's path) names the data in the message when every label is the same.
    /// </summary>
    public static LabelMap FromData(IReadOnlyList<LabeledText> items, string? positive = null, string? source = null)
    {
        if (items.Count == 0) throw new InvalidDataException($"{source ?? "the data"}: no texts; a classifier needs labelled texts of two classes or more");
        var seen = new List<string>();
        var texts = new Dictionary<string, int>(StringComparer.Ordinal);   // texts per label
        foreach (var item in items)
        {
            if (texts.TryGetValue(item.Label, out int n)) { texts[item.Label] = n + 1; continue; }
            if (seen.Count == ClassifierConfig.MaxClasses)
                throw new InvalidDataException($"{item.Where}: label {Q(item.Label)} makes {seen.Count + 1:N0} different labels, and a classifier has at most " +
                    $"{ClassifierConfig.MaxClasses:N0} classes: is the label column the right one? (choose it with --label-column)");
            seen.Add(item.Label);
            texts[item.Label] = 1;
        }
        if (seen.Count < 2)
            throw new InvalidDataException($"{source ?? "the data"}: every text has label {Q(seen.FirstOrDefault() ?? "")}; {TwoClasses}");
        // A column of texts read as labels gives each text a class of its own: with more than two classes, each needs two texts.
        if (seen.Count > 2 && items.FirstOrDefault(i => texts[i.Label] == 1) is { } alone)
            throw new InvalidDataException($"{alone.Where}: label {Q(alone.Label)} is on this text only, and each of the {seen.Count:N0} classes needs two texts " +
                "or more: is the label column the right one? (choose it with --label-column)");
        seen.Sort(LabelOrder(seen));
        if (positive != null)
        {
            if (seen.Count > 2)
                throw new InvalidDataException($"--positive chooses the positive class of two, but the data has {seen.Count} labels ({List(seen)}); leave --positive out");
            if (!seen.Contains(positive))
                throw new InvalidDataException($"positive label {Q(positive)} is not one of the data's labels ({Q(seen[0])}, {Q(seen[1])}); give one of them to --positive");
            return positive == seen[0] ? new LabelMap(seen[1], seen[0]) : new LabelMap(seen[0], seen[1]);
        }
        return new LabelMap(seen);
    }

    /// <summary>
    /// Integers by value when every label is one; otherwise ordinally ignoring case (so Yes/no puts yes second), then by
    /// case. (One rule for the whole set, so the order is total whatever mix of numbers and words the labels are.)
    /// </summary>
    static Comparison<string> LabelOrder(IReadOnlyList<string> labels)
    {
        static bool Integer(string s, out long v) =>
            long.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out v);
        if (labels.All(l => Integer(l, out _)))
            return (a, b) => { Integer(a, out long x); Integer(b, out long y); int c = x.CompareTo(y); return c != 0 ? c : string.CompareOrdinal(a, b); };
        return (a, b) =>
        {
            int c = string.Compare(a, b, StringComparison.OrdinalIgnoreCase);
            return c != 0 ? c : string.CompareOrdinal(a, b);
        };
    }

    /// <summary>The labels quoted, "'a', 'b', 'c'", the first 10.</summary>
    static string List(IReadOnlyList<string> labels) =>
        string.Join(", ", labels.Take(10).Select(Q)) + (labels.Count > 10 ? $", ... ({labels.Count} in all)" : "");

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
                throw new InvalidDataException($"{items[i].Where}: unknown label {Q(items[i].Label)}; the model knows {Known()} " +
                    (folders ? $"(a class folder's name is its label: name the {(Count == 2 ? "two " : "")}folders {Known()})" : "(choose the label column with --label-column)"));
            targets[i] = c;
        }
        return targets;
    }

    /// <summary>"'a' and 'b'", or the list of a model's labels.</summary>
    string Known() => Count == 2 ? $"{Q(Names[0])} and {Q(Names[1])}" : List(Names);
}
