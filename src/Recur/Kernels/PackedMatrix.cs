// op(B) (K, N) packed once for the GEMM micro-kernel and reused across many multiplies — the
// recurrent weight W_hh is multiplied at every time step, so it is packed once per forward pass.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Recur.Kernels;

/// <summary>A right-hand GEMM operand in the packed layout: for each KC depth block, NR-column strips.</summary>
public sealed unsafe class PackedMatrix
{
    /// <summary>K, the depth (rows of op(B)) of the last packed matrix; 0 before the first Pack.</summary>
    public int K { get; private set; }
    /// <summary>N, the columns of op(B) of the last packed matrix.</summary>
    public int N { get; private set; }
    internal readonly int NR = Gemm.NR;
    float[] data = [];

    /// <summary>Packs op(B), (K, N); transB means B is stored (N, K) with row stride ldb.</summary>
    public void Pack(bool transB, int k, int n, float* b, int ldb)
    {
        K = k; N = n;
        int width = Gemm.RoundUp(n, NR);
        long length = (long)k * width;
        if (length > int.MaxValue) throw new ArgumentException("matrix too large to pack");
        if (data.Length < length) data = Tensor.AllocatePinned((int)length);
        for (int pc = 0; pc < k; pc += Gemm.KC)
        {
            int kc = Math.Min(Gemm.KC, k - pc);
            GemmPack.PackB(transB, b, ldb, pc, kc, 0, n, NR, Base + (long)pc * width);
        }
    }

    /// <summary>Packs a weight stored as PyTorch does, (out = N, in = K), for x·Wᵀ.</summary>
    public void PackTransposed(Tensor weight)
    {
        Pack(true, weight.Dim(1), weight.Dim(0), weight.Ptr, weight.Dim(1));
        GC.KeepAlive(weight);   // Pack had only its pointer (see Tensor.Ptr)
    }

    /// <summary>The strip holding column j (a multiple of NR) in the depth block starting at pc.</summary>
    internal float* Strip(int pc, int j)
    {
        int kc = Math.Min(Gemm.KC, K - pc);
        return Base + (long)pc * Gemm.RoundUp(N, NR) + (long)j * kc;
    }

    float* Base => (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(data));
}
