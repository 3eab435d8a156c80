namespace Tollgate.Runtime.Tests.Grains;

/// <summary>A state with a two-column key, like (user, agent).</summary>
public sealed record PairState(int Amount)
{
    public static readonly StateTable<PairState> Table =
        new StateTable<PairState>("test_pairs", () => new PairState(0), row => new PairState(row.Get<int>("amount")))
            .WithKey("owner_id", "item_id")
            .Column("amount", s => s.Amount);
}
