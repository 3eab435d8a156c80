using System.Text.Json;
using Tollgate.Storage;
using Tollgate.Postgres;

namespace Tollgate.Grains.Billing;

/// <summary>
/// The quota of one user for one agent. Turns are serial, so counting is exact; a batch of consumptions is one
/// turn and one fenced write, with each idempotent consumption's first answer recorded in the same transaction.
/// An answer leaves only after that commit.
/// </summary>
public sealed class SubscriptionGrain([PersistentState("subscription")] IPersistentState<SubscriptionState> state, PostgresDatabase database, TimeProvider clock)
    : Grain, ISubscriptionGrain
{
    private const int RecentKeysKept = 10_000;

    /// <summary>Idempotency records already seen by this activation (all of them are in <c>quota_idempotency</c> too).</summary>
    private readonly Dictionary<string, (string Fingerprint, ConsumeOutcome Outcome)> _recent = new(StringComparer.Ordinal);

    private string UserId => this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().IndexOf('/')];

    private string AgentId => this.GetPrimaryKeyString()[(this.GetPrimaryKeyString().IndexOf('/') + 1)..];

    public Task<SubscriptionInfo> GetAsync() => Task.FromResult(state.State.ToInfo(UserId, AgentId));

    public async Task<ConsumeOutcome[]> ConsumeAsync(ConsumeRequest[] batch)
    {
        await LoadIdempotencyAsync(batch);
        var before = state.State;
        var now = clock.GetUtcNow();
        var entitled = SubscriptionStatus.IsEntitled(before.Status) && before.CurrentPeriodEnd > now;
        var used = before.QuotaUsed;
        var outcomes = new ConsumeOutcome[batch.Length];
        var companions = new List<CompanionStatement>(0);
        Dictionary<string, (string Fingerprint, ConsumeOutcome Outcome)>? recorded = null;
        for (var i = 0; i < batch.Length; i++)
        {
            var request = batch[i];
            if (request.IdempotencyKey is { } key && (recorded?.TryGetValue(key, out var first) == true || _recent.TryGetValue(key, out first)))
            {
                outcomes[i] = first.Fingerprint == request.Fingerprint
                    ? first.Outcome with { Replayed = true }
                    : Outcome(ConsumeResult.IdempotencyKeyReused, request.Units, used, before);
                continue;
            }

            if (!entitled)
            {
                outcomes[i] = Outcome(ConsumeResult.PaymentRequired, request.Units, used, before);
            }
            else if (used + request.Units > before.QuotaLimit)
            {
                outcomes[i] = Outcome(ConsumeResult.QuotaExceeded, request.Units, used, before);
            }
            else
            {
                used += request.Units;
                outcomes[i] = Outcome(ConsumeResult.Consumed, request.Units, used, before);
                if (request.IdempotencyKey is { } consumedKey)
                {
                    recorded ??= new Dictionary<string, (string Fingerprint, ConsumeOutcome Outcome)>(StringComparer.Ordinal);
                    recorded[consumedKey] = (request.Fingerprint, outcomes[i]);
                    companions.Add(new CompanionStatement(
                        "INSERT INTO quota_idempotency (user_id, agent_id, key, fingerprint, response) VALUES ($1, $2, $3, $4, $5::jsonb)",
                        UserId, AgentId, consumedKey, request.Fingerprint, JsonSerializer.Serialize(outcomes[i], JsonSerializerOptions.Web)));
                }
            }
        }

        if (used != before.QuotaUsed)
        {
            state.State = before with { QuotaUsed = used, UpdatedAt = now };
            try
            {
                await state.WriteStateAsync(companions);
            }
            catch
            {
                state.State = before;
                throw;
            }

            if (recorded is not null)
            {
                Remember(recorded);
            }
        }

        return outcomes;
    }

    public async Task<StripeApplyResult> ApplyStripeAsync(StripeSubscriptionUpdate update, bool canRefetch)
    {
        var before = state.State;
        if (!update.LinkOnly && before.LastEventAt is { } last)
        {
            if (update.EventCreated < last)
            {
                return new StripeApplyResult(StripeApplyOutcome.Ignored);
            }

            // Stripe's created has one-second resolution and Stripe advises against ordering by it: the same second
            // as the last applied, or a status going backwards, is not known to be newer. Stripe's current object is.
            var backwards = MovesBackwards(before, update);
            if (update.EventCreated == last || backwards)
            {
                if (canRefetch && update.StripeSubscriptionId is not null)
                {
                    return new StripeApplyResult(StripeApplyOutcome.Refetch, state.Etag);
                }

                if (backwards)
                {
                    return new StripeApplyResult(StripeApplyOutcome.Ignored);
                }
            }
        }

        await ApplyAsync(before, update, update.EventCreated);
        return new StripeApplyResult(StripeApplyOutcome.Applied);
    }

    public async Task<StripeApplyResult> ApplyCurrentStripeAsync(StripeSubscriptionUpdate current, string? etag)
    {
        if (state.Etag != etag)
        {
            // Another event was applied since the refetch was asked: the fetched object may predate it.
            return new StripeApplyResult(StripeApplyOutcome.Refetch, state.Etag);
        }

        var before = state.State;
        await ApplyAsync(before, current, before.LastEventAt is { } last && last > current.EventCreated ? last : current.EventCreated);
        return new StripeApplyResult(StripeApplyOutcome.Applied);
    }

    /// <summary>
    /// Whether the update would take the same Stripe subscription back to an earlier stage: out of a terminal status
    /// (<c>canceled</c>, <c>incomplete_expired</c>), or back to <c>incomplete</c> after it was paid.
    /// </summary>
    private static bool MovesBackwards(SubscriptionState before, StripeSubscriptionUpdate update) =>
        update.Status is { } status
        && (before.StripeSubscriptionId is null || update.StripeSubscriptionId is null || before.StripeSubscriptionId == update.StripeSubscriptionId)
        && Stage(status) < Stage(before.Status);

    private static int Stage(string status) => status switch
    {
        SubscriptionStatus.None => 0,
        "incomplete" => 1,
        SubscriptionStatus.Canceled or "incomplete_expired" => 3,
        _ => 2,
    };

    private async Task ApplyAsync(SubscriptionState before, StripeSubscriptionUpdate update, DateTimeOffset lastEventAt)
    {
        var now = clock.GetUtcNow();
        var next = before with
        {
            StripeSubscriptionId = update.StripeSubscriptionId ?? before.StripeSubscriptionId,
            StripeCustomerId = update.StripeCustomerId ?? before.StripeCustomerId,
            CreatedAt = state.RecordExists ? before.CreatedAt : now,
            UpdatedAt = now,
        };
        var companions = new List<CompanionStatement>
        {
            new("UPDATE stripe_events SET processed_at = now(), last_error = NULL WHERE id = $1", update.EventId),
        };
        if (!update.LinkOnly)
        {
            next = next with
            {
                Status = update.Status ?? before.Status,
                PriceId = update.PriceId ?? before.PriceId,
                CancelAtPeriodEnd = update.CancelAtPeriodEnd ?? before.CancelAtPeriodEnd,
                LastEventAt = lastEventAt,
            };
            next = next with { QuotaLimit = await LimitOfAsync(next.PriceId) ?? before.QuotaLimit };
            if (update.PeriodStart is { } start)
            {
                if (before.CurrentPeriodStart is { } oldStart && start > oldStart)
                {
                    // A new billing period: the old one's usage is archived and the count starts again.
                    companions.Add(new CompanionStatement(
                        "INSERT INTO quota_periods (user_id, agent_id, period_start, period_end, quota_limit, used) VALUES ($1, $2, $3, $4, $5, $6) " +
                        "ON CONFLICT DO NOTHING",
                        UserId, AgentId, oldStart, before.CurrentPeriodEnd, before.QuotaLimit, before.QuotaUsed));
                    next = next with { QuotaUsed = 0 };
                }

                next = next with { CurrentPeriodStart = start, CurrentPeriodEnd = update.PeriodEnd ?? before.CurrentPeriodEnd };
            }
        }

        companions.Add(new CompanionStatement(
            "INSERT INTO interactions (user_id, agent_id, kind, data) VALUES ($1, $2, $3, $4::jsonb)",
            UserId, AgentId, KindOf(before.Status, next.Status, state.RecordExists),
            JsonSerializer.Serialize(new { eventId = update.EventId, eventType = update.EventType, from = before.Status, to = next.Status, next.PriceId, next.CurrentPeriodEnd }, JsonSerializerOptions.Web)));
        state.State = next;
        try
        {
            await state.WriteStateAsync(companions);
        }
        catch
        {
            state.State = before;
            throw;
        }
    }

    public async Task<SubscriptionInfo> AdjustAsync(long delta, string reason, string actorUserId)
    {
        var before = state.State;
        var now = clock.GetUtcNow();
        state.State = before with { QuotaUsed = Math.Max(0, before.QuotaUsed + delta), CreatedAt = state.RecordExists ? before.CreatedAt : now, UpdatedAt = now };
        try
        {
            await state.WriteStateAsync([new CompanionStatement(
                "INSERT INTO interactions (user_id, agent_id, kind, data) VALUES ($1, $2, 'quota_adjusted', $3::jsonb)",
                UserId, AgentId, JsonSerializer.Serialize(new { delta, reason, from = before.QuotaUsed, to = state.State.QuotaUsed, by = actorUserId }, JsonSerializerOptions.Web))]);
        }
        catch
        {
            state.State = before;
            throw;
        }

        return state.State.ToInfo(UserId, AgentId);
    }

    private static string KindOf(string from, string to, bool existed) =>
        !existed || from == SubscriptionStatus.None ? "subscription_created"
        : to == SubscriptionStatus.Canceled && from != SubscriptionStatus.Canceled ? "subscription_canceled"
        : "subscription_updated";

    private ConsumeOutcome Outcome(ConsumeResult result, long units, long used, SubscriptionState subscription) =>
        new(result, units, used, subscription.QuotaLimit, subscription.CurrentPeriodEnd, subscription.Status, false);

    private async Task<long?> LimitOfAsync(string? priceId) =>
        priceId is null ? null
        : (await GrainFactory.GetGrain<IAgentGrain>(AgentId).GetAsync())?.Plans.FirstOrDefault(p => p.StripePriceId == priceId)?.PeriodQuota;

    /// <summary>Reads the idempotency records of the batch's keys this activation has not seen, in one query.</summary>
    private async Task LoadIdempotencyAsync(ConsumeRequest[] batch)
    {
        if (Array.TrueForAll(batch, r => r.IdempotencyKey is null || _recent.ContainsKey(r.IdempotencyKey)))
        {
            return;
        }

        var unknown = batch.Select(r => r.IdempotencyKey).OfType<string>().Where(k => !_recent.ContainsKey(k)).Distinct().ToArray();
        if (unknown.Length == 0)
        {
            return;
        }

        await using var command = database.DataSource.CreateCommand(
            "SELECT key, fingerprint, response FROM quota_idempotency WHERE user_id = $1 AND agent_id = $2 AND key = ANY($3)");
        command.Parameters.Add(new() { Value = UserId });
        command.Parameters.Add(new() { Value = AgentId });
        command.Parameters.Add(new() { Value = unknown });
        await using var reader = await command.ExecuteReaderAsync();
        var found = new Dictionary<string, (string, ConsumeOutcome)>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            found[reader.GetString(0)] = (reader.GetString(1), JsonSerializer.Deserialize<ConsumeOutcome>(reader.GetString(2), JsonSerializerOptions.Web)!);
        }

        Remember(found);
    }

    private void Remember(Dictionary<string, (string Fingerprint, ConsumeOutcome Outcome)> records)
    {
        if (_recent.Count + records.Count > RecentKeysKept)
        {
            _recent.Clear(); // they are all in the table; the next use of an old key reads it from there
        }

        foreach (var (key, record) in records)
        {
            _recent[key] = record;
        }
    }
}
