// The seed's stock model: a stacked recurrent layer over W days of F features, its top layer's last
// output (= hidden[-1], the final hidden state of the top layer) → fc1 → ReLU → fc2 → one number.
// Children are named as the seed's PyTorch module names them, so the state dict reads rnn.weight_ih_l0,
// ..., fc1.weight, fc1.bias, fc2.weight, fc2.bias and loads into that module.
// Shapes: x (W, N, F) time-major; rnn out (W, N, H); last (N, H); fc1 (N, FcHidden); y (N, 1).
using Recur.Nn;

namespace Recur.Forecasting;

/// <summary>rnn → last step → fc1 → ReLU → fc2, with PyTorch's names (rnn.*, fc1.*, fc2.*).</summary>
public sealed class ForecastModel : Module
{
    /// <summary>"rnn": Layers × Hidden of the configured cell over the F features.</summary>
    public Recurrent Rnn { get; }
    /// <summary>"fc1", (FcHidden, H): reads the top layer's last output.</summary>
    public Linear Fc1 { get; }
    /// <summary>The ReLU between fc1 and fc2 (no parameters).</summary>
    public ReLU Relu { get; }
    /// <summary>"fc2", (1, FcHidden): the forecast close (scaled when ScaleTarget).</summary>
    public Linear Fc2 { get; }

    Tensor? dRnnOut;   // (W, N, H): zero except the last step, which receives fc1's input gradient

    /// <summary>Builds the layers in the seed's order (rnn, fc1, fc2), each initialised as PyTorch does, from <paramref name="rng"/>.</summary>
    public ForecastModel(int features, ForecastConfig config, Rng rng)
    {
        Rnn = AddChild<Recurrent>("rnn", config.Cell switch
        {
            CellKind.Lstm => new Lstm(features, config.Hidden, rng, config.Layers, dropout: config.Dropout),
            CellKind.Gru => new Gru(features, config.Hidden, rng, config.Layers, dropout: config.Dropout),
            CellKind.Rnn => new Rnn(features, config.Hidden, rng, config.Layers, dropout: config.Dropout),
            _ => throw new ArgumentOutOfRangeException(nameof(config), $"unknown cell {config.Cell}"),
        });
        Fc1 = AddChild("fc1", new Linear(config.Hidden, config.FcHidden, rng));
        Relu = AddChild("relu", new ReLU());
        Fc2 = AddChild("fc2", new Linear(config.FcHidden, 1, rng));
    }

    /// <summary>y (N, 1) from x (W, N, F); owned by the model until the next call. x must stay unchanged until Backward.</summary>
    public Tensor Forward(Tensor x)
    {
        var outputs = Rnn.Forward(x);                          // (W, N, H)
        int w = outputs.Shape[0], n = outputs.Shape[1], h = outputs.Shape[2];
        var last = outputs.Slice((w - 1) * n * h, n, h);      // (N, H), the top layer's h_W
        // Only the last step reaches fc1, so the other steps' output gradient stays zero: a new buffer
        // (zeroed) when the shape changes, and Backward only ever writes its last step.
        if (dRnnOut == null || !dRnnOut.SameShape(outputs)) dRnnOut = new Tensor(w, n, h);
        return Fc2.Forward(Relu.Forward(Fc1.Forward(last)));
    }

    /// <summary>Accumulates every parameter gradient from dy (N, 1) of the last Forward.</summary>
    public void Backward(Tensor dy)
    {
        var d = dRnnOut ?? throw new InvalidOperationException("Backward before Forward");
        var dLast = Fc1.Backward(Relu.Backward(Fc2.Backward(dy)!))!;   // (N, H)
        dLast.Span.CopyTo(d.Span[^dLast.Length..]);
        Rnn.Backward(d, needInputGrad: false);
    }
}
