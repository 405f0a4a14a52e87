// Files written by PyTorch through tools/reference/st.py (regenerate with tools/reference/formats.py):
// every dtype Recur reads converts to float32 exactly as PyTorch's .float() does, I64 stays exact,
// metadata (unicode included) survives, and a PyTorch state_dict loads into a Recur module by name.
using System.Text.Json;
using Recur.IO;
using Recur.Tests.Support;

namespace Recur.Tests.IO;

public class PythonFixtureTests
{
    static Safetensors.Contents Fixture(string name)
    {
        string path = Path.Combine(ReferenceCase.Directory, name + ".safetensors");
        Assert.True(File.Exists(path), $"{path} is missing; run tools/reference/make_all.sh");
        return ModelFile.Load(path);
    }

    [Theory]
    [InlineData("f16")]
    [InlineData("bf16")]
    [InlineData("f64")]
    public void ConversionToFloat32MatchesPyTorch(string name)
    {
        var c = Fixture("format_dtypes");
        var got = c.Tensors[name];
        var expected = c.Tensors[name + ".as_f32"];
        Assert.Equal(DType.F32, got.DType);
        Assert.Equal(expected.Shape, got.Shape);
        for (int i = 0; i < got.Length; i++)
        {
            float e = expected.Floats![i], a = got.Floats![i];
            if (float.IsNaN(e)) Assert.True(float.IsNaN(a), $"{name}[{i}]: {a}, expected NaN");
            else Assert.True(BitConverter.SingleToInt32Bits(e) == BitConverter.SingleToInt32Bits(a), $"{name}[{i}]: {a:R}, PyTorch gives {e:R}");
        }
    }

    [Fact]
    public void SpecialValuesSurvive()
    {
        var c = Fixture("format_dtypes");
        float[] f16 = c.Tensors["f16"].Floats!, f64 = c.Tensors["f64"].Floats!, f32 = c.Tensors["f32"].Floats!;
        Assert.Equal(65504f, f16[2]);                       // largest half
        Assert.True(f16[3] > 0 && f16[3] < 6.2e-8f);        // half subnormal, widened exactly
        Assert.Equal(float.PositiveInfinity, f16[5]);
        Assert.True(float.IsNaN(f16[7]));
        Assert.True(float.IsNegative(f16[1]) && f16[1] == 0);
        Assert.Equal(float.PositiveInfinity, f64[2]);       // 1e300 overflows float32
        Assert.Equal(0f, f64[4]);                           // 1e-50 underflows
        Assert.Equal(16777216f, f64[6]);                    // 2^24 + 1 rounds to even
        Assert.True(f32[4] != 0 && float.IsSubnormal(f32[4]));
        Assert.True(float.IsNegative(f32[5]) && f32[5] == 0);
        Assert.Equal([2, 3], c.Tensors["bf16"].Shape);
    }

    [Fact]
    public void Int64AndEmptyTensorsAreExact()
    {
        var c = Fixture("format_dtypes");
        var i64 = c.Tensors["i64"];
        Assert.Equal(DType.I64, i64.DType);
        Assert.Equal([3, 2], i64.Shape);
        Assert.Equal([0L, -1L, 1L << 62, long.MinValue, long.MaxValue, 12345L], i64.Longs!);
        Assert.Empty(c.Tensors["count"].Shape);
        Assert.Equal([7L], c.Tensors["count"].Longs!);
        Assert.Equal([0, 3], c.Tensors["empty"].Shape);
        Assert.Equal(0, c.Tensors["empty"].Length);
    }

    [Fact]
    public void MetadataIsReadAsStrings()
    {
        var m = Fixture("format_dtypes").Metadata;
        Assert.Equal(4, m.Count);
        Assert.Equal("café ✓ 日本語 🎉", m["unicode"]);
        Assert.Equal("", m["empty"]);
        Assert.Equal("line\nbreak", m["quote\"key"]);
        using var config = JsonDocument.Parse(m["config"]);
        Assert.Equal(4, config.RootElement.GetProperty("hidden").GetInt32());
    }

    [Fact]
    public void PyTorchStateDictLoadsIntoRecurModule()
    {
        string path = Path.Combine(ReferenceCase.Directory, "format_state_dict.safetensors");
        var file = Fixture("format_state_dict");
        var model = new ToyNet(seed: 1);
        var metadata = ModelFile.LoadInto(path, model);
        Assert.Equal("3", metadata["steps"]);
        Assert.Equal(3L, model.Bn.BatchesTracked);
        Image.SameBits(file.Tensors["fc.weight"].Floats!, model.Fc.Weight.Value.ToArray(), "fc.weight");
        Image.SameBits(file.Tensors["fc.bias"].Floats!, model.Fc.Bias!.Value.ToArray(), "fc.bias");
        Image.SameBits(file.Tensors["bn.running_var"].Floats!, model.Bn.RunningVar.ToArray(), "bn.running_var");
        Image.SameBits(file.Tensors["bn.running_mean"].Floats!, model.Bn.RunningMean.ToArray(), "bn.running_mean");
        Assert.NotEqual(1f, model.Bn.RunningVar[0]); // three training steps moved it off its initial 1
        Assert.Equal([1f, 1f], model.Bn.Weight.Value.ToArray()); // PyTorch's BatchNorm init
    }

    [Fact]
    public void RecurWritesTheSameBytesAsPyTorchScript()
    {
        // Same tensors, order and metadata as st.py wrote: the files must be identical, byte for byte.
        string path = Path.Combine(ReferenceCase.Directory, "format_state_dict.safetensors");
        var c = Fixture("format_state_dict");
        var mine = Image.Write(c.Tensors.Select(t => (t.Key, t.Value)), c.Metadata);
        Assert.Equal(File.ReadAllBytes(path), mine);
        Assert.Equal(File.ReadAllBytes(Path.Combine(ReferenceCase.Directory, "format_empty.safetensors")), Image.Write([]));
    }
}
