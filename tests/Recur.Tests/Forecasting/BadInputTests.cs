// Bad settings and damaged model files in the forecasting library: sizes that would not fit in memory
// are refused by the config, naming the option; a training range too short for the linear baseline
// says which option to change; a model file whose config lacks keys or whose weights are not finite
// does not load.
using System.Text.Json.Nodes;
using Recur.Forecasting;
using Recur.Nn;
using Recur.Tests.Support;

namespace Recur.Tests.Forecasting;

public class BadInputTests
{
    [Theory]
    [InlineData("hidden", 100_000_000, "--hidden 100000000 is too large")]
    [InlineData("layers", 100_000_000, "--layers 100000000 is too large")]
    [InlineData("fc_hidden", 1_000_000_000, "--fc-hidden 1000000000 is too large")]
    [InlineData("epochs", int.MaxValue, "--epochs must be at most 10,000,000")]
    [InlineData("window", 10_000_000, "--window 10000000 days")]
    [InlineData("hidden", 0, "--hidden must be at least 1 (got 0)")]
    public void SizesOutOfRangeNameTheirOption(string key, int value, string expected)
    {
        var d = new ForecastConfig();
        var config = key switch
        {
            "hidden" => d with { Hidden = value },
            "layers" => d with { Layers = value },
            "fc_hidden" => d with { FcHidden = value },
            "epochs" => d with { Epochs = value },
            _ => d with { Window = value },
        };
        var e = Assert.Throws<ArgumentException>(config.Validate);
        Assert.StartsWith(expected, e.Message);
        // A model file with such a config is refused the same way.
        var json = JsonNode.Parse(d.ToJson())!.AsObject();
        json[key] = value;
        Assert.Contains(expected, Assert.Throws<InvalidDataException>(() => ForecastConfig.FromJson(json.ToJsonString())).Message);
    }

    [Fact]
    public void SizesThatAreOnlyTooLargeTogetherNameEveryOption()
    {
        foreach (var c in new[] { new ForecastConfig(), new ForecastConfig { Cell = CellKind.Gru, Hidden = 7, Layers = 3, FcHidden = 5 }, new ForecastConfig { Cell = CellKind.Rnn, Layers = 1 } })
            Assert.Equal((double)new ForecastModel(37, c, new Rng(1)).ParameterCount(), c.ParameterCount(37));
        new ForecastConfig { Hidden = 2000, Layers = 2 }.Validate();
        var e = Assert.Throws<ArgumentException>(new ForecastConfig { Hidden = 3000, Layers = 2 }.Validate);
        // 4·3000·(37 + 3000 + 2) + 4·3000·(3000 + 3000 + 2) + 3000·16 + 16 + 16 + 1
        Assert.StartsWith("--hidden 3000, --layers 2 and --fc-hidden 16 give a model of 108,540,033 parameters (--cell lstm), more than the 100,000,000 allowed", e.Message);
    }

    [Fact]
    public void BatchesTooLargeForMemoryAreRefusedBeforeTraining()
    {
        var config = new ForecastConfig { Hidden = 1000, BatchSize = 100_000 };
        config.Validate();
        config.CheckBatch(128);
        var e = Assert.Throws<ArgumentException>(() => config.CheckBatch(8057));
        Assert.Contains("batches of 8,057 windows (--batch-size 100000)", e.Message);
        Assert.Contains("choose a smaller --batch-size", e.Message);

        // Prediction takes fewer windows at a time instead of failing.
        var wide = new ForecastConfig { Window = 5000 };
        int batch = wide.BatchFor(512);
        Assert.InRange(batch, 1, 511);
        wide.CheckBatch(batch);
        Assert.Equal(512, new ForecastConfig().BatchFor(512));
    }

    [Fact]
    public void TrainingRangeTooShortForTheBaselineSaysWhatToChange()
    {
        var table = ForecastTestData.WalkFeatures();
        var config = ForecastTestData.WalkConfig() with { TrainStart = new DateOnly(2001, 12, 3) };
        var train = Forecaster.Create(config, table).TrainWindows(table);
        var e = Assert.Throws<ArgumentException>(() => LinearBaseline.Fit(train));
        Assert.Contains($"gives {train.Count} windows of 5 days, too few for the linear baseline", e.Message);
        Assert.Contains("choose an earlier --train-start or a later --train-end so that the range holds at least 42 days", e.Message);
    }

    [Fact]
    public void ConfigWithMissingKeysDoesNotLoad()
    {
        using var dir = new TempDir();
        var table = ForecastTestData.WalkFeatures();
        var f = Forecaster.Create(ForecastTestData.WalkConfig(epochs: 0), table);
        string path = dir.File("m.safetensors");
        f.Save(path);
        var meta = new Dictionary<string, string>(Recur.IO.ModelFile.Load(path).Metadata);

        Recur.IO.ModelFile.Save(path, f.Model, new Dictionary<string, string>(meta) { ["config"] = "{}" });
        var e = Assert.Throws<InvalidDataException>(() => Forecaster.Load(path));
        Assert.Equal($"{path}: forecast config lacks train_start, train_end, test_start, test_end, window, scale_target, cell, hidden, layers, fc_hidden, " +
            "dropout, epochs, batch_size, learning_rate, seed: the file is damaged or not a forecaster made by 'recur forecast train'", e.Message);

        var partial = JsonNode.Parse(f.Config.ToJson())!.AsObject();
        partial.Remove("hidden");
        Recur.IO.ModelFile.Save(path, f.Model, new Dictionary<string, string>(meta) { ["config"] = partial.ToJsonString() });
        e = Assert.Throws<InvalidDataException>(() => Forecaster.Load(path));
        Assert.Contains("forecast config lacks hidden: the file is damaged", e.Message);

        Recur.IO.ModelFile.Save(path, f.Model, new Dictionary<string, string>(meta) { ["config"] = "null" });
        Assert.Equal($"{path}: metadata 'config' is null; the file is damaged", Assert.Throws<InvalidDataException>(() => Forecaster.Load(path)).Message);

        // No config at all: not a forecaster, said once (the audit saw the path twice).
        Recur.IO.ModelFile.Save(path, f.Model, meta.Where(kv => kv.Key != "config").ToDictionary());
        Assert.Equal($"{path}: no 'config' in the metadata: not a forecast model (made by 'recur forecast train')",
            Assert.Throws<InvalidDataException>(() => Forecaster.Load(path)).Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.NegativeInfinity, "-infinity")]
    public void NonFiniteWeightsDoNotLoad(float bad, string shown)
    {
        using var dir = new TempDir();
        var table = ForecastTestData.WalkFeatures();
        var f = Forecaster.Create(ForecastTestData.WalkConfig(epochs: 0), table);
        var fc1 = new ParameterSet(f.Model).Entries.Single(e => e.Name == "fc1.weight").Parameter;
        fc1.Value.Span[3] = bad;
        string path = dir.File("m.safetensors");
        f.Save(path);
        var e = Assert.Throws<InvalidDataException>(() => Forecaster.Load(path));
        Assert.Equal($"{path}: tensor 'fc1.weight' holds {shown} at element 3 of {fc1.Value.Length}: the model is damaged; " +
            "retrain it (with a lower --lr if training diverged)", e.Message);
    }
}
