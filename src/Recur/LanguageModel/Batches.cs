// Training batches of (input, target) token matrices, time-major (T·N): target = input shifted by one.
//  - Stateful (karpathy/char-rnn, seed 003): the text is cut into N contiguous streams; batch k takes
//    steps [kT, (k+1)T) of every stream, so each sequence continues the previous batch's and the hidden
//    state carries across batches (truncated BPTT). An epoch is floor((len-1)/N / T) batches.
//  - Windows (seed 002c): every stride-1 window of T+1 tokens, shuffled each epoch, N windows a batch,
//    each from a zero state. An epoch is floor(windows / N) batches.
// A batcher is positioned by (epoch, batch index, epoch seed) so a resumed run sees the same batches.
namespace Recur.LanguageModel;

/// <summary>How batches are cut from the text.</summary>
public enum Batching
{
    /// <summary>N contiguous streams, each batch continuing the last; the hidden state carries over (truncated BPTT).</summary>
    Stateful,
    /// <summary>Shuffled stride-1 windows of T + 1 tokens, each from a zero state.</summary>
    Windows,
}

/// <summary>Produces the batches of one epoch after another.</summary>
public sealed class Batches
{
    readonly int[] text;
    readonly int[] order = [];   // windows: the epoch's shuffled window starts
    /// <summary>How the batches are cut.</summary>
    public Batching Mode { get; }
    /// <summary>N, sequences per batch.</summary>
    public int Batch { get; }
    /// <summary>T, time steps per batch.</summary>
    public int Steps { get; }
    /// <summary>Batches per epoch.</summary>
    public int PerEpoch { get; }
    /// <summary>Tokens in each stateful stream.</summary>
    readonly int streamLength;

    /// <summary>(T·N) input ids of the last filled batch, time-major: sequence n's step t at t·N + n; reused by every Fill.</summary>
    public int[] Input { get; }
    /// <summary>(T·N) the ids that follow <see cref="Input"/>'s, same layout.</summary>
    public int[] Target { get; }

    /// <summary>Batches of <paramref name="batch"/> × <paramref name="steps"/> over <paramref name="text"/> (kept, not copied); ArgumentException for a size below 1 or a text that cannot fill one batch.</summary>
    public Batches(int[] text, Batching mode, int batch, int steps)
    {
        if (batch < 1 || steps < 1) throw new ArgumentException("batch and sequence length must be positive");
        this.text = text;
        Mode = mode;
        Batch = batch;
        Steps = steps;
        if (mode == Batching.Stateful)
        {
            streamLength = (text.Length - 1) / batch;
            PerEpoch = streamLength / steps;
        }
        else
        {
            int windows = Math.Max(0, text.Length - steps);
            order = new int[windows];
            PerEpoch = windows / batch;
        }
        if (PerEpoch < 1)
            throw new ArgumentException($"the training text ({text.Length:N0} token{(text.Length == 1 ? "" : "s")}) is too short for one batch of {batch} × {steps}, " +
                $"which needs {Needed(mode, batch, steps):N0}" + (text.Length >= Needed(mode, 1, 1) ? "; lower --batch or --seq" : "; give a longer text"));
        Input = new int[batch * steps];
        Target = new int[batch * steps];
    }

    /// <summary>
    /// Tokens one batch needs: stateful, N streams of T inputs and the target after the last
    /// (N·T + 1); windows, N windows of T + 1 at starts 0..N-1 (T + N).
    /// </summary>
    public static long Needed(Batching mode, int batch, int steps) => mode == Batching.Stateful ? (long)batch * steps + 1 : (long)steps + batch;

    /// <summary>Prepares an epoch: windows are shuffled with a generator seeded by <paramref name="epochSeed"/>.</summary>
    public void StartEpoch(ulong epochSeed)
    {
        if (Mode != Batching.Windows) return;
        for (int i = 0; i < order.Length; i++) order[i] = i;
        new Rng(epochSeed).Shuffle(order.AsSpan());
    }

    /// <summary>Fills <see cref="Input"/> and <see cref="Target"/> with batch <paramref name="index"/> of the current epoch.</summary>
    public void Fill(int index)
    {
        if ((uint)index >= (uint)PerEpoch) throw new ArgumentOutOfRangeException(nameof(index));
        for (int n = 0; n < Batch; n++)
        {
            int start = Mode == Batching.Stateful ? n * streamLength + index * Steps : order[index * Batch + n];
            for (int t = 0; t < Steps; t++)
            {
                Input[t * Batch + n] = text[start + t];
                Target[t * Batch + n] = text[start + t + 1];
            }
        }
    }
}
