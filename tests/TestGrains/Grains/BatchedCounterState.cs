namespace Tollgate.Runtime.Tests.Grains;

/// <summary>A counter whose writes are group-committed.</summary>
public sealed record BatchedCounterState(long Value)
{
    public static readonly StateTable<BatchedCounterState> Table =
        new StateTable<BatchedCounterState>("test_batched_counters", () => new BatchedCounterState(0), row => new BatchedCounterState(row.Get<long>("value")))
            .Column("value", s => s.Value)
            .WithGroupCommit();
}
