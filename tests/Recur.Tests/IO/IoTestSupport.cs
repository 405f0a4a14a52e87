// Helpers for the file-format tests: hand-made safetensors images, and small
// modules whose state dicts carry PyTorch's names (a Linear "fc" and a batch-norm-like "bn").
using System.Buffers.Binary;
using System.Text;
using Recur.IO;
using Recur.Nn;

namespace Recur.Tests.IO;

static class Image
{
    /// <summary>A safetensors image: the header's true length, the header text, then <paramref name="dataBytes"/> bytes 0, 1, 2, ...</summary>
    public static byte[] Make(string header, int dataBytes) => Make((ulong)Encoding.UTF8.GetByteCount(header), Encoding.UTF8.GetBytes(header), dataBytes);

    /// <summary>A safetensors image whose first 8 bytes claim <paramref name="claimedLength"/>, whatever follows.</summary>
    public static byte[] Make(ulong claimedLength, byte[] header, int dataBytes)
    {
        var bytes = new byte[8 + header.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, claimedLength);
        header.CopyTo(bytes, 8);
        for (int i = 0; i < dataBytes; i++) bytes[8 + header.Length + i] = (byte)i;
        return bytes;
    }

    public static byte[] Write(IEnumerable<(string, TensorData)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var stream = new MemoryStream();
        Safetensors.Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    public static Safetensors.Contents Read(byte[] bytes) => Safetensors.Read(new MemoryStream(bytes, writable: false));

    /// <summary>The length field of an image.</summary>
    public static int HeaderLength(byte[] bytes) => checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));

    /// <summary>Asserts that two float arrays hold the same bits (so -0.0 and NaN payloads count).</summary>
    public static void SameBits(float[] expected, float[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}[{i}]: {actual[i]:R}, expected {expected[i]:R}");
    }
}

/// <summary>PyTorch's BatchNorm1d state: weight, bias, running_mean, running_var and the I64 num_batches_tracked.</summary>
sealed class ToyNorm : Module
{
    public Parameter Weight { get; }
    public Parameter Bias { get; }
    public Tensor RunningMean { get; }
    public Tensor RunningVar { get; }
    public long BatchesTracked { get; set; }

    public ToyNorm(int features)
    {
        Weight = AddParameter("weight", features);
        Bias = AddParameter("bias", features);
        RunningMean = new Tensor(features);
        RunningVar = new Tensor(features);
        AddBuffer("running_mean", RunningMean);
        AddBuffer("running_var", RunningVar);
        AddCounter("num_batches_tracked", () => BatchesTracked, v => BatchesTracked = v);
    }
}

/// <summary>Sequential(fc=Linear(3, 2), bn=BatchNorm1d(2)) as PyTorch names it, filled from a seed.</summary>
sealed class ToyNet : Module
{
    public Linear Fc { get; }
    public ToyNorm Bn { get; }

    public ToyNet(ulong seed, int outFeatures = 2)
    {
        var rng = new Rng(seed);
        Fc = AddChild("fc", new Linear(3, outFeatures, rng));
        Bn = AddChild("bn", new ToyNorm(outFeatures));
        rng.FillUniform(Bn.Weight.Value.Span, -1, 1);
        rng.FillUniform(Bn.Bias.Value.Span, -1, 1);
        rng.FillUniform(Bn.RunningMean.Span, -1, 1);
        rng.FillUniform(Bn.RunningVar.Span, 0.5f, 2);
        Bn.BatchesTracked = (long)(seed % 1000) + 1;
    }

    /// <summary>A name-to-values snapshot of the state dict, for before/after comparisons.</summary>
    public Dictionary<string, string> Snapshot() =>
        StateDict().ToDictionary(s => s.Name, s => string.Join(",", s.Data.Floats?.Select(v => BitConverter.SingleToInt32Bits(v).ToString()) ?? s.Data.Longs!.Select(v => v.ToString())));
}

/// <summary>A stream that claims to be <see cref="Length"/> bytes long but holds only its first bytes, then zeros.</summary>
sealed class ClaimingStream(byte[] start, long length) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get; set; }
    public long MostRequested { get; private set; }

    public override int Read(byte[] buffer, int offset, int count)
    {
        MostRequested = Math.Max(MostRequested, count);
        int n = (int)Math.Min(count, Math.Max(0, length - Position));
        for (int i = 0; i < n; i++) buffer[offset + i] = Position + i < start.Length ? start[Position + i] : (byte)0;
        Position += n;
        return n;
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset, SeekOrigin.Current => Position + offset, _ => length + offset,
    };
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
