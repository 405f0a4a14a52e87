// `recur classify eval MODEL DATA`: accuracy, precision, recall, F1, ROC AUC and the confusion matrix
// of a trained classifier on labelled texts (labels must be the model's own); for more than two classes,
// accuracy, each class's precision, recall and F1, their macro mean and the K × K confusion matrix.
using System.CommandLine;
using Recur.Classification;
using Recur.Cli.Output;

namespace Recur.Cli.Commands;

static class ClassifyEval
{
    public static Command Create()
    {
        var model = new Argument<string>("MODEL") { Description = "A run directory from 'recur classify train' or its model .safetensors file" };
        var data = new Argument<string>("DATA") { Description = "Labelled texts: a CSV file or a folder of class folders, as for training" };
        var layout = new ClassifyCommand.LayoutOptions();
        var threshold = ClassifyCommand.ThresholdOption("A text is predicted positive when its probability is at least this (two classes only)");
        var threads = ClassifyCommand.ThreadsOption();
        var json = new Option<bool>("--json") { Description = "Print one JSON object (accuracy, precision, recall, f1, auc, confusion, ...) on stdout (default: off)", DefaultValueFactory = _ => false };

        var command = new Command("eval", "Evaluate a classifier on labelled texts: accuracy, precision, recall, F1, ROC AUC, confusion matrix.");
        command.Add(model);
        command.Add(data);
        layout.AddTo(command);
        command.Add(threshold);
        command.Add(threads);
        command.Add(json);
        command.SetAction(parse =>
        {
            var reporter = new Reporter(parse.GetValue(json));
            double th = ClassifyCommand.Threshold(parse, threshold);
            CommonOptions.UseThreads(parse.GetValue(threads));
            string modelPath = ClassifyCommand.ModelPath(parse.GetValue(model)!);
            string dataPath = parse.GetValue(data)!;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var classifier = Classifier.Load(modelPath);
            var labels = classifier.Labels;
            ClassifyCommand.RequireNoThreshold(parse, threshold, labels);
            var items = ClassifyCommand.LoadData(dataPath, layout.Get(parse, dataPath));
            var targets = labels.Targets(items, folders: Directory.Exists(dataPath));
            var sequences = classifier.Encode(items.Select(i => i.Text).ToList());
            double readSeconds = clock.Elapsed.TotalSeconds;
            float[][] p = null!;
            var run = System.Diagnostics.Stopwatch.StartNew();
            reporter.WithProgress("evaluating", sink => p = classifier.ClassProbabilities(sequences,
                done => sink.Update((double)done / items.Count, $"{done:N0}/{items.Count:N0} texts")));
            double seconds = run.Elapsed.TotalSeconds;
            reporter.Line($"model      {IO.PathText.Show(modelPath)}");
            string time = $"time       {seconds:F1} s ({items.Count / seconds:N0} reviews/s), plus {readSeconds:F1} s to load and tokenize";
            if (labels.Count > 2)
            {
                ClassifyEvalClasses.Report(reporter, dataPath, labels, ClassMetrics.Compute(Classifier.Predicted(p), targets, labels.Count), time, seconds);
                return Cli.Ok;
            }
            var m = BinaryMetrics.Compute(p.Select(r => r[1]).ToArray(), targets, th);
            reporter.Line($"data       {dataPath}: {m.Count:N0} texts ({m.TruePositives + m.FalseNegatives:N0} '{labels.Positive}', {m.TrueNegatives + m.FalsePositives:N0} '{labels.Negative}')");
            reporter.Line($"accuracy   {ClassifyCommand.Percent(m.Accuracy)}");
            reporter.Line($"precision  {ClassifyCommand.Percent(m.Precision)}   (of '{labels.Positive}')");
            reporter.Line($"recall     {ClassifyCommand.Percent(m.Recall)}");
            reporter.Line($"F1         {ClassifyCommand.Percent(m.F1)}");
            reporter.Line($"ROC AUC    {(double.IsNaN(m.Auc) ? "n/a (one class only)" : m.Auc.ToString("F4"))}");
            int w = Math.Max(10, Math.Max(labels.Positive.Length, labels.Negative.Length) + 2);
            reporter.Line("confusion  rows: actual, columns: predicted");
            string Row(string head, string a, string b) => $"           {head.PadRight(w)}{a.PadLeft(w)}{b.PadLeft(w)}";
            reporter.Line(Row("", labels.Negative, labels.Positive));
            reporter.Line(Row(labels.Negative, $"{m.TrueNegatives:N0}", $"{m.FalsePositives:N0}"));
            reporter.Line(Row(labels.Positive, $"{m.FalseNegatives:N0}", $"{m.TruePositives:N0}"));
            reporter.Line(time);
            reporter.Result(new Dictionary<string, object?>
            {
                ["accuracy"] = m.Accuracy,
                ["precision"] = m.Precision,
                ["recall"] = m.Recall,
                ["f1"] = m.F1,
                ["auc"] = double.IsNaN(m.Auc) ? null : m.Auc,
                ["count"] = m.Count,
                ["threshold"] = th,
                ["labels"] = labels.Names,
                ["confusion"] = new Dictionary<string, int>
                {
                    ["true_negative"] = m.TrueNegatives, ["false_positive"] = m.FalsePositives,
                    ["false_negative"] = m.FalseNegatives, ["true_positive"] = m.TruePositives,
                },
                ["seconds"] = seconds,
            });
            return Cli.Ok;
        });
        return command;
    }
}
