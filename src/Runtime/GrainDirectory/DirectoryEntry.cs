using Tollgate.Runtime.Membership;

namespace Tollgate.Runtime.GrainDirectory;

/// <summary>One registered activation: which silo holds it, and which activation of that silo.</summary>
public sealed record DirectoryEntry(GrainId GrainId, SiloAddress Silo, long ActivationId);
