// Behaviour of the recurrent layers beyond the PyTorch cases: central-difference gradients, whole
// versus chunked sequences, padding invariance, cells versus layers, dropout, determinism.
using Recur.Nn;
using Recur.Tests.Support;

namespace Recur.Tests.Nn.Recurrent;

public class RecurrentBehaviourTests
{
    public static IEnumerable<object[]> Modes() => new[] { "lstm", "gru", "rnn_tanh", "rnn_relu" }.Select(m => new object[] { m });

    static Tensor Random(Rng rng, params int[] shape)
    {
        var t = new Tensor(shape);
        rng.FillUniform(t.Span, -1, 1);
        return t;
    }

    [Theory, MemberData(nameof(Modes))]
    public void GradientsMatchCentralDifferences(string mode)
    {
        var rng = new Rng(11);
        int T = 4, N = 3, D = 5, H = 4, L = 2;
        var layer = RecurrentFactory.Build(mode, D, H, L, bi: true, bias: true, rng);
        var x = Random(rng, T, N, D);
        int[] lengths = [4, 2, 3];
        var h0 = new RecurrentState(L * 2, N, H, layer.HasCellState);
        rng.FillUniform(h0.H.Span, -1, 1);
        if (h0.C != null) rng.FillUniform(h0.C.Span, -1, 1);
        var wy = Random(rng, T, N, 2 * H);
        var wh = Random(rng, L * 2, N, H);
        double Loss()
        {
            var y = layer.Forward(x, lengths, h0);
            return GradCheck.Dot(y.Span, wy.Span) + GradCheck.Dot(layer.FinalState.H.Span, wh.Span);
        }
        Loss();
        var dFinal = new RecurrentState(L * 2, N, H, layer.HasCellState);
        dFinal.H.CopyFrom(wh.Span);
        var dx = layer.Backward(wy, dFinal)!;
        var dxCopy = dx.ToArray();
        var dh0 = layer.InitialStateGrad.H.ToArray();
        // ReLU has a kink at 0 that a wide central difference can straddle: use a narrower step there.
        float eps = mode == "rnn_relu" ? 1e-3f : 1e-2f;
        double tol = mode == "rnn_relu" ? 5e-2 : 2e-2;
        GradCheck.Check(x.Span, dxCopy, Loss, $"{mode} dx", eps, tol);
        GradCheck.Check(h0.H.Span, dh0, Loss, $"{mode} dh0", eps, tol);
        foreach (var (name, p) in layer.NamedParameters())
            GradCheck.Check(p.Value.Span, p.Grad.ToArray(), Loss, $"{mode} d{name}", eps, tol);
    }

    [Theory, MemberData(nameof(Modes))]
    public void WholeSequenceEqualsChunksWithCarriedState(string mode)
    {
        var rng = new Rng(3);
        int T = 9, N = 2, D = 3, H = 5, L = 2;
        var layer = RecurrentFactory.Build(mode, D, H, L, bi: false, bias: true, rng);
        var x = Random(rng, T, N, D);
        var whole = layer.Forward(x).ToArray();
        var wholeFinal = layer.FinalState.H.ToArray();

        var state = new RecurrentState(L, N, H, layer.HasCellState);
        var pieces = new List<float>();
        foreach (var (start, len) in new[] { (0, 4), (4, 1), (5, 4) })
        {
            var part = x.Slice(start * N * D, len, N, D);
            pieces.AddRange(layer.Forward(part, default, state).ToArray());
            state.CopyFrom(layer.FinalState);
        }
        Close.Exact(whole, pieces.ToArray(), $"{mode} chunked output");
        Close.Exact(wholeFinal, state.H.ToArray(), $"{mode} chunked final h");
    }

    [Theory, MemberData(nameof(Modes))]
    public void PaddingNeverChangesAResult(string mode)
    {
        // Sequence 0 (length 3) alone equals the same sequence padded to 7 inside a batch of longer ones.
        var rng = new Rng(5);
        int T = 7, N = 3, D = 4, H = 6, L = 2;
        var layer = RecurrentFactory.Build(mode, D, H, L, bi: true, bias: true, rng);
        var x = Random(rng, T, N, D);
        var batched = layer.Forward(x, [3, 7, 5]).ToArray();
        var batchedFinal = layer.FinalState.H.ToArray();
        var alone = new Tensor(3, 1, D);
        for (int t = 0; t < 3; t++) x.Span.Slice(t * N * D, D).CopyTo(alone.Span.Slice(t * D, D));
        var single = layer.Forward(alone).ToArray();
        var singleFinal = layer.FinalState.H.ToArray();
        for (int t = 0; t < T; t++)
        {
            var row = batched.AsSpan((t * N) * 2 * H, 2 * H);
            if (t < 3) Close.Exact(single.AsSpan(t * 2 * H, 2 * H), row, $"{mode} t={t}");
            else Assert.All(row.ToArray(), v => Assert.Equal(0f, v));
        }
        for (int ld = 0; ld < L * 2; ld++)
            Close.Exact(singleFinal.AsSpan(ld * H, H), batchedFinal.AsSpan((ld * N) * H, H), $"{mode} final {ld}");
    }

