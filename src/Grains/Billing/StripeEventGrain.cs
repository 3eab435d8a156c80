using Tollgate.Storage;
using Tollgate.Postgres;

namespace Tollgate.Grains.Billing;

/// <summary>
/// Store-then-apply. The row is inserted once (<c>ON CONFLICT DO NOTHING</c>); applying marks it processed in the
/// subscription's own transaction, so a duplicate delivery, a concurrent one or a replay applies nothing twice. A
/// failure is recorded (<c>attempts</c>, <c>last_error</c>) and reported, so Stripe retries.
/// </summary>
public sealed class StripeEventGrain(PostgresDatabase database) : Grain, IStripeEventGrain
{
    public async Task<StripeEventOutcome> ReceiveAsync(string type, DateTimeOffset created, string payload, bool canRefetch)
    {
        try
        {
            await ExecuteAsync(
                "INSERT INTO stripe_events (id, type, created, payload) VALUES ($1, $2, $3, $4::jsonb) ON CONFLICT (id) DO NOTHING",
                this.GetPrimaryKeyString(), type, created, payload);
        }
        catch (Npgsql.PostgresException unstorable) when (unstorable.SqlState is "22P05" or "22P02")
        {
            // A NUL character or a lone surrogate escape: valid JSON text that jsonb refuses. Retrying cannot help.
            return new StripeEventOutcome(false, false, false, null, unstorable.MessageText);
        }

        return await ProcessAsync(canRefetch);
    }

    public async Task<StripeEventOutcome> ProcessAsync(bool canRefetch)
    {
        await using var read = database.DataSource.CreateCommand("SELECT payload::text, processed_at IS NOT NULL FROM stripe_events WHERE id = $1");
        read.Parameters.Add(new() { Value = this.GetPrimaryKeyString() });
        string payload;
        await using (var reader = await read.ExecuteReaderAsync())
        {
            if (!await reader.ReadAsync())
            {
                return new StripeEventOutcome(false, false, false, null);
            }

            if (reader.GetBoolean(1))
            {
                return new StripeEventOutcome(true, true, true, null);
            }

            payload = reader.GetString(0);
        }

        await ExecuteAsync("UPDATE stripe_events SET attempts = attempts + 1 WHERE id = $1", this.GetPrimaryKeyString());
        return await RecordedAsync(async () =>
        {
            if (StripeEventParser.Parse(this.GetPrimaryKeyString(), payload) is not { } parsed)
            {
                return (null, "ignored: not an event type Tollgate handles");
            }

            return await ApplyAsync(parsed, subscription => subscription.ApplyStripeAsync(parsed.Update, canRefetch));
        });
    }

    public async Task<StripeEventOutcome> ApplyCurrentAsync(StripeSubscriptionUpdate current, string? userId, string? agentId, string? etag)
    {
        await using var read = database.DataSource.CreateCommand("SELECT created FROM stripe_events WHERE id = $1");
        read.Parameters.Add(new() { Value = this.GetPrimaryKeyString() });
        if (await read.ExecuteScalarAsync() is not DateTime created)
        {
            return new StripeEventOutcome(false, false, false, null);
        }

        // Stripe's object is newer than the event; it is dated by the event, so that later events still apply by their own time.
        var update = current with { EventId = this.GetPrimaryKeyString(), EventCreated = new DateTimeOffset(DateTime.SpecifyKind(created, DateTimeKind.Utc)) };
        return await RecordedAsync(() => ApplyAsync(new ParsedStripeEvent(update, userId, agentId), subscription => subscription.ApplyCurrentStripeAsync(update, etag)));
    }

    public async Task<StripeEventOutcome> RecordFailureAsync(string error)
    {
        await ExecuteAsync("UPDATE stripe_events SET last_error = $2 WHERE id = $1 AND processed_at IS NULL", this.GetPrimaryKeyString(), error);
        return new StripeEventOutcome(true, false, false, error);
    }

    /// <summary>Runs one application; a note marks the event processed without a subscription applying it; a failure is recorded.</summary>
    private async Task<StripeEventOutcome> RecordedAsync(Func<Task<(StripeRefetch? Refetch, string? Note)>> apply)
    {
        try
        {
            var (refetch, note) = await apply();
            if (refetch is not null)
            {
                return new StripeEventOutcome(true, false, false, null, Refetch: refetch);
            }

            if (note is not null)
            {
                await ExecuteAsync("UPDATE stripe_events SET processed_at = now(), last_error = $2 WHERE id = $1 AND processed_at IS NULL", this.GetPrimaryKeyString(), note);
            }

            return new StripeEventOutcome(true, true, false, null);
        }
        catch (Exception exception)
        {
            await ExecuteAsync("UPDATE stripe_events SET last_error = $2 WHERE id = $1", this.GetPrimaryKeyString(), $"{exception.GetType().Name}: {exception.Message}");
            return new StripeEventOutcome(true, false, false, exception.Message);
        }
    }

    /// <summary>Finds the subscription the event is about and applies it there.</summary>
    private async Task<(StripeRefetch? Refetch, string? Note)> ApplyAsync(ParsedStripeEvent parsed, Func<ISubscriptionGrain, Task<StripeApplyResult>> apply)
    {
        var key = parsed is { UserId: { } userId, AgentId: { } agentId }
            ? $"{userId}/{agentId}"
            : parsed.Update.StripeSubscriptionId is { } stripeId
                ? await GrainFactory.GetGrain<IBillingDirectoryGrain>("billing").FindSubscriptionAsync(stripeId)
                : null;
        if (key is null)
        {
            return (null, "ignored: the event names no userId/agentId metadata and no known subscription");
        }

        var result = await apply(GrainFactory.GetGrain<ISubscriptionGrain>(key));
        return result.Outcome switch
        {
            StripeApplyOutcome.Applied => (null, null),
            StripeApplyOutcome.Refetch => (new StripeRefetch(parsed.Update.StripeSubscriptionId!, result.Etag), null),
            _ => (null, "ignored: older than the last event the subscription applied, or a move backwards"),
        };
    }

    private async Task ExecuteAsync(string sql, params object?[] parameters)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new() { Value = parameter ?? DBNull.Value });
        }

        await command.ExecuteNonQueryAsync();
    }
}
