// A named tensor as stored in a file: float32 data (other float types are converted on load) or
// int64 data (PyTorch's num_batches_tracked). The unit of state dicts and safetensors files.
namespace Recur.IO;

/// <summary>Element type of a stored tensor, as safetensors names it.</summary>
public enum DType { F32, I64 }

/// <summary>
/// A tensor's shape and values as they travel to and from files; exactly one of Floats or Longs is set.
/// The shape is copied on construction; the values array is shared with the caller, not copied.
/// </summary>
public sealed class TensorData
{
    public DType DType { get; }
    public int[] Shape { get; }
    public float[]? Floats { get; }
    public long[]? Longs { get; }

    public TensorData(float[] values, params int[] shape)
    {
        Check(values.Length, shape);
        DType = DType.F32; Floats = values; Shape = (int[])shape.Clone();
    }

    public TensorData(long[] values, params int[] shape)
    {
        Check(values.Length, shape);
        DType = DType.I64; Longs = values; Shape = (int[])shape.Clone();
    }

    public int Length => Floats?.Length ?? Longs!.Length;

    /// <summary>A copy of a tensor's current values.</summary>
    public static TensorData From(Tensor t) => new(t.ToArray(), t.Shape);

    static void Check(int length, int[] shape)
    {
        if (Tensor.ElementCount(shape) != length)
            throw new ArgumentException($"{length} values do not fill shape {Tensor.ShapeString(shape)}");
    }
}
