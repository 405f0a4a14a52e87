// --ensemble K: member k is exactly a one-model run of seed Seed + k, the forecast is the members' mean,
// and the file holds the members under members.k.* (an nn.ModuleList named "members"), loading back to
// the same predictions; a file from before ensembles (no "ensemble" in its config) is one model.
using System.Text.Json.Nodes;
using Recur.Forecasting;
using Recur.Nn;
using Recur.Tests.Support;

namespace Recur.Tests.Forecasting;

public class EnsembleTests
{
    internal static readonly ForecastConfig Small = ForecastTestData.WalkConfig(epochs: 3) with { Hidden = 8, FcHidden = 8, Layers = 1, Seed = 5 };

    [Fact]
    public void MembersAreTheSeedsRunsAloneAndTheForecastIsTheirMean()
    {
        var table = ForecastTestData.WalkFeatures();
        var ensemble = Forecaster.Create(Small with { Ensemble = 3 }, table);
        var reports = new List<ForecastEpochReport>();
        var mean = ForecastTrainer.Train(ensemble, ensemble.TrainWindows(table), reports.Add);
        Assert.Equal(3 * 3, reports.Count);
        Assert.All(reports.GroupBy(r => r.Member), g => Assert.Equal([1, 2, 3], g.Select(r => r.Epoch)));

        var test = ensemble.Windows(table);
        var each = ensemble.PredictMembers(test);
        var expected = new double[test.Count];
        for (int k = 0; k < 3; k++)
        {
            var alone = Forecaster.Create(Small with { Seed = 5 + (ulong)k }, table);
            var losses = ForecastTrainer.Train(alone, alone.TrainWindows(table));
            Assert.Equal(losses, reports.Where(r => r.Member == k).Select(r => r.Loss));
            Assert.Equal(new ParameterSet(alone.Model).Values.ToArray(), new ParameterSet(ensemble.Members[k]).Values.ToArray());
            Assert.Equal(alone.Predict(test), each[k]);
            for (int i = 0; i < expected.Length; i++) expected[i] += each[k][i] / 3;
        }
        var predicted = ensemble.Predict(test);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], predicted[i], 1e-9);
        for (int e = 0; e < mean.Length; e++)
            Assert.Equal(reports.Where(r => r.Epoch == e + 1).Average(r => r.Loss), mean[e], 1e-9);
    }

    [Fact]
    public void SavesMembersUnderModuleListNamesAndLoadsBack()
    {
        using var dir = new TempDir();
        var table = ForecastTestData.WalkFeatures();
        var f = Forecaster.Create(Small with { Ensemble = 2, Epochs = 1 }, table);
        ForecastTrainer.Train(f, f.TrainWindows(table));
        string path = dir.File("model.safetensors");
        f.Save(path);

        var names = Recur.IO.ModelFile.Load(path).Tensors.Keys.ToList();
        Assert.Contains("members.0.rnn.weight_ih_l0", names);
        Assert.Contains("members.1.fc2.bias", names);
        Assert.DoesNotContain(names, n => !n.StartsWith("members."));
        Assert.Equal(2 * f.Model.NamedParameters().Count(), names.Count);

        var g = Forecaster.Load(path);
        Assert.Equal(2, g.Members.Count);
        Assert.Equal(f.Config, g.Config);
        Assert.Equal(f.Predict(f.Windows(table)), g.Predict(g.Windows(table)));
    }

    [Fact]
    public void AConfigWithoutEnsembleIsOneModel()
    {
        using var dir = new TempDir();
        var table = ForecastTestData.WalkFeatures();
        var f = Forecaster.Create(Small with { Epochs = 0 }, table);
        string path = dir.File("old.safetensors");
        f.Save(path);
        var file = Recur.IO.ModelFile.Load(path);
        var config = JsonNode.Parse(file.Metadata["config"])!.AsObject();
        Assert.True(config.Remove("ensemble"));
        Recur.IO.ModelFile.Save(path, f.Model, new Dictionary<string, string>(file.Metadata) { ["config"] = config.ToJsonString() });

        var g = Forecaster.Load(path);
        Assert.Single(g.Members);
        Assert.Equal(f.Predict(f.Windows(table)), g.Predict(g.Windows(table)));
    }

    [Fact]
    public void EnsembleSizeIsChecked()
    {
        Assert.Contains("--ensemble must be between 1 and 1,000 (got 0)", Assert.Throws<ArgumentException>(() => (Small with { Ensemble = 0 }).Validate()).Message);
        var big = new ForecastConfig { Hidden = 1000, Ensemble = 100 };
        Assert.Contains("--ensemble 100 models of", Assert.Throws<ArgumentException>(big.Validate).Message);
    }
}

// Alone (the "threads" collection): another class setting the thread count meanwhile would make a run at
// k threads a run at some other count.
[Collection("threads")]
public class EnsembleThreadTests
{
    [Fact]
    public void MembersTrainedSideBySideGiveTheSameBitsAsOneAfterAnother()
    {
        var table = ForecastTestData.WalkFeatures();
        float[][] Train(int threads) => OnThreads.Run<float[][]>(threads, () =>
        {
            var f = Forecaster.Create(EnsembleTests.Small with { Ensemble = 4 }, table);
            ForecastTrainer.Train(f, f.TrainWindows(table));
            return [.. f.Members.Select(m => new ParameterSet(m).Values.ToArray())];
        });
        Assert.Equal(Train(1), Train(3));
    }
}
