namespace Tollgate.Runtime.Benchmarks.Grains;

/// <summary>The runtime's <see cref="IBenchGrain"/>: an in-memory field, no persistent state.</summary>
public sealed class BenchGrain : Grain, IBenchGrain
{
    private int _total;

    public Task<int> PingAsync(int x) => Task.FromResult(_total += x);
}
