// Inverted dropout, PyTorch's nn.Dropout: in training y = x · m with m = 0 (probability p) or 1/(1-p),
// so the expected value is unchanged and evaluation is the identity. Shapes: x, m, y all (...), any shape.
// The mask comes from FillMask over an Rng passed in; the recurrent layers' inter-layer dropout uses the
// same FillMask, so one seed gives one mask wherever dropout is applied.
using System.Numerics.Tensors;

namespace Recur.Nn;

/// <summary>Zeroes each element with probability p and scales the rest by 1/(1-p) in training (nn.Dropout); identity in eval.</summary>
public sealed class Dropout : Module
{
    /// <summary>The probability of zeroing an element, in [0, 1).</summary>
    public float P { get; }

    readonly Rng rng;
    Tensor? mask;     // (...) 0 or 1/(1-p), the mask of the last training Forward
    Tensor? output;   // (...)
    Tensor? dInput;   // (...)
    bool? passedThrough;   // how the last Forward went; null before the first

    /// <param name="p">Probability of zeroing an element; 0 ≤ p &lt; 1.</param>
    /// <param name="rng">The generator the masks are drawn from (shared with the caller, advanced by each training Forward).</param>
    public Dropout(float p, Rng rng)
    {
        CheckP(p);
        P = p;
        this.rng = rng;
    }

    /// <summary>
    /// The mask of the last Forward (0 or 1/(1-p) per element), or null when that Forward was a pass-through
    /// (evaluation mode or p = 0).
    /// </summary>
    public Tensor? Mask => passedThrough == false ? mask : null;

    /// <summary>
    /// In training with p &gt; 0: draws a new mask and returns y = x · mask, owned by the layer until the next call.
    /// Otherwise returns x itself (as PyTorch does), drawing nothing.
    /// </summary>
    public Tensor Forward(Tensor x)
    {
        passedThrough = !Training || P == 0f;
        if (passedThrough == true) return x;
        var m = Workspace.EnsureShape(ref mask, x.Shape);
        FillMask(rng, P, m.Span);
        var y = Workspace.EnsureShape(ref output, x.Shape);
        TensorPrimitives.Multiply(x.Span, m.Span, y.Span);
        return y;
    }

    /// <summary>dx = dy · mask (owned by the layer), or dy itself when the last Forward was a pass-through.</summary>
    public Tensor Backward(Tensor dy)
    {
        if (passedThrough == null) throw new InvalidOperationException("Backward before Forward");
        if (passedThrough == true) return dy;
        var m = mask!;
        if (dy.Length != m.Length) throw new ArgumentException($"dy has {dy.Length} values, expected {m.Length}");
        var dx = Workspace.EnsureShape(ref dInput, m.Shape);
        TensorPrimitives.Multiply(dy.Span, m.Span, dx.Span);
        return dx;
    }

    /// <summary>
    /// Fills <paramref name="mask"/> with 0 (probability p) or 1/(1-p), one <see cref="Rng.NextFloat"/> draw per
    /// element in order: element i is dropped when draw i &lt; p.
    /// </summary>
    public static void FillMask(Rng rng, float p, Span<float> mask)
    {
        CheckP(p);
        float keep = 1f / (1f - p);
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextFloat() < p ? 0f : keep;
    }

    static void CheckP(float p)
    {
        if (!(p >= 0f && p < 1f)) throw new ArgumentOutOfRangeException(nameof(p), $"dropout probability {p} must be in [0, 1)");
    }
}
