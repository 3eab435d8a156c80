using Tollgate.Runtime;

namespace Tollgate.Cluster.Benchmarks.Grains;

/// <summary>The trivial grain every call benchmark targets, so a benchmark measures the path, not the grain.</summary>
public interface IEchoGrain : IGrainWithStringKey
{
    /// <summary>Returns <paramref name="x"/>.</summary>
    Task<int> PingAsync(int x);
}
