// The recurrent layers at 2, 3 and 4 threads give the bits of one thread: row blocks, side-by-side
// directions, gate kernels split by rows, buffers that grow under the split.
using Recur.Nn;
using Recur.Tests.Support;

namespace Recur.Tests.Nn.Recurrent;

// Alone (the "threads" collection): another class setting the thread count meanwhile would make a run at
// k threads a run at some other count.
[Collection("threads")]
public class RecurrentThreadTests
{
    static Tensor Random(Rng rng, params int[] shape)
    {
        var t = new Tensor(shape);
        rng.FillUniform(t.Span, -1, 1);
        return t;
    }

    /// <summary>Forward with dy and dFinal drawn from <paramref name="rng"/>, then backward: output, final state, dX, dh0 and every gradient.</summary>
    static IEnumerable<float[]> Step(Recur.Nn.Recurrent layer, Rng rng, int T, int N, int[]? ids, int[] lengths)
    {
        int dirs = layer.Directions, H = layer.HiddenSize, L = layer.NumLayers;
        var x = Random(rng, T, N, layer.InputSize);
        var dy = Random(rng, T, N, dirs * H);
        var dFinal = new RecurrentState(L * dirs, N, H, layer.HasCellState);
        rng.FillUniform(dFinal.H.Span, -1, 1);
        if (dFinal.C != null) rng.FillUniform(dFinal.C.Span, -1, 1);
        foreach (var (_, p) in layer.NamedParameters()) p.Grad.Zero();
        yield return (ids == null ? layer.Forward(x, lengths) : layer.ForwardTokens(ids, T, N, lengths)).ToArray();
        yield return layer.FinalState.H.ToArray();
        if (layer.HasCellState) yield return layer.FinalState.C!.ToArray();
        var dx = layer.Backward(dy, dFinal);
        if (dx != null) yield return dx.ToArray();
        yield return layer.InitialStateGrad.H.ToArray();
        foreach (var (_, p) in layer.NamedParameters()) yield return p.Grad.ToArray();
    }

    static void SameBitsOnEveryCount(Func<float[][]> run, string what)
    {
        var one = OnThreads.Run(1, run);
        for (int round = 0; round < 2; round++)
            foreach (int threads in new[] { 2, 3, 4 })
            {
                var got = OnThreads.Run(threads, run);
                Assert.Equal(one.Length, got.Length);
                for (int i = 0; i < one.Length; i++) Close.Exact(one[i], got[i], $"{what}: result {i}, {threads} threads");
            }
    }

    [Theory, MemberData(nameof(RecurrentBehaviourTests.Modes), MemberType = typeof(RecurrentBehaviourTests))]
    public void SameSeedSameBitsAnyThreadCount(string mode)
    {
        float[] Run(int threads) => OnThreads.Run(threads, () =>
        {
            var rng = new Rng(21);
            var layer = RecurrentFactory.Build(mode, 16, 64, 2, bi: true, bias: true, rng, dropout: 0.2f);
            var x = Random(rng, 12, 40, 16);
            var y = layer.Forward(x);
            layer.Backward(y);
            return layer.NamedParameters().SelectMany(p => p.Parameter.Grad.ToArray()).Concat(y.ToArray()).ToArray();
        });
        var once = Run(2);
        Close.Exact(once, Run(2), $"{mode} rerun");
        Close.Exact(once, Run(1), $"{mode} one thread");
    }

    public static IEnumerable<object[]> RowBlockCases() =>
        from m in new[] { "lstm", "gru", "rnn_tanh" } from bi in new[] { false, true } from lengths in new[] { "none", "sorted", "mixed" }
        select new object[] { m, bi, lengths };

