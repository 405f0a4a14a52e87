// Batch normalisation, PyTorch's nn.BatchNorm1d(C): y = (x - μ_c)/√(σ²_c + ε) · w_c + b_c per channel c.
// Shapes: x and y (N, C) or (N, C, L); "weight" w (C), "bias" b (C); buffers "running_mean" (C),
// "running_var" (C) and the int64 counter "num_batches_tracked". Channel c's statistics run over the
// M = N·L values x[n, c, l]. Training normalises with the batch mean and biased variance and updates the
// running stats with the unbiased variance (M/(M-1)); evaluation normalises with the running stats.
namespace Recur.Nn;

/// <summary>
/// nn.BatchNorm1d over (N, C) or (N, C, L). Init as PyTorch: weight 1, bias 0, running mean 0, running var 1.
/// Always affine and tracking running stats (PyTorch's defaults).
/// </summary>
public sealed class BatchNorm1d : Module
{
    /// <summary>C, the number of channels.</summary>
    public int NumFeatures { get; }
    /// <summary>ε added to the variance (PyTorch's eps, default 1e-5).</summary>
    public float Eps { get; }
    /// <summary>Weight of the newest batch in the running stats (default 0.1); null for a cumulative average, as PyTorch's momentum=None.</summary>
    public float? Momentum { get; }
    /// <summary>"weight", (C), the per-channel scale w.</summary>
    public Parameter Weight { get; }
    /// <summary>"bias", (C), the per-channel shift b.</summary>
    public Parameter Bias { get; }
    /// <summary>"running_mean", (C).</summary>
    public Tensor RunningMean { get; }
    /// <summary>"running_var", (C), an average of unbiased batch variances.</summary>
    public Tensor RunningVar { get; }
    /// <summary>"num_batches_tracked" (int64): training forward passes so far.</summary>
    public long NumBatchesTracked { get; set; }

    readonly float[] mean;     // (C) μ used by the last Forward: the batch mean in training, running mean in eval
    readonly float[] invStd;   // (C) 1/√(σ² + ε) used by the last Forward
    readonly double[] sumA;    // (C) scratch: Σ x, then Σ dy
    readonly double[] sumB;    // (C) scratch: Σ (x - μ)², then Σ dy·x̂
    Tensor? xHat;              // (N, C[, L]) normalised input x̂ = (x - μ)·invStd, kept for backward
    Tensor? output;            // (N, C[, L])
    Tensor? dInput;            // (N, C[, L])
    int batch, length;         // N and L of the last Forward
    bool usedBatchStats;       // whether the last Forward normalised with batch statistics (training)

