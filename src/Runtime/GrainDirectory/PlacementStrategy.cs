namespace Tollgate.Runtime.GrainDirectory;

/// <summary>Where a grain with no activation is activated.</summary>
public enum PlacementStrategy
{
    /// <summary>On the active silo its id hashes to: every silo and client picks the same one.</summary>
    Hash,

    /// <summary>On the silo that received the call: saves a hop when callers already spread by key.</summary>
    PreferLocal,
}
