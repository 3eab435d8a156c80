namespace Tollgate.Runtime.Membership;

/// <summary>The real network: every silo may try to reach every other.</summary>
internal sealed class OpenNetwork : INetworkFilter
{
    public bool CanReach(SiloAddress from, SiloAddress to) => true;
}
