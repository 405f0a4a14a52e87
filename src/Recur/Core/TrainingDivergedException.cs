namespace Recur;

/// <summary>
/// Training stopped because the loss or the gradient stopped being a finite number (or exploded). The
/// message says where and what to change; it is a user's problem (learning rate, clipping), not a bug.
/// </summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