    [Fact]
    public void DropoutOnlyInTrainingAndReproducible()
    {
        var rng = new Rng(8);
        var layer = new Lstm(3, 8, rng, numLayers: 3, dropout: 0.5f);
        var plain = new Lstm(3, 8, new Rng(1), numLayers: 3);
        plain.LoadStateDict(layer.StateDict().ToDictionary(p => p.Name, p => p.Data));
        var x = Random(rng, 5, 2, 3);
        layer.Eval();
        Close.Exact(plain.Forward(x).ToArray(), layer.Forward(x).ToArray(), "eval ignores dropout");
        layer.Train();
        var saved = layer.DropoutRng.State;
        var a = layer.Forward(x).ToArray();
        layer.DropoutRng.State = saved;
        var b = layer.Forward(x).ToArray();
        Close.Exact(a, b, "same dropout state, same output");
        Assert.NotEqual(a, plain.Forward(x).ToArray());
    }

    [Fact]
    public void LstmBackwardConsumesItsForwardAndSaysSo()
    {
        // The LSTM writes gate gradients over the gate activations (one buffer fewer), so a second
        // Backward must refuse rather than read gradients as activations; a new Forward makes it valid.
        var rng = new Rng(9);
        var layer = new Lstm(3, 4, rng);
        var x = Random(rng, 5, 2, 3);
        var dy = Random(rng, 5, 2, 4);
        layer.Forward(x);
        var first = layer.Backward(dy)!.ToArray();
        var e = Assert.Throws<InvalidOperationException>(() => layer.Backward(dy));
        Assert.Contains("run Forward again", e.Message);
        layer.Forward(x);
        Close.Exact(first, layer.Backward(dy)!.ToArray(), "backward after a new forward");
    }

    [Fact]
    public void DropoutGradientMatchesCentralDifferences()
    {
        var rng = new Rng(12);
        var layer = new Gru(3, 4, rng, numLayers: 2, dropout: 0.3f);
        var x = Random(rng, 4, 2, 3);
        var w = Random(rng, 4, 2, 4);
        var saved = layer.DropoutRng.State;
        double Loss()
        {
            layer.DropoutRng.State = saved; // the same masks every time
            return GradCheck.Dot(layer.Forward(x).Span, w.Span);
        }
        Loss();
        var dx = layer.Backward(w)!.ToArray();
        GradCheck.Check(x.Span, dx, Loss, "dropout dx");
        var (name, p) = layer.NamedParameters().First(e => e.Name == "weight_ih_l0");
        GradCheck.Check(p.Value.Span, p.Grad.ToArray(), Loss, name);
    }

    // The central-difference check above misses a backward that skips the mask on one element (the
    // last one's leaked or unscaled gradient is within its tolerance). Here the two-layer layer with
    // dropout must equal, bit for bit, its two layers run one after the other with the same mask between.
    [Fact]
    public void DropoutBackwardEqualsTwoLayersWithTheMaskBetween()
    {
        var rng = new Rng(12);
        int T = 4, N = 2, D = 3, H = 4;
        const float p = 0.3f;
        var layer = new Gru(D, H, rng, numLayers: 2, dropout: p);
        var first = new Gru(D, H, new Rng(1));
        var second = new Gru(H, H, new Rng(1));
        var weights = layer.StateDict().ToList();
        first.LoadStateDict(weights.Where(e => e.Name.EndsWith("_l0")).ToDictionary(e => e.Name, e => e.Data));
        second.LoadStateDict(weights.Where(e => e.Name.EndsWith("_l1")).ToDictionary(e => e.Name.Replace("_l1", "_l0"), e => e.Data));
        var x = Random(rng, T, N, D);
        var dy = Random(rng, T, N, H);
        var mask = new Tensor(T, N, H);
        var maskRng = new Rng(1) { State = layer.DropoutRng.State };
        Dropout.FillMask(maskRng, p, mask.Span);

        var y = layer.Forward(x).ToArray();
        var dx = layer.Backward(dy)!.ToArray();

        var between = new Tensor(T, N, H);
        System.Numerics.Tensors.TensorPrimitives.Multiply(first.Forward(x).Span, mask.Span, between.Span);
        Close.Exact(second.Forward(between).ToArray(), y, "output");
        var dBetween = second.Backward(dy)!;
        System.Numerics.Tensors.TensorPrimitives.Multiply(dBetween.Span, mask.Span, dBetween.Span);
        Close.Exact(first.Backward(dBetween)!.ToArray(), dx, "dx");
        var grads = first.NamedParameters().Concat(second.NamedParameters().Select(e => (Name: e.Name.Replace("_l0", "_l1"), e.Parameter)))
            .ToDictionary(e => e.Name, e => e.Parameter.Grad);
        foreach (var (name, param) in layer.NamedParameters()) Close.Exact(grads[name].Span, param.Grad.Span, $"d{name}");
    }

