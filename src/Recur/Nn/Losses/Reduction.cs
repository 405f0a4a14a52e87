// How a loss combines its per-element (or per-row) terms, as PyTorch's `reduction` argument.
namespace Recur.Nn.Losses;

/// <summary>PyTorch's reduction: "mean" (the default) or "sum".</summary>
public enum Reduction
{
    /// <summary>"mean": the sum divided by the number of counted terms.</summary>
    Mean,
    /// <summary>"sum": the plain sum.</summary>
    Sum,
}
