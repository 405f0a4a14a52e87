// SGEMM, row-major: C (M, N) = alpha · op(A) (M, K) · op(B) (K, N) + beta · C.
// Goto/BLIS blocking: for each NC column block and KC depth block, B is packed (or taken pre-packed),
// then for each MC row block A is packed, and the micro-kernel sweeps NR-column strips (kept in L1)
// over MR-row strips (the A block stays in L2). Threads split the columns (or the rows, when there are
// few columns); no thread ever splits K, so each element's sum runs in one fixed order and results are
// the same for any thread count and for any row position.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Recur.Kernels;

/// <summary>Blocked, packed, vectorised and parallel float32 matrix multiply.</summary>
public static unsafe class Gemm
{
    /// <summary>Depth of one packed block; also the length of each element's uninterrupted FMA chain.</summary>
    public const int KC = 512;
    const int MCRows = 96;
    const int NC = 4096;
    /// <summary>Below this many multiply-adds a call runs on one thread.</summary>
    const long ParallelThreshold = 1 << 20;
    const long GemvParallelThreshold = 1 << 18;

    internal static readonly int MR, NR;
    static readonly delegate*<int, float*, float*, float*, int, float, float, void> kernel;
    // Fewer rows than MR: 4 rows (AVX-512, AVX2), 1 row and 1 row over 4 column strips (a GEMV; all but scalar).
    static readonly delegate*<int, float*, int, float*, float*, int, float, float, void> rows4, row1;
    static readonly delegate*<int, float*, int, float*, long, float*, float, float, void> row1x4;
    // A last strip of at most NR/2 columns (AVX-512, AVX2): its first half only.
    static readonly delegate*<int, float*, float*, float*, int, float, float, void> half;
    internal static readonly string KernelName;

    /// <summary>Which micro-kernel this machine uses, e.g. "avx512 8x32".</summary>
    public static string Describe() => KernelName;

    static Gemm()
    {
        if (Vector512.IsHardwareAccelerated)
        {
            MR = 8; NR = 32; kernel = &GemmKernels.Kernel512; KernelName = "avx512 8x32";
            rows4 = &GemmKernels.Kernel512x4; row1 = &GemmKernels.Kernel512x1; row1x4 = &GemmKernels.Kernel512x1x4;
            half = &GemmKernels.Kernel512Half;
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            MR = 6; NR = 16; kernel = &GemmKernels.Kernel256; KernelName = "avx2 6x16";
            rows4 = &GemmKernels.Kernel256x4; row1 = &GemmKernels.Kernel256x1; row1x4 = &GemmKernels.Kernel256x1x4;
            half = &GemmKernels.Kernel256Half;
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            MR = 4; NR = 8; kernel = &GemmKernels.Kernel128; KernelName = "128-bit 4x8";
            row1 = &GemmKernels.Kernel128x1; row1x4 = &GemmKernels.Kernel128x1x4;   // MR is 4: no 4-row remainder
        }
        else { MR = 4; NR = 4; kernel = &GemmKernels.KernelScalar; KernelName = "scalar 4x4"; }
    }

    static int MC => MCRows / MR * MR;

    /// <summary>One MR×NR tile over depth kc from packed strips, C = A·B (benchmarks: the kernel's own speed).</summary>
    internal static void RunKernel(int kc, float* a, float* b, float* c, int ldc) => kernel(kc, a, b, c, ldc, 1f, 0f);

    /// <summary>True when the small-row kernels exist for this width (all but scalar).</summary>
    static bool Small => row1 != null;

