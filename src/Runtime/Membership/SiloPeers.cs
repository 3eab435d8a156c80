using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Tollgate.Runtime.Transport;

namespace Tollgate.Runtime.Membership;

/// <summary>One long-lived connection per peer silo, shared by probes and (later) forwarded calls.</summary>
public sealed class SiloPeers(INetworkFilter network, IOptions<GrainRuntimeOptions> runtime) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<SiloAddress, SiloClient> _clients = new();

    /// <summary>True when <paramref name="to"/> answers a probe from <paramref name="from"/> in time.</summary>
    public async Task<bool> PingAsync(SiloAddress from, SiloAddress to, TimeSpan timeout) =>
        network.CanReach(from, to) && await Client(to).PingAsync(timeout);

    public SiloClient Client(SiloAddress silo) =>
        _clients.GetOrAdd(silo, static (s, timeout) => new SiloClient(s.Endpoint, timeout), runtime.Value.ResponseTimeout);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            await client.DisposeAsync();
        }
    }
}
