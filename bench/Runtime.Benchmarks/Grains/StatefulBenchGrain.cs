namespace Tollgate.Runtime.Benchmarks.Grains;

/// <summary>The runtime's <see cref="IStatefulBenchGrain"/>, with an <see cref="IPersistentState{TState}"/>.</summary>
public sealed class StatefulBenchGrain(IPersistentState<BenchState> state) : Grain, IStatefulBenchGrain
{
    public Task<int> PingAsync(int x) => Task.FromResult(state.State.Value + x);
}
