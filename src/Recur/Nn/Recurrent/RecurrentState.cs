// The state a recurrent layer starts from and ends with: h (L·dirs, N, H) and, for an LSTM, c.
// Passing one batch's final state as the next batch's initial state is truncated BPTT.
namespace Recur.Nn;

/// <summary>Hidden state h and (LSTM only) cell state c, each (layers × directions, N, H) as PyTorch's h_n / c_n.</summary>
public sealed class RecurrentState
{
    /// <summary>(L·dirs, N, H); index = layer·dirs + direction.</summary>
    public Tensor H { get; }
    /// <summary>(L·dirs, N, H) for an LSTM; null for GRU and RNN.</summary>
    public Tensor? C { get; }

    /// <summary>A zero state: h (and with <paramref name="hasCell"/>, c) of shape (<paramref name="layersTimesDirections"/>, <paramref name="batch"/>, <paramref name="hidden"/>).</summary>
    public RecurrentState(int layersTimesDirections, int batch, int hidden, bool hasCell)
    {
        H = new Tensor(layersTimesDirections, batch, hidden);
        if (hasCell) C = new Tensor(layersTimesDirections, batch, hidden);
    }

    /// <summary>N, the sequences the state is for.</summary>
    public int Batch => H.Shape[1];

    /// <summary>Sets h (and c) to 0: the state a sequence starts from.</summary>
    public void Zero()
    {
        H.Zero();
        C?.Zero();
    }

    /// <summary>Copies another state of the same shape (e.g. a layer's final state, to carry it over).</summary>
    public void CopyFrom(RecurrentState other)
    {
        if (!H.SameShape(other.H) || (C == null) != (other.C == null))
            throw new ArgumentException($"state shapes differ: {H} vs {other.H}");
        H.CopyFrom(other.H.Span);
        C?.CopyFrom(other.C!.Span);
    }

    /// <summary>True when this state fits a layer with the given shape.</summary>
    public bool Fits(int layersTimesDirections, int batch, int hidden, bool hasCell) =>
        H.Shape[0] == layersTimesDirections && H.Shape[1] == batch && H.Shape[2] == hidden && (C != null) == hasCell;
}