    [Theory, MemberData(nameof(Modes))]
    public void FrozenWeightsGiveTheSameBitsAndThawOnTrain(string mode)
    {
        var rng = new Rng(31);
        var layer = RecurrentFactory.Build(mode, 7, 40, 2, bi: true, bias: true, rng);
        int[] tokens = [1, 4, 6, 0, 2, 2];
        var x = Random(rng, 3, 2, 7);
        layer.Eval();
        var plainTokens = layer.ForwardTokens(tokens, 3, 2).ToArray();
        var plain = layer.Forward(x).ToArray();
        layer.FreezeWeights();
        for (int i = 0; i < 2; i++) // the second pass reuses the packed weights
        {
            Close.Exact(plainTokens, layer.ForwardTokens(tokens, 3, 2).ToArray(), $"{mode} frozen tokens");
            Close.Exact(plain, layer.Forward(x).ToArray(), $"{mode} frozen input");
        }
        layer.Train();
        foreach (var (_, p) in layer.NamedParameters()) p.Value.Span[0] += 0.5f;
        layer.Eval();
        Assert.NotEqual(plain, layer.Forward(x).ToArray());
    }

    [Theory, MemberData(nameof(Modes))]
    public void SortedLengthsSkipFinishedRowsWithTheSameResults(string mode)
    {
        // Longest-first lengths take the prefix path; the same sequences in another order take the mask
        // path. Outputs, final states and every gradient must agree exactly.
        var rng = new Rng(41);
        int T = 6, N = 3, D = 5, H = 8;
        var sorted = RecurrentFactory.Build(mode, D, H, 2, bi: true, bias: true, rng);
        var shuffled = RecurrentFactory.Build(mode, D, H, 2, bi: true, bias: true, new Rng(2));
        shuffled.LoadStateDict(sorted.StateDict().ToDictionary(p => p.Name, p => p.Data));
        int[] order = [2, 0, 1]; // shuffled row i holds sorted row order[i]
        var x = Random(rng, T, N, D);
        var xs = new Tensor(T, N, D);
        for (int t = 0; t < T; t++)
            for (int i = 0; i < N; i++) x.Span.Slice((t * N + order[i]) * D, D).CopyTo(xs.Span.Slice((t * N + i) * D, D));
        var dy = Random(rng, T, N, 2 * H);
        var dys = new Tensor(T, N, 2 * H);
        for (int t = 0; t < T; t++)
            for (int i = 0; i < N; i++) dy.Span.Slice((t * N + order[i]) * 2 * H, 2 * H).CopyTo(dys.Span.Slice((t * N + i) * 2 * H, 2 * H));
        var y = sorted.Forward(x, [6, 4, 2]).ToArray();
        var ys = shuffled.Forward(xs, [2, 6, 4]).ToArray();
        var dx = sorted.Backward(dy)!.ToArray();
        var dxs = shuffled.Backward(dys)!.ToArray();
        for (int t = 0; t < T; t++)
            for (int i = 0; i < N; i++)
            {
                Close.Exact(y.AsSpan((t * N + order[i]) * 2 * H, 2 * H), ys.AsSpan((t * N + i) * 2 * H, 2 * H), $"{mode} y t={t}");
                Close.Exact(dx.AsSpan((t * N + order[i]) * D, D), dxs.AsSpan((t * N + i) * D, D), $"{mode} dx t={t}");
            }
        var grads = sorted.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Grad);
        foreach (var (name, p) in shuffled.NamedParameters())
            Close.Assert(grads[name], p.Grad, $"{mode} d{name}", 1e-6f, 1e-5f); // same terms, summed in another row order
    }

    [Theory, MemberData(nameof(Modes))]
    public void TokensEqualOneHotInputExactly(string mode)
    {
        var rng = new Rng(51);
        int T = 5, N = 3, V = 11, H = 20;
        var layer = RecurrentFactory.Build(mode, V, H, 2, bi: true, bias: true, rng);
        var ids = Enumerable.Range(0, T * N).Select(_ => rng.NextInt(V)).ToArray();
        var oneHot = new Tensor(T, N, V);
        for (int i = 0; i < ids.Length; i++) oneHot.Span[i * V + ids[i]] = 1f;
        var dy = Random(rng, T, N, 2 * H);
        var a = layer.ForwardTokens(ids, T, N).ToArray();
        layer.Backward(dy);
        var gradsA = layer.NamedParameters().Select(p => p.Parameter.Grad.ToArray()).ToArray();
        foreach (var (_, p) in layer.NamedParameters()) p.Grad.Zero();
        var b = layer.Forward(oneHot).ToArray();
        layer.Backward(dy);
        Close.Exact(a, b, $"{mode} token vs one-hot output");
        var gradsB = layer.NamedParameters().Select(p => p.Parameter.Grad.ToArray()).ToArray();
        for (int i = 0; i < gradsA.Length; i++) Close.Assert(gradsB[i], gradsA[i], $"{mode} grad {i}", 1e-6f, 1e-6f);
    }
}
