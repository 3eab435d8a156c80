namespace Tollgate.Runtime.Transport;

/// <summary>
/// The connection to a silo failed. If the call was never handed to the socket it did not run
/// (<see cref="IsRetriable"/>); otherwise its outcome is unknown.
/// </summary>
public sealed class SiloUnavailableException(string silo, bool sent, Exception? inner = null)
    : GrainException(sent
        ? $"The connection to silo {silo} was lost while the call was in flight; its outcome is unknown."
        : $"Silo {silo} could not be reached; the call was not sent.", inner)
{
    public override bool IsRetriable { get; } = !sent;
}
