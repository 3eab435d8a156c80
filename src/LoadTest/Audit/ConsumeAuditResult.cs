namespace Tollgate.LoadTest.Audit;

/// <summary>
/// What PostgreSQL holds against what the run sent and was told. <see cref="Lost"/>: acknowledged keys with no
/// idempotency record, plus units a subscription has fewer than its records; <see cref="DoubleCounted"/>: units a
/// subscription counts beyond its records, plus keys recorded twice; <see cref="Phantom"/>: records of keys never sent;
/// <see cref="Misrouted"/>: records on another subscription than the key's; <see cref="OverSent"/>: units beyond
/// what was sent to a subscription; <see cref="SubscriptionsChanged"/>: subscriptions no longer active in the seeded period.
/// </summary>
public sealed record ConsumeAuditResult(
    int Subscriptions,
    long Sent,
    long Acknowledged,
    long Refused,
    long Unknown,
    long Recorded,
    long StoredUnits,
    long AppliedUnacknowledged,
    long RetryReplays,
    long Lost,
    long DoubleCounted,
    long Phantom,
    long Misrouted,
    long RefusedButApplied,
    long OverSent,
    long FirstAttemptReplays,
    long SubscriptionsChanged)
{
    public bool Passed => Lost == 0 && DoubleCounted == 0 && Phantom == 0 && Misrouted == 0 && RefusedButApplied == 0 && OverSent == 0
        && FirstAttemptReplays == 0 && SubscriptionsChanged == 0;
}
