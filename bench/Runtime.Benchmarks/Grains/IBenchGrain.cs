namespace Tollgate.Runtime.Benchmarks.Grains;

/// <summary>A grain with no state: one cheap method, so a benchmark measures the runtime, not the grain.</summary>
public interface IBenchGrain : IGrainWithStringKey
{
    /// <summary>Adds <paramref name="x"/> to an in-memory total and returns the total.</summary>
    Task<int> PingAsync(int x);
}
