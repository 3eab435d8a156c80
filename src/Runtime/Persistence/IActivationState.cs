namespace Tollgate.Runtime;

/// <summary>Something an activation loads before its first turn.</summary>
internal interface IActivationState
{
    Task ReadAsync(CancellationToken cancellationToken);
}