    /// <summary>nn.BatchNorm1d(<paramref name="numFeatures"/>, eps, momentum); throws ArgumentOutOfRangeException for C ≤ 0, ε ≤ 0 or a momentum outside [0, 1].</summary>
    public BatchNorm1d(int numFeatures, float eps = 1e-5f, float? momentum = 0.1f)
    {
        if (numFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(numFeatures), "num_features must be positive");
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), $"eps {eps} must be positive");
        if (momentum is float m && !(m >= 0f && m <= 1f)) throw new ArgumentOutOfRangeException(nameof(momentum), $"momentum {m} must be in [0, 1]");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        Weight = AddParameter("weight", numFeatures);
        Bias = AddParameter("bias", numFeatures);
        Weight.Value.Span.Fill(1f);
        RunningMean = new Tensor(numFeatures);
        RunningVar = new Tensor(numFeatures);
        RunningVar.Span.Fill(1f);
        AddBuffer("running_mean", RunningMean);
        AddBuffer("running_var", RunningVar);
        AddCounter("num_batches_tracked", () => NumBatchesTracked, v => NumBatchesTracked = v);
        mean = new float[numFeatures];
        invStd = new float[numFeatures];
        sumA = new double[numFeatures];
        sumB = new double[numFeatures];
    }

    /// <summary>
    /// y from x, both (N, C) or (N, C, L), owned by the layer until the next call. In training this uses the
    /// batch statistics and updates the running stats and num_batches_tracked; in eval it uses the running stats.
    /// </summary>
    public Tensor Forward(Tensor x)
    {
        int c = NumFeatures;
        if (x.Rank is not (2 or 3) || x.Dim(1) != c)
            throw new ArgumentException($"BatchNorm1d({c}) expects (N, {c}) or (N, {c}, L), got {Tensor.ShapeString(x.Shape)}");
        int n = x.Dim(0), l = x.Rank == 3 ? x.Dim(2) : 1, m = n * l;
        usedBatchStats = Training;
        if (Training)
        {
            if (m <= 1) throw new ArgumentException($"BatchNorm1d needs more than one value per channel in training, got {Tensor.ShapeString(x.Shape)}");
            BatchStatistics(x.Span, n, l);
        }
        else
        {
            for (int j = 0; j < c; j++)
            {
                mean[j] = RunningMean[j];
                invStd[j] = (float)(1.0 / Math.Sqrt((double)RunningVar[j] + Eps));
            }
        }
        batch = n;
        length = l;
        var xh = Workspace.EnsureShape(ref xHat, x.Shape);
        var y = Workspace.EnsureShape(ref output, x.Shape);
        ReadOnlySpan<float> xs = x.Span, w = Weight.Value.Span, b = Bias.Value.Span;
        Span<float> xhs = xh.Span, ys = y.Span;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < c; j++)
            {
                int row = (i * c + j) * l;
                for (int k = row; k < row + l; k++)
                {
                    float v = (xs[k] - mean[j]) * invStd[j];
                    xhs[k] = v;
                    ys[k] = v * w[j] + b[j];
                }
            }
        return y;
    }

    /// <summary>
    /// Accumulates dw, db from dy (shaped as the last input); returns dx, owned by the layer, or null when not
    /// wanted. After a training Forward the gradient flows through the batch mean and variance too.
    /// </summary>
    public Tensor? Backward(Tensor dy, bool needInputGrad = true)
    {
        var xh = xHat ?? throw new InvalidOperationException("Backward before Forward");
        if (!dy.SameShape(xh)) throw new ArgumentException($"dy is {Tensor.ShapeString(dy.Shape)}, expected {Tensor.ShapeString(xh.Shape)}");
        int n = batch, c = NumFeatures, l = length, m = n * l;
        ReadOnlySpan<float> dys = dy.Span, xhs = xh.Span, w = Weight.Value.Span;
        Array.Clear(sumA);
        Array.Clear(sumB);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < c; j++)
            {
                int row = (i * c + j) * l;
                for (int k = row; k < row + l; k++)
                {
                    sumA[j] += dys[k];
                    sumB[j] += (double)dys[k] * xhs[k];
                }
            }
        // y = x̂·w + b  =>  db += Σ dy, dw += Σ dy·x̂
        Span<float> dw = Weight.Grad.Span, db = Bias.Grad.Span;
        for (int j = 0; j < c; j++)
        {
            dw[j] += (float)sumB[j];
            db[j] += (float)sumA[j];
        }
        if (!needInputGrad) return null;

        var dx = Workspace.EnsureShape(ref dInput, xh.Shape);
        Span<float> dxs = dx.Span;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < c; j++)
            {
                int row = (i * c + j) * l;
                float scale = w[j] * invStd[j];
                if (usedBatchStats)
                {
                    // x̂ = (x - μ)·s with μ, s from the batch  =>  dx = w·s·(dy - mean(dy) - x̂·mean(dy·x̂))
                    float meanDy = (float)(sumA[j] / m), meanDyXh = (float)(sumB[j] / m);
                    for (int k = row; k < row + l; k++) dxs[k] = scale * (dys[k] - meanDy - xhs[k] * meanDyXh);
                }
                else
                {
                    // x̂ = (x - running_mean)·s, constants  =>  dx = w·s·dy
                    for (int k = row; k < row + l; k++) dxs[k] = scale * dys[k];
                }
            }
        return dx;
    }

    /// <summary>Sets mean and invStd from the batch (two passes in double) and updates the running stats.</summary>
    void BatchStatistics(ReadOnlySpan<float> x, int n, int l)
    {
        int c = NumFeatures, m = n * l;
        Array.Clear(sumA);
        Array.Clear(sumB);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < c; j++)
                for (int k = (i * c + j) * l, end = k + l; k < end; k++) sumA[j] += x[k];
        for (int j = 0; j < c; j++) sumA[j] /= m;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < c; j++)
                for (int k = (i * c + j) * l, end = k + l; k < end; k++)
                {
                    double d = x[k] - sumA[j];
                    sumB[j] += d * d;
                }
        NumBatchesTracked++;
        double factor = Momentum ?? 1.0 / NumBatchesTracked;
        Span<float> runMean = RunningMean.Span, runVar = RunningVar.Span;
        for (int j = 0; j < c; j++)
        {
            double mu = sumA[j], biased = sumB[j] / m, unbiased = sumB[j] / (m - 1);
            mean[j] = (float)mu;
            invStd[j] = (float)(1.0 / Math.Sqrt(biased + Eps));
            runMean[j] = (float)((1 - factor) * runMean[j] + factor * mu);
            runVar[j] = (float)((1 - factor) * runVar[j] + factor * unbiased);
        }
    }
}
