// Reusable output and scratch tensors: a layer keeps one per role. The same shape returns the same
// tensor; another shape returns a view of the same storage when it fits (batches of varying length
// reuse one buffer), and only a larger shape allocates, with room to spare. So steady-state steps
// allocate nothing, and reused storage is not cleared: callers overwrite what they take.
namespace Recur.Nn;

internal static class Workspace
{
    public static Tensor Ensure(ref Tensor? t, int d0)
    {
        if (t == null || t.Rank != 1 || t.Shape[0] != d0) Fit(ref t, [d0]);
        return t!;
    }

    public static Tensor Ensure(ref Tensor? t, int d0, int d1)
    {
        if (t == null || t.Rank != 2 || t.Shape[0] != d0 || t.Shape[1] != d1) Fit(ref t, [d0, d1]);
        return t!;
    }

    public static Tensor Ensure(ref Tensor? t, int d0, int d1, int d2)
    {
        if (t == null || t.Rank != 3 || t.Shape[0] != d0 || t.Shape[1] != d1 || t.Shape[2] != d2) Fit(ref t, [d0, d1, d2]);
        return t!;
    }

    /// <summary>A tensor of any rank with exactly <paramref name="shape"/>.</summary>
    public static Tensor EnsureShape(ref Tensor? t, ReadOnlySpan<int> shape)
    {
        if (t == null || !t.Shape.AsSpan().SequenceEqual(shape)) Fit(ref t, shape.ToArray());
        return t!;
    }

    /// <summary>Points <paramref name="t"/> at <paramref name="shape"/>: a view of its storage when that is big enough, else new storage 1.5× larger.</summary>
    static void Fit(ref Tensor? t, int[] shape)
    {
        int n = Tensor.ElementCount(shape);
        if (t != null && t.Offset == 0 && t.Buffer.Length >= n) { t = new Tensor(t.Buffer, 0, shape); return; }
        long room = t == null ? n : Math.Max(n, Math.Min((long)t.Buffer.Length * 3 / 2, int.MaxValue));
        t = new Tensor(Tensor.AllocatePinned((int)room), 0, shape);
    }

    /// <summary>A tensor of shape (<paramref name="leading"/>..., <paramref name="last"/>), any rank.</summary>
    public static Tensor EnsureShape(ref Tensor? t, ReadOnlySpan<int> leading, int last)
    {
        if (t == null || t.Rank != leading.Length + 1 || t.Shape[^1] != last || !t.Shape.AsSpan(0, leading.Length).SequenceEqual(leading))
        {
            var shape = new int[leading.Length + 1];
            leading.CopyTo(shape);
            shape[^1] = last;
            Fit(ref t, shape);
        }
        return t!;
    }

    /// <summary>A tensor shaped like <paramref name="like"/> (any rank from 1) but with last dimension <paramref name="last"/>.</summary>
    public static Tensor EnsureLastDim(ref Tensor? t, Tensor like, int last)
    {
        if (like.Rank == 0) throw new ArgumentException("a scalar has no last dimension");
        return EnsureShape(ref t, like.Shape.AsSpan(0, like.Rank - 1), last);
    }
}
