namespace Tollgate.Runtime;

/// <summary>The silo is stopping and accepts no new calls; the call did not run.</summary>
public sealed class GrainShutdownException(GrainId grainId)
    : GrainException($"The silo is shutting down; {grainId} was not called.")
{
    public override bool IsRetriable => true;
}
