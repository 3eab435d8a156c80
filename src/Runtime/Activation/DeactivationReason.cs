namespace Tollgate.Runtime;

/// <summary>Why an activation is being deactivated; passed to <see cref="Grain.OnDeactivateAsync"/>.</summary>
public enum DeactivationReason
{
    /// <summary>Unused for longer than the collection age.</summary>
    IdleCollection,

    /// <summary>The grain asked for it with <c>DeactivateOnIdle</c>.</summary>
    ApplicationRequested,

    /// <summary>A state write was fenced off: another activation wrote; this one must not write again.</summary>
    InconsistentState,

    /// <summary>The silo is stopping.</summary>
    ShuttingDown,
}
