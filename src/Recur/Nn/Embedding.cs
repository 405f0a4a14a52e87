// Embedding table, PyTorch's nn.Embedding: y[i] = W[ids[i]].
// Shapes: W (V, E) "weight", ids (...) any shape of token ids in [0, V), y (..., E); P = ids.Length positions.
// The padding row (padding_idx) is zero at init and never receives gradient, as in PyTorch.
using System.Numerics.Tensors;

namespace Recur.Nn;

/// <summary>A lookup table of V vectors of size E (nn.Embedding). Init as PyTorch: W ~ N(0, 1), padding row zero.</summary>
public sealed class Embedding : Module
{
    /// <summary>V, the number of rows (vocabulary size).</summary>
    public int NumEmbeddings { get; }
    /// <summary>E, the size of each row.</summary>
    public int EmbeddingDim { get; }
    /// <summary>The row that stays out of training (non-negative; PyTorch's padding_idx after wrapping), or null.</summary>
    public int? PaddingIdx { get; }
    /// <summary>"weight", (V, E).</summary>
    public Parameter Weight { get; }

    int[] savedIds = []; // (P) the ids of the last Forward, copied for Backward
    int count;           // P, how many of savedIds are in use
    Tensor? output;      // (..., E)

    /// <param name="numEmbeddings">V, the vocabulary size.</param>
    /// <param name="embeddingDim">E, the size of each vector.</param>
    /// <param name="rng">Source of the N(0, 1) initial values.</param>
    /// <param name="paddingIdx">A row kept at zero at init and given no gradient; negative counts from the end, as in PyTorch.</param>
    public Embedding(int numEmbeddings, int embeddingDim, Rng rng, int? paddingIdx = null)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (numEmbeddings <= 0 || embeddingDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(numEmbeddings), "sizes must be positive");
        if (paddingIdx is int p && (p < -numEmbeddings || p >= numEmbeddings))
            throw new ArgumentOutOfRangeException(nameof(paddingIdx), $"padding_idx {p} must be within [{-numEmbeddings}, {numEmbeddings})");
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        PaddingIdx = paddingIdx is int q && q < 0 ? q + numEmbeddings : paddingIdx;
        Weight = AddParameter("weight", numEmbeddings, embeddingDim);
        rng.FillNormal(Weight.Value.Span, 0f, 1f);
        if (PaddingIdx is int pad) Row(Weight.Value, pad).Clear();
    }

    /// <summary>
    /// y (shape..., E) from token ids laid out in <paramref name="shape"/> (e.g. T, N); with no shape, ids is one
    /// dimension. The result is owned by the layer until the next call; the ids are copied for Backward.
    /// </summary>
    public Tensor Forward(ReadOnlySpan<int> ids, params ReadOnlySpan<int> shape)
    {
        int n = shape.IsEmpty ? ids.Length : Tensor.ElementCount(shape);
        if (n != ids.Length)
            throw new ArgumentException($"{ids.Length} ids do not fill shape {Tensor.ShapeString(shape)}");
        for (int i = 0; i < ids.Length; i++)
            if ((uint)ids[i] >= (uint)NumEmbeddings)
                throw new ArgumentOutOfRangeException(nameof(ids), $"token id {ids[i]} at position {i} is outside the vocabulary [0, {NumEmbeddings})");

        var y = shape.IsEmpty
            ? Workspace.Ensure(ref output, ids.Length, EmbeddingDim)
            : Workspace.EnsureShape(ref output, shape, EmbeddingDim);
        if (savedIds.Length < ids.Length) savedIds = new int[ids.Length];
        ids.CopyTo(savedIds);
        count = ids.Length;
        var w = Weight.Value.Span;
        var ys = y.Span;
        for (int i = 0; i < count; i++)
            w.Slice(ids[i] * EmbeddingDim, EmbeddingDim).CopyTo(ys.Slice(i * EmbeddingDim, EmbeddingDim));
        return y;
    }

    /// <summary>
    /// Accumulates dW from dy (..., E): each position's gradient is added to its id's row, positions in order
    /// (so repeated ids sum deterministically); the padding row gets nothing. Ids have no gradient.
    /// </summary>
    public void Backward(Tensor dy)
    {
        if (output == null) throw new InvalidOperationException("Backward before Forward");
        if (dy.Length != count * EmbeddingDim)
            throw new ArgumentException($"dy has {dy.Length} values, expected {count}×{EmbeddingDim}");
        var g = Weight.Grad.Span;
        var d = dy.Span;
        for (int i = 0; i < count; i++)
        {
            int id = savedIds[i];
            if (id == PaddingIdx) continue;
            // y[i] = W[id]  =>  dW[id] += dy[i]
            var row = g.Slice(id * EmbeddingDim, EmbeddingDim);
            TensorPrimitives.Add(row, d.Slice(i * EmbeddingDim, EmbeddingDim), row);
        }
    }

    Span<float> Row(Tensor table, int row) => table.Span.Slice(row * EmbeddingDim, EmbeddingDim);
}
