// `recur classify eval` for a model of more than two classes: accuracy, macro F1, each class's precision,
// recall, F1 and count, and the K × K confusion matrix (rows actual, columns predicted; printed up to 12
// classes, always in --json).
using Recur.Classification;
using Recur.Cli.Output;

namespace Recur.Cli.Commands;

static class ClassifyEvalClasses
{
    const int MaxPrinted = 12;

    public static void Report(Reporter reporter, string dataPath, LabelMap labels, ClassMetrics m, string time, double seconds)
    {
        int k = labels.Count;
        // A column per class: labels longer than 20 characters are cut (--json has them whole).
        string Name(int c) => labels.Names[c].Length <= 20 ? labels.Names[c]
            : labels.Names[c][..(char.IsHighSurrogate(labels.Names[c][16]) ? 16 : 17)] + "...";
        int w = Math.Max(10, Enumerable.Range(0, k).Max(c => Name(c).Length) + 2);
        reporter.Line($"data       {dataPath}: {m.Count:N0} texts, {k} classes");
        reporter.Line($"accuracy   {ClassifyCommand.Percent(m.Accuracy)}");
        reporter.Line($"macro F1   {ClassifyCommand.Percent(m.MacroF1)}   (the mean over classes)");
        reporter.Line($"           {"class".PadRight(w)}{"precision",11}{"recall",11}{"F1",11}{"texts",9}");
        for (int c = 0; c < k; c++)
            reporter.Line($"           {Name(c).PadRight(w)}{ClassifyCommand.Percent(m.Precision(c)),11}{ClassifyCommand.Percent(m.Recall(c)),11}" +
                $"{ClassifyCommand.Percent(m.F1(c)),11}{m.Support(c),9:N0}");
        if (k <= MaxPrinted)
        {
            reporter.Line("confusion  rows: actual, columns: predicted");
            reporter.Line("           " + "".PadRight(w) + string.Concat(Enumerable.Range(0, k).Select(c => Name(c).PadLeft(w))));
            for (int a = 0; a < k; a++)
                reporter.Line("           " + Name(a).PadRight(w) + string.Concat(m.Confusion[a].Select(n => $"{n:N0}".PadLeft(w))));
        }
        else reporter.Line($"confusion  {k} × {k}: in --json");
        reporter.Line(time);
        reporter.Result(new Dictionary<string, object?>
        {
            ["accuracy"] = m.Accuracy,
            ["macro_f1"] = m.MacroF1,
            ["count"] = m.Count,
            ["labels"] = labels.Names,
            ["classes"] = Enumerable.Range(0, k).Select(c => new Dictionary<string, object?>
            {
                ["label"] = labels.Names[c], ["precision"] = m.Precision(c), ["recall"] = m.Recall(c), ["f1"] = m.F1(c), ["count"] = m.Support(c),
            }).ToList(),
            ["confusion"] = m.Confusion,
            ["seconds"] = seconds,
        });
    }
}