    /// <summary>C = alpha·op(A)·op(B) + beta·C over raw pointers (no bounds checks; see the span overload).</summary>
    /// <param name="transA">A is stored (K, M) with row stride lda, instead of (M, K).</param>
    /// <param name="transB">B is stored (N, K) with row stride ldb, instead of (K, N) — a PyTorch weight (out, in).</param>
    /// <remarks>When beta is 0, C is not read (NaN or garbage in C does not propagate).</remarks>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) { Scale(m, n, beta, c, ldc); return; }
        var job = Job.ForThisThread;
        job.Set(transA, a, lda, transB, b, ldb, null, m, n, k, alpha, beta, null, c, ldc);
        job.Execute();
    }

    /// <summary>
    /// C = alpha·op(A)·op(B) + bias, the bias (N) added to every row; with a null bias, + 0. C is not read. The same
    /// bits as filling C's rows with the bias and multiplying with beta 1, without that pass over all of C: each
    /// tile gets its bias just before the kernel reads it (a word model's (700, 10,000) logits: 28 MB less written
    /// and read back).
    /// </summary>
    public static void MultiplyPlusBias(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float* bias, float* c, int ldc)
    {
        if (m <= 0 || n <= 0) return;
        if (k <= 0) { FillRows(m, n, bias, c, ldc); return; }
        var job = Job.ForThisThread;
        job.Set(transA, a, lda, transB, b, ldb, null, m, n, k, alpha, bias != null ? 1f : 0f, bias, c, ldc);
        job.Execute();
    }

    /// <summary><see cref="MultiplyPlusBias(bool,bool,int,int,int,float,float*,int,float*,int,float*,float*,int)"/> with B packed ahead of time.</summary>
    public static void MultiplyPlusBias(bool transA, int m, float alpha, float* a, int lda, PackedMatrix b, float* bias, float* c, int ldc)
    {
        if (b.NR != NR) throw new InvalidOperationException("packed matrix was built for another kernel");
        if (m <= 0 || b.N <= 0) return;
        if (b.K <= 0) { FillRows(m, b.N, bias, c, ldc); return; }
        var job = Job.ForThisThread;
        job.Set(transA, a, lda, false, null, 0, b, m, b.N, b.K, alpha, bias != null ? 1f : 0f, bias, c, ldc);
        job.Execute();
    }

    /// <summary>C = alpha·op(A)·B + beta·C with B packed ahead of time (reused across calls, e.g. W_hh over time steps).</summary>
    public static void Multiply(bool transA, int m, float alpha, float* a, int lda, PackedMatrix b, float beta, float* c, int ldc)
    {
        if (b.NR != NR) throw new InvalidOperationException("packed matrix was built for another kernel");
        if (m <= 0 || b.N <= 0) return;
        if (b.K <= 0) { Scale(m, b.N, beta, c, ldc); return; }
        var job = Job.ForThisThread;
        job.Set(transA, a, lda, false, null, 0, b, m, b.N, b.K, alpha, beta, null, c, ldc);
        job.Execute();
    }

    /// <summary>Bounds-checked form of <see cref="Multiply(bool,bool,int,int,int,float,float*,int,float*,int,float,float*,int)"/>.</summary>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        CheckOperand("A", a.Length, transA ? k : m, transA ? m : k, lda);
        CheckOperand("B", b.Length, transB ? n : k, transB ? k : n, ldb);
        CheckOperand("C", c.Length, m, n, ldc);
        fixed (float* pa = a, pb = b, pc = c)
            Multiply(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }

    internal static void CheckOperand(string name, int length, int rows, int cols, int ld)
    {
        if (rows < 0 || cols < 0) throw new ArgumentException($"{name}: negative dimension");
        if (rows == 0 || cols == 0) return;
        if (ld < cols) throw new ArgumentException($"{name}: leading dimension {ld} is less than its {cols} columns");
        if ((long)(rows - 1) * ld + cols > length)
            throw new ArgumentException($"{name}: ({rows}, {cols}) with stride {ld} needs {(long)(rows - 1) * ld + cols} elements, has {length}");
    }

    /// <summary>Every row of C (m, n) = bias (n), or 0 without one: MultiplyPlusBias with k = 0.</summary>
    internal static void FillRows(int m, int n, float* bias, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, n);
            if (bias == null) row.Clear();
            else new ReadOnlySpan<float>(bias, n).CopyTo(row);
        }
    }

    static void Scale(int m, int n, float beta, float* c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            var row = new Span<float>(c + (long)i * ldc, n);
            if (beta == 0) row.Clear();
            else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(row, beta, row);
        }
    }

    /// <summary>One GEMM call's arguments, split into parts over the worker pool.</summary>
    sealed class Job : IParallelWork
    {
        [ThreadStatic] static Job? current;
        public static Job ForThisThread => current ??= new Job();

        bool transA, transB;
        float* a, b, c, bias;
        int lda, ldb, ldc, m, n, k, parts;
        float alpha, beta;
        PackedMatrix? packed;
        bool splitRows;

        public void Set(bool transA, float* a, int lda, bool transB, float* b, int ldb, PackedMatrix? packed,
            int m, int n, int k, float alpha, float beta, float* bias, float* c, int ldc)
        {
            this.transA = transA; this.a = a; this.lda = lda;
            this.transB = transB; this.b = b; this.ldb = ldb; this.packed = packed;
            this.m = m; this.n = n; this.k = k; this.alpha = alpha; this.beta = beta;
            this.bias = bias; this.c = c; this.ldc = ldc;
        }

        public void Execute()
        {
            // A few rows (sampling) stream B from memory and reuse nothing: splitting its columns pays
            // from a quarter of the threshold (GRU 3×512 sampling at batch 1: 4,244 → 7,554 chars/s).
            bool streaming = m <= 4 && (long)n * k >= GemvParallelThreshold;
            int threads = (long)m * n * k < ParallelThreshold && !streaming ? 1 : Workers.Count;
            int rowStrips = (m + MR - 1) / MR, colStrips = (n + NR - 1) / NR;
            // Each thread packs the whole of the operand it does not split, so split the longer side:
            // rows when M > N (the thread packs all of B, K×N, and its share of A), else columns.
            splitRows = rowStrips >= threads && (m > n || colStrips < threads);
            parts = Math.Max(1, Math.Min(threads, splitRows ? rowStrips : colStrips));
            if (parts == 1) Run(0);
            else Workers.Run(this, parts);
            packed = null;
            bias = null;
        }

        public void Run(int part)
        {
            int strips = splitRows ? (m + MR - 1) / MR : (n + NR - 1) / NR;
            int s0 = (int)((long)strips * part / parts), s1 = (int)((long)strips * (part + 1) / parts);
            if (splitRows) Block(s0 * MR, Math.Min(m, s1 * MR), 0, n);
            else Block(0, m, s0 * NR, Math.Min(n, s1 * NR));
        }

        /// <summary>C[i0..i1, j0..j1] for the whole depth.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Block(int i0, int i1, int j0, int j1)
        {
            var scratch = Scratch.ForThisThread;
            int mc = MC;
            for (int jc = j0; jc < j1; jc += NC)
            {
                int nc = Math.Min(NC, j1 - jc);
                for (int pc = 0; pc < k; pc += KC)
                {
                    int kc = Math.Min(KC, k - pc);
                    float betaBlock = pc == 0 ? beta : 1f;
                    // The first depth block starts each tile from the bias (beta is then 1).
                    float* biasBlock = pc == 0 && bias != null ? bias + jc : null;
                    float* bp;
                    if (packed != null) bp = packed.Strip(pc, jc);
                    else
                    {
                        bp = scratch.B(kc * RoundUp(nc, NR));
                        GemmPack.PackB(transB, b, ldb, pc, kc, jc, nc, NR, bp);
                    }
                    for (int ic = i0; ic < i1; ic += mc)
                    {
                        int mcur = Math.Min(mc, i1 - ic);
                        if (mcur == 1 && Small)
                        {
                            // One row (sampling): the kernels read A in place, no packing.
                            float* row = transA ? a + (long)pc * lda + ic : a + (long)ic * lda + pc;
                            OneRow(scratch.Tile, row, transA ? lda : 1, bp, nc, kc, c + (long)ic * ldc + jc, betaBlock, biasBlock);
                            continue;
                        }
                        float* ap = scratch.A(kc * RoundUp(mcur, MR));
                        GemmPack.PackA(transA, a, lda, ic, mcur, pc, kc, MR, ap);
                        Sweep(scratch, ap, bp, mcur, nc, kc, c + (long)ic * ldc + jc, betaBlock, biasBlock);
                    }
                }
            }
        }

        /// <summary>C row (1, nc) over depth kc with A's row read in place at <paramref name="row"/>, element stride <paramref name="stride"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void OneRow(float* tile, float* row, int stride, float* bp, int nc, int kc, float* cRow, float betaBlock, float* biasBlock)
        {
            if (biasBlock != null) new ReadOnlySpan<float>(biasBlock, nc).CopyTo(new Span<float>(cRow, nc));
            int jr = 0;
            // Four strips per call: four times the independent FMA chains of the one-strip kernel.
            for (; jr + 4 * NR <= nc; jr += 4 * NR)
                row1x4(kc, row, stride, bp + jr * kc, (long)NR * kc, cRow + jr, alpha, betaBlock);
            for (; jr + NR <= nc; jr += NR)
                row1(kc, row, stride, bp + jr * kc, cRow + jr, ldc, alpha, betaBlock);
            if (jr == nc) return;
            // The last partial strip: the one-row kernel into the scratch tile (not an MR-row tile of which one row
            // exists: a vocabulary of 65 leaves 1 column, 8 rows × 16 of work for it), then the columns that exist.
            row1(kc, row, stride, bp + jr * kc, tile, NR, 1f, 0f);
            Store(tile, 1, nc - jr, cRow + jr, betaBlock);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Sweep(Scratch scratch, float* ap, float* bp, int mc, int nc, int kc, float* cBlock, float betaBlock, float* biasBlock)
        {
            for (int jr = 0; jr < nc; jr += NR)
            {
                int nr = Math.Min(NR, nc - jr);
                float* bStrip = bp + jr * kc;
                for (int ir = 0; ir < mc; ir += MR)
                {
                    int mr = Math.Min(MR, mc - ir);
                    float* cTile = cBlock + (long)ir * ldc + jr;
                    if (biasBlock != null)
                        for (int i = 0; i < mr; i++) new ReadOnlySpan<float>(biasBlock + jr, nr).CopyTo(new Span<float>(cTile + (long)i * ldc, nr));
                    if (mr == MR && nr == NR) kernel(kc, ap + ir * kc, bStrip, cTile, ldc, alpha, betaBlock);
                    else if (nr == NR && Small) SmallRows(scratch.Tile, ap + ir * kc, bStrip, kc, mr, cTile, betaBlock);
                    else EdgeTile(scratch.Tile, ap + ir * kc, bStrip, kc, mr, nr, cTile, betaBlock);
                }
            }
        }

        /// <summary>
        /// Fewer than MR rows of full width: 4-row and 1-row kernels. A last 2 or 3 rows run as the 4-row kernel
        /// over the strip's padding into the scratch tile (its 8 accumulators hide the FMA latency that a 1-row
        /// kernel's 2 expose), and only the rows that exist are stored, with the kernels' own store arithmetic.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void SmallRows(float* tile, float* ap, float* bp, int kc, int mr, float* cTile, float betaBlock)
        {
            int i = 0;
            for (; i + 4 <= mr; i += 4) rows4(kc, ap + i, MR, bp, cTile + (long)i * ldc, ldc, alpha, betaBlock);
            if (mr - i >= 2 && i + 4 <= MR && rows4 != null)
            {
                rows4(kc, ap + i, MR, bp, tile, NR, 1f, 0f);
                Store(tile, mr - i, NR, cTile + (long)i * ldc, betaBlock);
                return;
            }
            for (; i < mr; i++) row1(kc, ap + i, MR, bp, cTile + (long)i * ldc, ldc, alpha, betaBlock);
        }

        /// <summary>C (rows, cols) = alpha·tile (+ beta·C), tile rows NR apart: what the kernels' stores compute.</summary>
        void Store(float* tile, int rows, int cols, float* cTile, float betaBlock)
        {
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                {
                    float v = alpha * tile[i * NR + j];
                    float* ct = cTile + (long)i * ldc + j;
                    *ct = betaBlock != 0 ? Mad.Of(betaBlock, *ct, v) : v;
                }
        }

        /// <summary>
        /// A partial tile: its sums into scratch (half a strip's when that covers it), then the valid part with the
        /// same store arithmetic; all rows of exactly half a strip (a hidden size of 16) go straight to C.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void EdgeTile(float* tile, float* ap, float* bp, int kc, int mr, int nr, float* cTile, float betaBlock)
        {
            bool halfWide = half != null && nr <= NR / 2;
            if (halfWide && mr == MR && nr == NR / 2) { half(kc, ap, bp, cTile, ldc, alpha, betaBlock); return; }
            if (halfWide) half(kc, ap, bp, tile, NR, 1f, 0f);
            else kernel(kc, ap, bp, tile, NR, 1f, 0f);
            Store(tile, mr, nr, cTile, betaBlock);
        }
    }

    internal static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    /// <summary>Per-thread packing buffers, grown on demand and then reused.</summary>
    sealed class Scratch
    {
        [ThreadStatic] static Scratch? current;
        public static Scratch ForThisThread => current ??= new Scratch();

        float[] a = [], b = [];
        public readonly float* Tile;
        readonly float[] tile;

        Scratch()
        {
            tile = Tensor.AllocatePinned(MR * NR);
            Tile = Pin(tile);
        }

        public float* A(int length) => Pin(Grow(ref a, length));
        public float* B(int length) => Pin(Grow(ref b, length));

        static float[] Grow(ref float[] buffer, int length)
        {
            if (buffer.Length < length) buffer = Tensor.AllocatePinned(Math.Max(length, buffer.Length * 2));
            return buffer;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        static float* Pin(float[] array) => (float*)Unsafe.AsPointer(ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(array));
    }
}
