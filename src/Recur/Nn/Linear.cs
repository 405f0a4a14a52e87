// Linear layer, PyTorch's nn.Linear: y = x·Wᵀ + b over the last dimension.
// Shapes: x (..., in), W (out, in) "weight", b (out) "bias", y (..., out); rows R = x.Length / in.
using Recur.Kernels;

namespace Recur.Nn;

/// <summary>y = x·Wᵀ + b (nn.Linear). Init as PyTorch: W, b ~ U(-1/√in, 1/√in).</summary>
public sealed unsafe class Linear : Module
{
    /// <summary>in, the last dimension of x.</summary>
    public int InFeatures { get; }
    /// <summary>out, the last dimension of y.</summary>
    public int OutFeatures { get; }
    /// <summary>"weight", (out, in).</summary>
    public Parameter Weight { get; private set; }
    /// <summary>"bias", (out); null without bias.</summary>
    public Parameter? Bias { get; }

    Tensor? input, output, dInput;

    /// <summary>nn.Linear(in, out, bias), its weights drawn from <paramref name="rng"/>; throws ArgumentOutOfRangeException for a size ≤ 0.</summary>
    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (inFeatures <= 0 || outFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(inFeatures), "sizes must be positive");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = AddParameter("weight", outFeatures, inFeatures);
        if (bias) Bias = AddParameter("bias", outFeatures);
        // kaiming_uniform_(a=√5) reduces to U(-1/√in, 1/√in); the bias uses the same bound.
        float bound = 1f / MathF.Sqrt(inFeatures);
        rng.FillUniform(Weight.Value.Span, -bound, bound);
        if (Bias != null) rng.FillUniform(Bias.Value.Span, -bound, bound);
    }

    /// <summary>
    /// Uses <paramref name="weight"/> (out, in), e.g. an embedding's (V, E) table, as this layer's weight from now
    /// on (weight tying, PyTorch's <c>decoder.weight = encoder.weight</c>); both layers' gradients add up in it.
    /// </summary>
    public void TieWeight(Parameter weight)
    {
        ShareParameter(Weight, weight);
        Weight = weight;
        frozen = null;
    }

    /// <summary>y (..., out) from x (..., in). The result is owned by the layer until the next call; x is kept for backward.</summary>
    public Tensor Forward(Tensor x)
    {
        CheckInput(x);
        int rows = x.Length / InFeatures;
        var y = Workspace.EnsureLastDim(ref output, x, OutFeatures);
        input = x;
        float* b = Bias != null ? Bias.Value.Ptr : null;
        // y (R, out) = x (R, in) · Wᵀ (in, out) [+ b]
        if (frozen != null) Gemm.MultiplyPlusBias(false, rows, 1f, x.Ptr, InFeatures, frozen, b, y.Ptr, OutFeatures);
        else Gemm.MultiplyPlusBias(false, true, rows, OutFeatures, InFeatures, 1f, x.Ptr, InFeatures, Weight.Value.Ptr, InFeatures, b, y.Ptr, OutFeatures);
        return y;
    }

    PackedMatrix? frozen;

    /// <summary>Evaluation mode with W packed once for every Forward until Train() (see Recurrent.FreezeWeights).</summary>
    public void FreezeWeights()
    {
        Eval();
        frozen ??= new PackedMatrix();
        frozen.PackTransposed(Weight.Value);
    }

    /// <summary>Training mode drops the weight packed by <see cref="FreezeWeights"/>, which would go stale as W trains.</summary>
    protected override void OnTrainingChanged(bool training)
    {
        if (training) frozen = null;
    }

    /// <summary>Accumulates dW, db from dy (..., out); returns dx (..., in), owned by the layer, or null when not wanted.</summary>
    public Tensor? Backward(Tensor dy, bool needInputGrad = true)
    {
        var x = input ?? throw new InvalidOperationException("Backward before Forward");
        int rows = x.Length / InFeatures;
        if (dy.Length != rows * OutFeatures) throw new ArgumentException($"dy has {dy.Length} values, expected {rows}×{OutFeatures}");
        // dW (out, in) += dyᵀ (out, R) · x (R, in)
        Gemm.Multiply(true, false, OutFeatures, InFeatures, rows, 1f, dy.Ptr, OutFeatures, x.Ptr, InFeatures, 1f, Weight.Grad.Ptr, InFeatures);
        if (Bias != null) Reduce.AddColumnSums(dy.Span, rows, OutFeatures, Bias.Grad.Span);
        if (!needInputGrad) return null;
        var dx = Workspace.EnsureLastDim(ref dInput, x, InFeatures);
        // dx (R, in) = dy (R, out) · W (out, in)
        Gemm.Multiply(false, false, rows, InFeatures, OutFeatures, 1f, dy.Ptr, OutFeatures, Weight.Value.Ptr, InFeatures, 0f, dx.Ptr, InFeatures);
        GC.KeepAlive(dy);   // the product had only its pointer (see Tensor.Ptr)
        return dx;
    }

    void CheckInput(Tensor x)
    {
        if (x.Rank == 0 || x.Dim(-1) != InFeatures)
            throw new ArgumentException($"input {x} does not end in {InFeatures} features");
    }
}
