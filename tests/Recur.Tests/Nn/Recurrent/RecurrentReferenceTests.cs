// Recur's LSTM, GRU and RNN against PyTorch: outputs, final states and every gradient, for 1-3
// layers, both directions, initial states, variable lengths (packed semantics), one-hot tokens and
// no-bias layers (cases written by tools/reference/recurrent.py).
using Recur.Nn;
using Recur.Tests.Support;

namespace Recur.Tests.Nn.Recurrent;

public class RecurrentReferenceTests
{
    public static IEnumerable<object[]> Cases() => ReferenceCase.Names("rnn_");

    [Theory, MemberData(nameof(Cases))]
    public void MatchesPyTorch(string name)
    {
        var rc = ReferenceCase.Load(name);
        var layer = RecurrentFactory.FromCase(rc);
        var y = RecurrentFactory.Forward(layer, rc);
        Close.Assert(rc.Get("y"), y, $"{name} y");
        Close.Assert(rc.Get("hn"), layer.FinalState.H, $"{name} h_n");
        if (layer.HasCellState) Close.Assert(rc.Get("cn"), layer.FinalState.C!, $"{name} c_n");

        var dFinal = RecurrentFactory.State(rc, "dhn", "dcn", layer);
        var dx = layer.Backward(rc.Get("dy"), dFinal);
        if (rc.Has("grad.x")) Close.Assert(rc.Get("grad.x"), dx!, $"{name} dx");
        else Assert.Null(dx);
        if (rc.Has("grad.h0")) Close.Assert(rc.Get("grad.h0"), layer.InitialStateGrad.H, $"{name} dh0");
        if (rc.Has("grad.c0")) Close.Assert(rc.Get("grad.c0"), layer.InitialStateGrad.C!, $"{name} dc0");
        foreach (var (pname, p) in layer.NamedParameters())
            Close.Assert(rc.Get("grad." + pname), p.Grad, $"{name} d{pname}");
    }

    [Fact]
    public void ParameterNamesAndShapesArePyTorchs()
    {
        var rc = ReferenceCase.Load("rnn_lstm_l3_bi_init");
        var layer = RecurrentFactory.FromCase(rc);
        var expected = rc.Tensors.Keys.Where(k => k.StartsWith("param.")).Select(k => k["param.".Length..]).Order().ToArray();
        Assert.Equal(expected, layer.NamedParameters().Select(p => p.Name).Order().ToArray());
    }
}
