// Seeded random numbers for everything stochastic in Recur (init, dropout, shuffling, sampling).
// xoshiro256** seeded through splitmix64: fast, well tested, and its whole state is four words,
// so a checkpoint can save it and a resumed run draws exactly the numbers an uninterrupted one would.
namespace Recur;

/// <summary>A deterministic random generator whose state can be saved and restored.</summary>
public sealed class Rng
{
    ulong s0, s1, s2, s3;

    /// <summary>A generator seeded with <paramref name="seed"/>: the same seed always gives the same stream.</summary>
    public Rng(ulong seed)
    {
        ulong x = seed;
        s0 = SplitMix(ref x); s1 = SplitMix(ref x); s2 = SplitMix(ref x); s3 = SplitMix(ref x);
    }

    /// <summary>The generator's full state (for checkpoints).</summary>
    public ulong[] State
    {
        get => [s0, s1, s2, s3];
        set
        {
            if (value.Length != 4 || (value[0] | value[1] | value[2] | value[3]) == 0)
                throw new ArgumentException("an Rng state is four words, not all zero");
            (s0, s1, s2, s3) = (value[0], value[1], value[2], value[3]);
        }
    }

    /// <summary>A new generator seeded from this one (for independent streams).</summary>
    public Rng Fork() => new(NextUInt64());

    /// <summary>The next 64 random bits (xoshiro256**).</summary>
    public ulong NextUInt64()
    {
        ulong result = RotateLeft(s1 * 5, 7) * 9;
        ulong t = s1 << 17;
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3;
        s2 ^= t;
        s3 = RotateLeft(s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 random bits.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n), without modulo bias.</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), $"NextInt({n}): n must be at least 1 (the draw is in [0, n))");
        ulong bound = (ulong)n;
        ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong r;
        do r = NextUInt64(); while (r >= limit);
        return (int)(r % bound);
    }

    /// <summary>Standard normal sample (Box-Muller, one value per call).</summary>
    public double NextNormal()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Fills <paramref name="x"/> with U(<paramref name="low"/>, <paramref name="high"/>) draws, in order.</summary>
    public void FillUniform(Span<float> x, float low, float high)
    {
        for (int i = 0; i < x.Length; i++) x[i] = low + (high - low) * NextFloat();
    }

    /// <summary>Fills <paramref name="x"/> with N(<paramref name="mean"/>, <paramref name="std"/>²) draws, in order.</summary>
    public void FillNormal(Span<float> x, float mean, float std)
    {
        for (int i = 0; i < x.Length; i++) x[i] = (float)(mean + std * NextNormal());
    }

    /// <summary>Fisher-Yates shuffle.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));
}
