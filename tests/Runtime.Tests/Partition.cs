using System.Collections.Concurrent;
using Tollgate.Runtime.Membership;

namespace Tollgate.Runtime.Tests;

/// <summary>A network cut in two: silos on the isolated side reach only each other. PostgreSQL stays reachable.</summary>
public sealed class Partition : INetworkFilter
{
    private readonly ConcurrentDictionary<int, bool> _isolatedPorts = new();

    public void Isolate(int port) => _isolatedPorts[port] = true;

    public bool CanReach(SiloAddress from, SiloAddress to) =>
        _isolatedPorts.ContainsKey(from.Port) == _isolatedPorts.ContainsKey(to.Port);
}
