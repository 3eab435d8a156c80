namespace Tollgate.Runtime;

/// <summary>
/// A state write was fenced off: the stored version is not the one this activation read, so another activation
/// wrote in between. Nothing was written; the activation drops and the next call re-reads the state.
/// </summary>
public sealed class InconsistentStateException(string stateType, string key, long expectedVersion, long? storedVersion)
    : GrainException(
        $"The {stateType} state of '{key}' was written by another activation (expected version {expectedVersion}, " +
        $"stored {(storedVersion is { } v ? v.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}). " +
        "Nothing was written; retry the call.")
{
    public long ExpectedVersion { get; } = expectedVersion;

    public long? StoredVersion { get; } = storedVersion;

    public override bool IsRetriable => true;
}
