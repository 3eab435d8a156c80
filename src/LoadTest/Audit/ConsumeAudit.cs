using Npgsql;
using Tollgate.LoadTest.Seeding;

namespace Tollgate.LoadTest.Audit;

/// <summary>
/// Checks every consume of a run against PostgreSQL: each acknowledged key has exactly one idempotency record on its
/// subscription, each subscription's <c>quota_used</c> equals its records (one unit each) and no more than was sent,
/// and no record exists that the run did not send or was refused. Reads only; can run again (e.g. after tampering).
/// </summary>
public static class ConsumeAudit
{
    public static async Task<ConsumeAuditResult> CheckAsync(NpgsqlDataSource database, World world, ConsumeLedger ledger, CancellationToken cancellationToken)
    {
        var agentIds = world.Agents.Select(a => a.Id).ToArray();
        var agentIndex = world.Agents.Select((a, i) => (a.Id, i)).ToDictionary(x => x.Id, x => x.i, StringComparer.Ordinal);
        var userIndex = world.Users.Select((u, i) => (u, i)).ToDictionary(x => x.u, x => x.i, StringComparer.Ordinal);
        int? SubscriptionOf(string userId, string agentId) =>
            userIndex.TryGetValue(userId, out var u) && agentIndex.TryGetValue(agentId, out var a) ? (u * world.Agents.Count) + a : null;

        // One snapshot for both reads: a consume the server applies meanwhile (one the run gave up on) changes both or neither.
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        var seen = Enumerable.Range(0, ledger.Loops).Select(l => new bool[ledger.Length(l)]).ToArray();
        var recordedOn = new long[ledger.Subscriptions];
        long recorded = 0, applied = 0, phantom = 0, misrouted = 0, refusedApplied = 0, duplicates = 0;
        await using (var command = new NpgsqlCommand("SELECT user_id, agent_id, key FROM quota_idempotency WHERE agent_id = ANY($1)", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = agentIds });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                recorded++;
                var on = SubscriptionOf(reader.GetString(0), reader.GetString(1));
                if (on is { } s)
                {
                    recordedOn[s]++;
                }

                if (!ledger.TryParse(reader.GetString(2), out var loop, out var seq, out var subscription))
                {
                    phantom++;
                    continue;
                }

                if (on != subscription)
                {
                    misrouted++;
                }

                if (seen[loop][seq])
                {
                    duplicates++;
                }

                seen[loop][seq] = true;
                switch (ledger.State(loop, seq))
                {
                    case ConsumeLedger.Pending:
                        applied++;
                        break;
                    case ConsumeLedger.Refused:
                        refusedApplied++;
                        break;
                }
            }
        }

        long lostKeys = 0;
        for (var loop = 0; loop < ledger.Loops; loop++)
        {
            for (var seq = 0; seq < ledger.Length(loop); seq++)
            {
                if (ledger.State(loop, seq) == ConsumeLedger.Acknowledged && !seen[loop][seq])
                {
                    lostKeys++;
                }
            }
        }

        long lostUnits = 0, extraUnits = 0, overSent = 0, stored = 0, changed = 0, found = 0;
        await using (var command = new NpgsqlCommand(
            "SELECT user_id, agent_id, quota_used, status = 'active' AND current_period_end = to_timestamp($2) FROM user_agent_subscriptions WHERE agent_id = ANY($1)",
            connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = agentIds });
            command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = world.PeriodEnd });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (SubscriptionOf(reader.GetString(0), reader.GetString(1)) is not { } s)
                {
                    continue;
                }

                found++;
                var used = reader.GetInt64(2);
                stored += used;
                lostUnits += Math.Max(0, recordedOn[s] - used);
                extraUnits += Math.Max(0, used - recordedOn[s]);
                overSent += Math.Max(0, used - ledger.SentTo(s));
                changed += reader.GetBoolean(3) ? 0 : 1;
            }
        }

        // A subscription row that is gone changed too (and its records then show as lost units nowhere else).
        changed += world.SubscriptionCount - found;
        return new ConsumeAuditResult(
            ledger.Subscriptions, ledger.Sent, ledger.Count(ConsumeLedger.Acknowledged), ledger.Count(ConsumeLedger.Refused), ledger.Count(ConsumeLedger.Pending),
            recorded, stored, applied, ledger.RetryReplays,
            Lost: lostKeys + lostUnits, DoubleCounted: extraUnits + duplicates, phantom, misrouted, refusedApplied, overSent, ledger.FirstAttemptReplays, changed);
    }
}
