namespace Tollgate.Runtime;

/// <summary>A state as read from storage, with the version that fences the next write.</summary>
public sealed record StoredState<TState>(TState State, long Version);
