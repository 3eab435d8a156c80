namespace Tollgate.Runtime;

/// <summary>
/// A call got no answer within its timeout. The outcome is unknown: the call may have run, or may still run,
/// so the runtime never resends it.
/// </summary>
public sealed class GrainCallTimeoutException(GrainId grainId, string method, TimeSpan timeout)
    : GrainException($"{method} on {grainId} did not answer within {timeout.TotalSeconds:0.###} s; its outcome is unknown.")
{
    public override bool IsRetriable => false;
}
