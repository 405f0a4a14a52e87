// Notes `recur train` prints before training about how the held-out text is used: too little of it to measure
// the last-token accuracy, or so much that validating it takes longer than the training between validations.
using Recur.LanguageModel;

namespace Recur.Cli.Commands;

static class TrainNotes
{
    /// <summary>Validation reads Batch streams of the held-out text; the last token of a window needs one Seq long. Said on a new run only: a resume cannot change its split.</summary>
    public static string? ShortValidation(TrainingRun run, string unit)
    {
        var cfg = run.Config;
        int valTokens = run.Corpus.Validation.Length;
        if (valTokens < 2 || Evaluator.FillsAWindow(valTokens, cfg.Batch, cfg.Seq) || run.Progress.Step > 0) return null;
        long needed = (long)cfg.Batch * cfg.Seq + 1;
        double frac = Math.Ceiling(100.0 * needed / run.Corpus.Length) / 100;
        string how = cfg.ValFile != null ? "a longer --val-file" : frac <= 0.5 ? $"--val-frac {frac:0.##}" : "a longer text, or a smaller --batch or --seq";
        return $"note: the {valTokens:N0} validation {unit} are too few for one {cfg.Seq}-token window in each of {cfg.Batch} streams, " +
            $"so no last-token accuracy is measured; it needs {needed:N0} ({how})";
    }

    /// <summary>
    /// A validation is a forward pass over every held-out token, about a third of the work of a training token (forward,
    /// backward, update; 2×512 on 2 cores: 24,500 against 8,260 tokens/s). On a large text the default split, read every
    /// 200 steps, outweighed the training: 50 MB held out 5 million characters, 3.4 minutes a validation against 2.6 for
    /// the steps between. Said when one validation costs over half the steps between
    /// two, with settings that bring it to a tenth: a smaller split (a new run only) or validating less often.
    /// </summary>
    public static string? ValidationCost(TrainingRun run, string unit)
    {
        var cfg = run.Config;
        int valTokens = run.Corpus.Validation.Length;
        double perStep = (double)cfg.Batch * cfg.Seq, asSteps = valTokens / 3.0 / perStep;
        if (asSteps <= cfg.EvalEvery / 2.0) return null;
        long every = RoundUp(10 * asSteps);
        string less = $"validate less often (--eval-every {every})";
        if (run.Progress.Step == 0)
        {
            double frac = RoundDown(0.1 * cfg.EvalEvery * perStep * 3 / run.Corpus.Length);
            string? smaller = cfg.ValFile != null ? "a shorter --val-file" : frac > 0 ? $"--val-frac {frac:0.######}" : null;
            if (smaller != null) less = $"hold out less ({smaller}) or {less}";
        }
        return $"note: each validation reads {valTokens:N0} {unit}, about the work of {asSteps:N0} training steps, every {cfg.EvalEvery:N0} steps; {less}";
    }

    /// <summary>x rounded up to two significant digits (1234 → 1300).</summary>
    static long RoundUp(double x)
    {
        double unit = Math.Pow(10, Math.Max(0, Math.Floor(Math.Log10(x)) - 1));
        return (long)(Math.Ceiling(x / unit - 1e-9) * unit);   // 1e-9: 50.000000001 is 50
    }

    /// <summary>x rounded down to one significant digit (0.0076 → 0.007).</summary>
    static double RoundDown(double x)
    {
        if (x <= 0) return 0;
        double unit = Math.Pow(10, Math.Floor(Math.Log10(x)));
        return Math.Floor(x / unit + 1e-9) * unit;   // 1e-9: 3.9999999999 is 4
    }
}
