namespace Tollgate.Runtime;

/// <summary>
/// A grain's typed, durable state, injected into the grain's constructor. It is read before
/// <see cref="Grain.OnActivateAsync"/>. <see cref="Version"/> is the ETag: a write succeeds only if the stored
/// version is still the one this activation read, otherwise it throws <see cref="InconsistentStateException"/>
/// and the activation drops.
/// </summary>
public interface IPersistentState<TState> where TState : class
{
    TState State { get; set; }

    /// <summary>The stored version this activation holds; 0 when there is no row.</summary>
    long Version { get; }

    bool RecordExists => Version != 0;

    Task ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes <see cref="State"/>; returns once it is committed.</summary>
    Task WriteAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <see cref="State"/> and runs <paramref name="companions"/> in the same transaction; returns once all
    /// committed. On a conflict or an error nothing is written and <see cref="Version"/> is unchanged (the caller
    /// restores <see cref="State"/> if it must keep serving).
    /// </summary>
    Task WriteAsync(IReadOnlyList<CompanionStatement> companions, CancellationToken cancellationToken = default);

    /// <summary>Deletes the row and resets <see cref="State"/> to its initial value.</summary>
    Task ClearAsync(CancellationToken cancellationToken = default);
}
