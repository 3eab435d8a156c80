namespace Tollgate.Runtime.Benchmarks.Grains;

/// <summary>A grain with a tiny persistent state, read on activation: for the cost of activating with state.</summary>
public interface IStatefulBenchGrain : IGrainWithStringKey
{
    /// <summary>Returns the stored value plus <paramref name="x"/>; writes nothing.</summary>
    Task<int> PingAsync(int x);
}
