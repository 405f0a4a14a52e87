// Reusable output and scratch tensors: a layer keeps one per role and only reallocates when the
// requested shape changes, so steady-state steps allocate nothing.
namespace Recur.Nn;

internal static class Workspace
{
    public static Tensor Ensure(ref Tensor? t, int d0)
    {
        if (t == null || t.Rank != 1 || t.Shape[0] != d0) t = new Tensor(d0);
        return t;
    }

    public static Tensor Ensure(ref Tensor? t, int d0, int d1)
    {
        if (t == null || t.Rank != 2 || t.Shape[0] != d0 || t.Shape[1] != d1) t = new Tensor(d0, d1);
        return t;
    }

    public static Tensor Ensure(ref Tensor? t, int d0, int d1, int d2)
    {
        if (t == null || t.Rank != 3 || t.Shape[0] != d0 || t.Shape[1] != d1 || t.Shape[2] != d2) t = new Tensor(d0, d1, d2);
        return t;
    }

    /// <summary>A tensor shaped like <paramref name="like"/> but with last dimension <paramref name="last"/>.</summary>
    public static Tensor EnsureLastDim(ref Tensor? t, Tensor like, int last) => like.Rank switch
    {
        1 => Ensure(ref t, last),
        2 => Ensure(ref t, like.Shape[0], last),
        3 => Ensure(ref t, like.Shape[0], like.Shape[1], last),
        _ => throw new ArgumentException($"rank {like.Rank} input; expected 1 to 3"),
    };
}
