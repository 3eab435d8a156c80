using Tollgate.Runtime;

namespace Tollgate.Cluster.Benchmarks.Grains;

/// <summary>The runtime's <see cref="IEchoGrain"/>: no state, completes synchronously.</summary>
public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<int> PingAsync(int x) => Task.FromResult(x);
}
