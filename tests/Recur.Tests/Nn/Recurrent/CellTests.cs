// The single-step cells: a sequence stepped through a cell equals the one-layer layer exactly
// (outputs, input and state gradients), and weight gradients agree to rounding.
using Recur.Nn;
using Recur.Tests.Support;

namespace Recur.Tests.Nn.Recurrent;

public class CellTests
{
    public static IEnumerable<object[]> Modes() => new[] { "lstm", "gru", "rnn_tanh", "rnn_relu" }.Select(m => new object[] { m });

    static RecurrentCell BuildCell(string mode, int d, int h) => mode switch
    {
        "lstm" => new LstmCell(d, h, new Rng(1)),
        "gru" => new GruCell(d, h, new Rng(1)),
        "rnn_tanh" => new RnnCell(d, h, new Rng(1)),
        _ => new RnnCell(d, h, new Rng(1), relu: true),
    };

    [Theory, MemberData(nameof(Modes))]
    public void SteppedCellEqualsLayer(string mode)
    {
        var rng = new Rng(4);
        int T = 6, N = 3, D = 5, H = 300; // H > the GEMM depth block, D·G not a multiple of the tile
        var layer = RecurrentFactory.Build(mode, D, H, 1, bi: false, bias: true, rng);
        var cell = BuildCell(mode, D, H);
        // Same weights: the cell's names drop the layer's "_l0" suffix.
        cell.LoadStateDict(layer.StateDict().ToDictionary(p => p.Name.Replace("_l0", ""), p => p.Data));
        var x = new Tensor(T, N, D); rng.FillUniform(x.Span, -1, 1);
        var h0 = new RecurrentState(1, N, H, layer.HasCellState);
        rng.FillUniform(h0.H.Span, -1, 1);
        if (h0.C != null) rng.FillUniform(h0.C.Span, -1, 1);
        var dy = new Tensor(T, N, H); rng.FillUniform(dy.Span, -1, 1);

        var y = layer.Forward(x, default, h0).ToArray();
        var dx = layer.Backward(dy)!.ToArray();
        var dh0 = layer.InitialStateGrad.H.ToArray();

        var h = h0.H.Reshape(N, H); var c = h0.C?.Reshape(N, H);
        var stepped = new List<float>();
        for (int t = 0; t < T; t++)
        {
            var xt = x.Slice(t * N * D, N, D);
            if (cell is LstmCell lc) (h, c) = lc.Forward(xt, h, c!);
            else h = cell is GruCell gc ? gc.Forward(xt, h) : ((RnnCell)cell).Forward(xt, h);
            stepped.AddRange(h.ToArray());
        }
        Close.Exact(y, stepped.ToArray(), $"{mode} outputs");

        var dh = new Tensor(N, H); var dc = new Tensor(N, H);
        var dxStepped = new float[T * N * D];
        for (int t = T - 1; t >= 0; t--)
        {
            var dyt = dy.Slice(t * N * H, N, H);
            System.Numerics.Tensors.TensorPrimitives.Add(dh.Span, dyt.Span, dh.Span);
            Tensor dxt;
            if (cell is LstmCell lc)
            {
                var (a, b, e) = lc.Backward(dh, dc);
                dxt = a; dh.CopyFrom(b.Span); dc.CopyFrom(e.Span);
            }
            else
            {
                var (a, b) = cell is GruCell gc ? gc.Backward(dh) : ((RnnCell)cell).Backward(dh);
                dxt = a; dh.CopyFrom(b.Span);
            }
            dxt.Span.CopyTo(dxStepped.AsSpan(t * N * D));
        }
        Close.Exact(dx, dxStepped, $"{mode} dx");
        Close.Exact(dh0, dh.ToArray(), $"{mode} dh0");
        Assert.Equal(0, cell.RecordedSteps);
        var layerGrads = layer.NamedParameters().ToDictionary(p => p.Name.Replace("_l0", ""), p => p.Parameter.Grad);
        foreach (var (name, p) in cell.NamedParameters())
            Close.Assert(layerGrads[name], p.Grad, $"{mode} d{name}", 1e-4f, 1e-5f);
    }

    [Fact]
    public void EvalModeRecordsNothing()
    {
        var cell = new LstmCell(2, 3, new Rng(1));
        cell.Eval();
        var x = new Tensor(1, 2); var h = new Tensor(1, 3); var c = new Tensor(1, 3);
        for (int i = 0; i < 5; i++) (h, c) = cell.Forward(x, h, c);
        Assert.Equal(0, cell.RecordedSteps);
        Assert.Throws<InvalidOperationException>(() => cell.Backward(h, c));
    }

    [Fact]
    public void NamesAreLstmCells()
    {
        var names = new LstmCell(2, 3, new Rng(1)).NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal(new[] { "weight_ih", "weight_hh", "bias_ih", "bias_hh" }, names);
    }
}
