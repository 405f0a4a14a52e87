// An ensemble's models as one state dict: members.0.rnn.weight_ih_l0, ..., members.{K-1}.fc2.bias, the
// names PyTorch gives a module whose attribute `members` is an nn.ModuleList of K seed-002 models.
// Only saving and loading see it; a one-model forecaster saves its model alone (rnn.*, fc1.*, fc2.*).
using System.Globalization;
using Recur.Nn;

namespace Recur.Forecasting;

sealed class ForecastEnsemble : Module
{
    public ForecastEnsemble(IReadOnlyList<ForecastModel> members) => AddChild("members", new ModuleList(members));

    /// <summary>Children named 0, 1, ... as nn.ModuleList names them.</summary>
    sealed class ModuleList : Module
    {
        public ModuleList(IReadOnlyList<Module> items)
        {
            for (int i = 0; i < items.Count; i++) AddChild(i.ToString(CultureInfo.InvariantCulture), items[i]);
        }
    }
}
