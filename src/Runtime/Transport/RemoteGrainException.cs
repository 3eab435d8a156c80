namespace Tollgate.Runtime.Transport;

/// <summary>A grain call failed in another process; <see cref="RemoteType"/> names the exception there.</summary>
public sealed class RemoteGrainException(string remoteType, string message, bool retriable) : GrainException(message)
{
    public string RemoteType { get; } = remoteType;

    public override bool IsRetriable { get; } = retriable;
}
