// A named tensor as stored in a file: float32 data (other float types are converted on load) or
// int64 data (PyTorch's num_batches_tracked). The unit of state dicts and safetensors files.
namespace Recur.IO;

/// <summary>Element type of a stored tensor, as safetensors names it.</summary>
public enum DType
{
    /// <summary>float32 ("F32"): weights and activations.</summary>
    F32,
    /// <summary>int64 ("I64"): counters such as BatchNorm's num_batches_tracked.</summary>
    I64,
}

/// <summary>
/// A tensor's shape and values as they travel to and from files; exactly one of Floats or Longs is set.
/// The shape is copied on construction; the values array is shared with the caller, not copied.
/// </summary>
public sealed class TensorData
{
    /// <summary>Which of <see cref="Floats"/> and <see cref="Longs"/> holds the values.</summary>
    public DType DType { get; }
    /// <summary>Dimensions, outermost first (row-major, as safetensors stores them).</summary>
    public int[] Shape { get; }
    /// <summary>The values of an F32 tensor, flattened; null for I64.</summary>
    public float[]? Floats { get; }
    /// <summary>The values of an I64 tensor, flattened; null for F32.</summary>
    public long[]? Longs { get; }

    /// <summary>An F32 tensor over <paramref name="values"/> (shared, not copied); ArgumentException unless they fill <paramref name="shape"/> exactly.</summary>
    public TensorData(float[] values, params int[] shape)
    {
        Check(values.Length, shape);
        DType = DType.F32; Floats = values; Shape = (int[])shape.Clone();
    }

    /// <summary>An I64 tensor over <paramref name="values"/> (shared, not copied); ArgumentException unless they fill <paramref name="shape"/> exactly.</summary>
    public TensorData(long[] values, params int[] shape)
    {
        Check(values.Length, shape);
        DType = DType.I64; Longs = values; Shape = (int[])shape.Clone();
    }

    /// <summary>Number of elements (the product of <see cref="Shape"/>).</summary>
    public int Length => Floats?.Length ?? Longs!.Length;

    /// <summary>A copy of a tensor's current values.</summary>
    public static TensorData From(Tensor t) => new(t.ToArray(), t.Shape);

    static void Check(int length, int[] shape)
    {
        if (Tensor.ElementCount(shape) != length)
            throw new ArgumentException($"{length} values do not fill shape {Tensor.ShapeString(shape)}");
    }
}
