using Tollgate.Runtime.Membership;

namespace Tollgate.Runtime.GrainDirectory;

/// <summary>
/// The silo a grain with no activation goes to: its id hashed over the active silos in their agreed order.
/// Silos and clients compute the same answer from the same membership version, so a client sends a first call
/// straight to where it will be activated.
/// </summary>
public static class HashPlacement
{
    public static SiloAddress Pick(GrainId grainId, IReadOnlyList<SiloAddress> activeSilos) =>
        activeSilos.Count == 0
            ? throw new InvalidOperationException("No silo is active.")
            : activeSilos[(int)(StableHash(grainId) % (uint)activeSilos.Count)];

    /// <summary>FNV-1a over the id: the same in every process and run, unlike string.GetHashCode.</summary>
    private static uint StableHash(GrainId id)
    {
        var hash = 2166136261u;
        foreach (var c in id.Type)
        {
            hash = (hash ^ c) * 16777619u;
        }

        hash = (hash ^ '/') * 16777619u;
        foreach (var c in id.Key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
