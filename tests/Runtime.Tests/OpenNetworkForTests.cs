using Tollgate.Runtime.Membership;

namespace Tollgate.Runtime.Tests;

/// <summary>A network with no faults.</summary>
public sealed class OpenNetworkForTests : INetworkFilter
{
    public bool CanReach(SiloAddress from, SiloAddress to) => true;
}
