namespace Tollgate.Runtime;

/// <summary>A call was forwarded too many times without finding its activation (views were changing); it did not run.</summary>
public sealed class GrainMovedException(GrainId grainId)
    : GrainException($"{grainId} moved while the call was being routed; the call did not run. Retry it.")
{
    public override bool IsRetriable => true;
}