    [Theory, MemberData(nameof(RowBlockCases))]
    public void RowBlocksOnSeveralThreadsGiveTheBitsOfOneThread(string mode, bool bi, string lengths)
    {
        // 38 rows (not a multiple of any MR) are enough for a row block per thread at 2 and 3 threads;
        // H 112 makes a bidirectional step's product too big for the side-by-side directions, so every
        // case sweeps blocks of rows. Outputs, final state, dX, dh0 and every weight gradient must agree.
        int T = 7, N = 38, D = 9, H = 112;
        int[] lens = lengths switch
        {
            "sorted" => Enumerable.Range(0, N).Select(i => T - i * T / N).ToArray(),
            "mixed" => Enumerable.Range(0, N).Select(i => 1 + i * 5 % T).ToArray(),
            _ => [],
        };
        float[] Run(int threads) => OnThreads.Run<float[]>(threads, () =>
        {
            var rng = new Rng(23);
            var layer = RecurrentFactory.Build(mode, D, H, 2, bi, bias: true, rng);
            int dirs = bi ? 2 : 1;
            var x = Random(rng, T, N, D);
            var dy = Random(rng, T, N, dirs * H);
            var dFinal = new RecurrentState(2 * dirs, N, H, layer.HasCellState);
            rng.FillUniform(dFinal.H.Span, -1, 1);
            var y = layer.Forward(x, lens).ToArray();
            var final = layer.FinalState.H.ToArray();
            var dx = layer.Backward(dy, dFinal)!.ToArray();
            return [.. y, .. final, .. dx, .. layer.InitialStateGrad.H.ToArray(),
                .. layer.NamedParameters().SelectMany(p => p.Parameter.Grad.ToArray())];
        });
        var one = Run(1);
        Close.Exact(one, Run(2), $"{mode} bi={bi} lengths {lengths}: 2 threads");
        Close.Exact(one, Run(3), $"{mode} bi={bi} lengths {lengths}: 3 threads");
    }

    public static IEnumerable<object[]> SmallCases() =>
        from m in new[] { "lstm", "gru", "rnn_tanh" } from bi in new[] { false, true } select new object[] { m, bi };

    // A fresh two-layer layer of H 24 (no multiple of a SIMD width) whose steps are small: a bidirectional
    // layer runs its directions side by side, each allocating its caches inside its part; a one-way layer
    // sweeps blocks of rows once the batch holds two strips. Token input (its table and gradient per
    // direction), then a longer and wider batch (every buffer grows), then real-valued input, then frozen
    // single-row sampling steps: every result must have the bits of one thread.
    [Theory, MemberData(nameof(SmallCases))]
    public void SmallStepsOnSeveralThreadsGiveTheBitsOfOneThread(string mode, bool bi)
    {
        const int V = 30, H = 24;
        SameBitsOnEveryCount(() =>
        {
            var rng = new Rng(41);
            var layer = RecurrentFactory.Build(mode, V, H, 2, bi, bias: true, rng);
            var results = new List<float[]>();
            var ids = Enumerable.Range(0, 9 * 13).Select(_ => rng.NextInt(V)).ToArray();
            results.AddRange(Step(layer, rng, 5, 7, ids[..35], [5, 2, 4, 1, 5, 3, 0]));
            results.AddRange(Step(layer, rng, 9, 13, ids, []));
            results.AddRange(Step(layer, rng, 4, 10, null, [4, 4, 3, 3, 3, 2, 2, 1, 1, 1]));
            layer.FreezeWeights();
            var state = new RecurrentState(2 * layer.Directions, 1, H, layer.HasCellState);
            for (int s = 0; s < 3; s++)
            {
                results.Add(layer.ForwardTokens([ids[s]], 1, 1, initial: state).ToArray());
                layer.FinalState.H.Span.CopyTo(state.H.Span);
                layer.FinalState.C?.Span.CopyTo(state.C!.Span);
            }
            return [.. results];
        }, $"{mode} bi={bi}");
    }

    // A batch too small for a block of rows per thread (11 rows, under two strips of any MR) with H wide
    // enough that each step's product forks by columns and its gate kernel by rows (2 or 3 parts).
    [Theory]
    [InlineData("rnn_tanh", 2240, false)]
    [InlineData("gru", 1500, true)]
    [InlineData("lstm", 1500, false)]
    public void WideStepsOnSeveralThreadsGiveTheBitsOfOneThread(string mode, int H, bool bi)
    {
        SameBitsOnEveryCount(() =>
        {
            var rng = new Rng(43);
            var layer = RecurrentFactory.Build(mode, 5, H, 1, bi, bias: true, rng);
            return [.. Step(layer, rng, 3, 11, null, [3, 1, 3, 2, 0, 3, 3, 1, 2, 3, 2])];
        }, $"{mode} H={H} bi={bi}");
    }
}
