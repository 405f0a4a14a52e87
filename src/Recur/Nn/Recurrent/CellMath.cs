// Small helpers shared by the recurrent layers and the single-step cells, so both compute the
// pre-activations in exactly the same order (a sequence stepped through a cell equals the layer).
namespace Recur.Nn;

internal static class CellMath
{
    /// <summary>bias = b_ih + b_hh (either may be absent; both absent gives zeros).</summary>
    public static void SumBiases(Parameter? bIh, Parameter? bHh, Span<float> bias)
    {
        if (bIh == null) bias.Clear(); else bIh.Value.Span.CopyTo(bias);
        if (bHh != null) System.Numerics.Tensors.TensorPrimitives.Add(bias, bHh.Value.Span, bias);
    }
}
