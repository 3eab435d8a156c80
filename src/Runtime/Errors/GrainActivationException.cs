namespace Tollgate.Runtime;

/// <summary>A grain could not be activated (constructor, state read or OnActivateAsync failed); no turn ran.</summary>
public sealed class GrainActivationException(GrainId grainId, Exception inner)
    : GrainException($"Activating {grainId} failed: {inner.Message}", inner)
{
    public override bool IsRetriable => true;
}
