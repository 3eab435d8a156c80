namespace Tollgate.Runtime;

/// <summary>Lifecycle of one activation. Only <see cref="Valid"/> starts turns from the queue.</summary>
internal enum ActivationStatus
{
    Activating,
    Valid,
    Deactivating,
    Invalid,
}
