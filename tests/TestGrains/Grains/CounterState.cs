namespace Tollgate.Runtime.Tests.Grains;

public sealed record CounterState(long Value, string? Label)
{
    public static readonly StateTable<CounterState> Table =
        new StateTable<CounterState>("test_counters", () => new CounterState(0, null),
                row => new CounterState(row.Get<long>("value"), row.Get<string?>("label")))
            .Column("value", s => s.Value)
            .Column("label", s => s.Label);
}
