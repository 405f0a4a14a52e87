// Builds the Recur layer a reference case describes and runs it the way the PyTorch script did.
using Recur.IO;
using Recur.Nn;
using Recur.Tests.Support;

namespace Recur.Tests.Nn.Recurrent;

static class RecurrentFactory
{
    public static Recur.Nn.Recurrent Build(string mode, int input, int hidden, int layers, bool bi, bool bias, Rng rng, float dropout = 0) => mode switch
    {
        "lstm" => new Lstm(input, hidden, rng, layers, bi, dropout, bias),
        "gru" => new Gru(input, hidden, rng, layers, bi, dropout, bias),
        "rnn_tanh" => new Rnn(input, hidden, rng, layers, bi, dropout, bias),
        "rnn_relu" => new Rnn(input, hidden, rng, layers, bi, dropout, bias, relu: true),
        _ => throw new ArgumentException(mode),
    };

    /// <summary>The layer with the case's parameters loaded strictly by their PyTorch names.</summary>
    public static Recur.Nn.Recurrent FromCase(ReferenceCase rc)
    {
        var layer = Build(rc.Str("mode"), rc.Int("input"), rc.Int("hidden"), rc.Int("layers"), rc.Bool("bidirectional"), rc.Bool("bias"), new Rng(1));
        var state = rc.Tensors.Where(kv => kv.Key.StartsWith("param.")).ToDictionary(kv => kv.Key["param.".Length..], kv => kv.Value);
        layer.LoadStateDict(state, strict: true);
        return layer;
    }

    public static RecurrentState? State(ReferenceCase rc, string h, string c, Recur.Nn.Recurrent layer)
    {
        if (!rc.Has(h)) return null;
        var hT = rc.Get(h);
        var s = new RecurrentState(hT.Shape[0], hT.Shape[1], hT.Shape[2], layer.HasCellState);
        s.H.CopyFrom(hT.Span);
        if (layer.HasCellState) s.C!.CopyFrom(rc.Get(c).Span);
        return s;
    }

    /// <summary>Forward as the case did; returns the output.</summary>
    public static Tensor Forward(Recur.Nn.Recurrent layer, ReferenceCase rc)
    {
        int[] lengths = rc.Has("lengths") ? rc.GetInts("lengths") : [];
        var initial = State(rc, "h0", "c0", layer);
        if (rc.Bool("tokens"))
            return layer.ForwardTokens(rc.GetInts("tokens"), rc.Int("steps"), rc.Int("batch"), lengths, initial);
        return layer.Forward(rc.Get("x"), lengths, initial);
    }
}
