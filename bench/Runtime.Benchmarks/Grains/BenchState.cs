namespace Tollgate.Runtime.Benchmarks.Grains;

/// <summary>A tiny persistent state: one integer column in table <c>bench_state</c>.</summary>
public sealed record BenchState(int Value)
{
    public static readonly StateTable<BenchState> Table =
        new StateTable<BenchState>("bench_state", () => new BenchState(0), row => new BenchState(row.Get<int>("value")))
            .Column("value", s => s.Value);
}
