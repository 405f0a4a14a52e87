// A float32 tensor: a pinned, never-moving buffer (so kernels take raw pointers) plus a row-major shape.
// Views share the buffer of their parent; parameters are views into one arena (see ParameterSet).
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Recur;

/// <summary>A row-major float32 array with a shape. The storage is pinned, so <see cref="Ptr"/> is stable.</summary>
public sealed unsafe class Tensor
{
    /// <summary>The backing array (pinned). Several tensors may share it.</summary>
    public float[] Buffer { get; }
    /// <summary>Index of this tensor's first element in <see cref="Buffer"/>.</summary>
    public int Offset { get; }
    /// <summary>Dimensions, outermost first.</summary>
    public int[] Shape { get; }
    /// <summary>Number of elements (product of <see cref="Shape"/>).</summary>
    public int Length { get; }

    /// <summary>A zero-filled tensor of the given shape.</summary>
    public Tensor(params int[] shape) : this(AllocatePinned(ElementCount(shape)), 0, shape) { }

    /// <summary>A view of <paramref name="buffer"/> (which must be pinned) from <paramref name="offset"/>.</summary>
    public Tensor(float[] buffer, int offset, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(shape);
        int n = ElementCount(shape);
        if (offset < 0 || offset > buffer.Length - n)
            throw new ArgumentOutOfRangeException(nameof(offset), $"view of {n} elements at {offset} does not fit a buffer of {buffer.Length}");
        Buffer = buffer;
        Offset = offset;
        Shape = (int[])shape.Clone();
        Length = n;
    }

    /// <summary>
    /// Address of the first element; valid while the tensor (or another view of its buffer) is reachable. The pointer
    /// does not keep it reachable: a call that gets only the pointer can outlive a tensor nothing uses after it, and a
    /// collection on any thread then frees the buffer under the call (wrong values, or an access violation). Keep such
    /// a tensor with GC.KeepAlive after the call.
    /// </summary>
    public float* Ptr
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(Buffer)) + Offset;
    }

    /// <summary>The tensor's elements, flattened row-major.</summary>
    public Span<float> Span => Buffer.AsSpan(Offset, Length);

    /// <summary>Number of dimensions (0 for a scalar's empty shape).</summary>
    public int Rank => Shape.Length;

    /// <summary>Size of dimension <paramref name="i"/>; negative counts from the end.</summary>
    public int Dim(int i) => Shape[i < 0 ? Shape.Length + i : i];

    /// <summary>Element <paramref name="i"/> of the flattened tensor (any rank).</summary>
    public ref float this[int i] => ref Buffer[Offset + CheckIndex(i)];

    /// <summary>Element [i, j] of a 2-D tensor; each index must be within its dimension.</summary>
    public ref float this[int i, int j] => ref Buffer[Offset + CheckIndex(i, j)];

    /// <summary>Elements [start, start + count) of the flattened tensor, as a tensor of the given shape.</summary>
    public Tensor Slice(int start, params int[] shape)
    {
        int n = ElementCount(shape);
        if (start < 0 || start > Length - n)
            throw new ArgumentOutOfRangeException(nameof(start), $"elements [{start}, {(long)start + n}) are outside {this} ({Length} elements)");
        return new Tensor(Buffer, Offset + start, shape);
    }

    /// <summary>The same elements under another shape with the same element count.</summary>
    public Tensor Reshape(params int[] shape)
    {
        if (ElementCount(shape) != Length)
            throw new ArgumentException($"cannot reshape {ShapeString(Shape)} to {ShapeString(shape)}");
        return new Tensor(Buffer, Offset, shape);
    }

    /// <summary>Sets every element to 0.</summary>
    public void Zero() => Span.Clear();

    /// <summary>Copies <paramref name="source"/> in, flattened; it must hold exactly <see cref="Length"/> values (ArgumentException).</summary>
    public void CopyFrom(ReadOnlySpan<float> source)
    {
        if (source.Length != Length) throw new ArgumentException($"copy of {source.Length} elements into {Length}");
        source.CopyTo(Span);
    }

    /// <summary>A new (unpinned) array holding a copy of the elements, flattened.</summary>
    public float[] ToArray() => Span.ToArray();

    /// <summary>A new tensor of <paramref name="shape"/> holding a copy of <paramref name="values"/>, whose count must match it.</summary>
    public static Tensor FromArray(float[] values, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != ElementCount(shape))
            throw new ArgumentException($"{values.Length} values do not fill shape {ShapeString(shape)}, which holds {ElementCount(shape)}", nameof(values));
        var t = new Tensor(shape);
        t.CopyFrom(values);
        return t;
    }

    /// <summary>True when <paramref name="other"/> has the same dimensions, in the same order.</summary>
    public bool SameShape(Tensor other) => Shape.AsSpan().SequenceEqual(other.Shape);

    /// <summary>"Tensor(2, 3)": the shape, not the values.</summary>
    public override string ToString() => $"Tensor{ShapeString(Shape)}";

    /// <summary>"(2, 3)", as shapes appear in error messages.</summary>
    public static string ShapeString(ReadOnlySpan<int> shape) => "(" + string.Join(", ", shape.ToArray()) + ")";

    /// <summary>A zeroed float array the GC never moves, so pointers into it stay valid (no alignment is promised).</summary>
    public static float[] AllocatePinned(int length) => GC.AllocateArray<float>(length, pinned: true);

    /// <summary>The product of <paramref name="shape"/>; throws ArgumentException for a negative dimension or more than int.MaxValue elements.</summary>
    public static int ElementCount(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape {ShapeString(shape)}");
            n *= d;
            if (n > int.MaxValue) throw new ArgumentException($"shape {ShapeString(shape)} has more than {int.MaxValue} elements");
        }
        return (int)n;
    }

    int CheckIndex(int i) => (uint)i < (uint)Length ? i
        : throw new IndexOutOfRangeException($"index {i} is outside the {Length} elements of {this}");

    int CheckIndex(int i, int j)
    {
        // Checking only the flat index let [i, j] with j past the row's end reach into the next row.
        if (Rank != 2) throw new InvalidOperationException($"[i, j] indexes a 2-D tensor, not {this}; index the flattened elements with [i]");
        if ((uint)i >= (uint)Shape[0] || (uint)j >= (uint)Shape[1])
            throw new IndexOutOfRangeException($"index [{i}, {j}] is outside {this}");
        return i * Shape[1] + j;
    }
}
