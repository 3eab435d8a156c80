namespace Tollgate.Runtime.Membership;

/// <summary>Decides whether one silo may reach another; tests replace it to cut the network into parts.</summary>
public interface INetworkFilter
{
    bool CanReach(SiloAddress from, SiloAddress to);
}
