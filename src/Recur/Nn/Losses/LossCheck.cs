// Shape checks shared by the element-wise losses (BCE, BCE with logits, MSE).
namespace Recur.Nn.Losses;

internal static class LossCheck
{
    /// <summary>input and target hold the same shape; dInput, when given, too.</summary>
    public static void SameShape(string loss, Tensor input, Tensor target, Tensor? dInput)
    {
        if (!input.SameShape(target))
            throw new ArgumentException($"{loss}: target {target} does not match input {input}");
        if (dInput != null && !dInput.SameShape(input))
            throw new ArgumentException($"{loss}: gradient {dInput} does not match input {input}");
    }
}
