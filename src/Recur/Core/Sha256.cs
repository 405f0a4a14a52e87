// SHA-256 (FIPS 180-4) in managed code. .NET's own SHA-256 calls the platform's crypto library (OpenSSL on
// Linux), and where that library is missing — a minimal container, a bare Arm board — the process aborts
// before any exception can be caught. The corpus fingerprint needs no security, but it must stay SHA-256:
// saved runs hold it as hex and resuming compares against it.
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Recur;

/// <summary>Incremental SHA-256: <see cref="Append"/> any number of times, then <see cref="Hash"/> once.</summary>
sealed class Sha256
{
    // K: the first 32 bits of the fractional parts of the cube roots of the first 64 primes; H0: of the
    // square roots of the first 8 (the standard's definition). Computed exactly in integers at start-up.
    static readonly uint[] K = RootBits(64, 3);
    static readonly uint[] H0 = RootBits(8, 2);

    readonly uint[] h = (uint[])H0.Clone();
    readonly byte[] block = new byte[64];
    int filled;
    ulong length;
    bool done;

    public void Append(ReadOnlySpan<byte> data)
    {
        if (done) throw new InvalidOperationException("the hash has already been taken");
        length += (ulong)data.Length;
        if (filled > 0)
        {
            int take = Math.Min(64 - filled, data.Length);
            data[..take].CopyTo(block.AsSpan(filled));
            filled += take;
            data = data[take..];
            if (filled < 64) return;
            Compress(block);
            filled = 0;
        }
        for (; data.Length >= 64; data = data[64..]) Compress(data[..64]);
        data.CopyTo(block);
        filled = data.Length;
    }

    /// <summary>The 32-byte digest of everything appended.</summary>
    public byte[] Hash()
    {
        if (done) throw new InvalidOperationException("the hash has already been taken");
        ulong bits = length * 8;
        // Padding: a 1 bit, zeros to 56 mod 64 bytes, then the message length in bits, big-endian.
        Span<byte> pad = stackalloc byte[72];
        pad.Clear();
        pad[0] = 0x80;
        int zeros = (55 - filled) & 63;
        BinaryPrimitives.WriteUInt64BigEndian(pad.Slice(1 + zeros, 8), bits);
        Append(pad[..(1 + zeros + 8)]);
        done = true;
        var digest = new byte[32];
        for (int i = 0; i < 8; i++) BinaryPrimitives.WriteUInt32BigEndian(digest.AsSpan(4 * i), h[i]);
        return digest;
    }

    /// <summary>The digest of one buffer.</summary>
    public static byte[] Of(ReadOnlySpan<byte> data)
    {
        var sha = new Sha256();
        sha.Append(data);
        return sha.Hash();
    }

    // One 64-byte block into the state; the message schedule w lives on the stack. ~240 MB/s on Zen 5 (OpenSSL,
    // with x86's SHA instructions, which .NET does not expose: ~1.5 GB/s).
    unsafe void Compress(ReadOnlySpan<byte> chunk)
    {
        uint* w = stackalloc uint[64];
        fixed (byte* m = chunk)
            for (int t = 0; t < 16; t++) w[t] = BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<uint>(m + 4 * t));
        for (int t = 16; t < 64; t++)
        {
            uint x = w[t - 15], y = w[t - 2];
            uint s0 = BitOperations.RotateRight(x, 7) ^ BitOperations.RotateRight(x, 18) ^ (x >> 3);
            uint s1 = BitOperations.RotateRight(y, 17) ^ BitOperations.RotateRight(y, 19) ^ (y >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        uint a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        fixed (uint* k = K)
            for (int t = 0; t < 64; t += 8)
            {
                // Eight rounds with the variables renamed in place of the standard's shuffle of all eight.
                Round(a, b, c, ref d, e, f, g, ref hh, k[t] + w[t]);
                Round(hh, a, b, ref c, d, e, f, ref g, k[t + 1] + w[t + 1]);
                Round(g, hh, a, ref b, c, d, e, ref f, k[t + 2] + w[t + 2]);
                Round(f, g, hh, ref a, b, c, d, ref e, k[t + 3] + w[t + 3]);
                Round(e, f, g, ref hh, a, b, c, ref d, k[t + 4] + w[t + 4]);
                Round(d, e, f, ref g, hh, a, b, ref c, k[t + 5] + w[t + 5]);
                Round(c, d, e, ref f, g, hh, a, ref b, k[t + 6] + w[t + 6]);
                Round(b, c, d, ref e, f, g, hh, ref a, k[t + 7] + w[t + 7]);
            }
        h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }

    // One round: d += T1 becomes the next e, h = T1 + T2 becomes the next a.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Round(uint a, uint b, uint c, ref uint d, uint e, uint f, uint g, ref uint h, uint kw)
    {
        uint t1 = h + (BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25))
            + (((f ^ g) & e) ^ g) + kw;
        uint t2 = (BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22))
            + (((a | b) & c) | (a & b));
        d += t1;
        h = t1 + t2;
    }

    /// <summary>For each of the first <paramref name="count"/> primes p, the 32 bits after the binary point of
    /// p^(1/<paramref name="degree"/>): the largest x with x^degree ≤ p·2^(32·degree), modulo 2^32.</summary>
    static uint[] RootBits(int count, int degree)
    {
        var bits = new uint[count];
        int found = 0;
        for (int p = 2; found < count; p++)
        {
            bool prime = true;
            for (int q = 2; q * q <= p; q++) if (p % q == 0) { prime = false; break; }
            if (!prime) continue;
            var target = (UInt128)(ulong)p << (32 * degree);
            ulong lo = 0, hi = 1UL << 36;   // the root of a prime below 2^9 with 32 fractional bits stays below 2^36
            while (lo < hi)
            {
                ulong mid = lo + (hi - lo + 1) / 2;
                UInt128 power = degree == 2 ? (UInt128)mid * mid : (UInt128)mid * mid * mid;
                if (power <= target) lo = mid; else hi = mid - 1;
            }
            bits[found++] = (uint)lo;
        }
        return bits;
    }
}
