using Tollgate.Runtime;

namespace Tollgate.Cluster.Benchmarks.Grains;

/// <summary>A grain that calls an <see cref="IEchoGrain"/> from inside its turn: a grain-to-grain call.</summary>
public interface IRelayGrain : IGrainWithStringKey
{
    /// <summary>Calls <see cref="IEchoGrain.PingAsync"/> on the echo grain <paramref name="echoKey"/> and returns its result.</summary>
    Task<int> RelayAsync(string echoKey, int x);
}
