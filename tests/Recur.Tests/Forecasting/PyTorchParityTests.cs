// A model trained by PyTorch (tools/forecast/seed002_pytorch.py: seed 002's LSTM, seed 0, 30 epochs,
// on pandas' features) and saved as a Recur forecast file: Recur loads it and, from the raw NASDAQ CSV
// through its own features and the file's scaler, predicts the 120 test days as PyTorch did.
// Regenerate: /usr/bin/python3 tools/forecast/seed002_pytorch.py FEATURES_CSV --seeds 0 --epochs 30 --save DIR,
// then copy DIR/seed0.safetensors and DIR/seed0_predictions.csv to Reference/forecast_seed002_pytorch*.
using System.Globalization;
using Recur.Forecasting;

namespace Recur.Tests.Forecasting;

public class PyTorchParityTests
{
    [Fact]
    public void PyTorchTrainedModelPredictsTheSameInRecur()
    {
        string dir = Path.Combine(AppContext.BaseDirectory, "Reference");
        var forecaster = Forecaster.Load(Path.Combine(dir, "forecast_seed002_pytorch.safetensors"));
        Assert.Equal(CellKind.Lstm, forecaster.Config.Cell);
        var set = forecaster.Windows(ForecastTestData.Nasdaq);
        var predicted = forecaster.Predict(set);

        var lines = File.ReadAllLines(Path.Combine(dir, "forecast_seed002_pytorch_predictions.csv"));
        Assert.Equal("date,actual,predicted", lines[0]);
        Assert.Equal(set.Count, lines.Length - 1);
        double worst = 0;
        for (int i = 0; i < set.Count; i++)
        {
            var cells = lines[i + 1].Split(',');
            Assert.Equal(cells[0], set.LabelDate(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            double expected = double.Parse(cells[2], CultureInfo.InvariantCulture);
            worst = Math.Max(worst, Math.Abs(predicted[i] - expected) / Math.Abs(expected));
        }
        // float32 through 2 LSTM layers and 2 Linear layers; PyTorch's scaler came from 12-digit features.
        Assert.True(worst < 1e-5, $"worst relative difference from PyTorch {worst:E2}");
    }
}
