namespace Tollgate.Runtime;

/// <summary>
/// Base of every grain class. The runtime creates grains (with constructor injection, including
/// <see cref="IPersistentState{TState}"/>), reads their state, then calls <see cref="OnActivateAsync"/>; it runs
/// one turn at a time and calls <see cref="OnDeactivateAsync"/> before dropping the activation.
/// </summary>
public abstract class Grain
{
    private readonly ActivationData _activation;

    protected Grain()
    {
        _activation = ActivationData.Constructing
            ?? throw new InvalidOperationException("Grains are created by the runtime; get a reference from IGrainFactory.GetGrain.");
    }

    protected GrainId GrainId => _activation.GrainId;

    /// <summary>This grain's key.</summary>
    protected string GrainKey => _activation.GrainId.Key;

    protected IGrainFactory GrainFactory => _activation.Runtime;

    /// <summary>Deactivates this activation when the current turn ends.</summary>
    protected void DeactivateOnIdle() => _activation.RequestDeactivationAfterTurn(DeactivationReason.ApplicationRequested);

    /// <summary>Runs after the state is read and before the first call.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Best effort: skipped when the process dies. Persist state in the call that changes it, never only here;
    /// with <see cref="DeactivationReason.InconsistentState"/> the state is stale and must not be written.
    /// </summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;
}
