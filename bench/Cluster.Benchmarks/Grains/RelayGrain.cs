using Tollgate.Runtime;

namespace Tollgate.Cluster.Benchmarks.Grains;

/// <summary>
/// The runtime's <see cref="IRelayGrain"/>: gets the echo grain from its silo's <c>GrainFactory</c>, so in cluster
/// mode the call is routed (directory hint, then <c>SiloPeers</c>) to whichever silo holds that grain.
/// </summary>
public sealed class RelayGrain : Grain, IRelayGrain
{
    public Task<int> RelayAsync(string echoKey, int x) => GrainFactory.GetGrain<IEchoGrain>(echoKey).PingAsync(x);
}
