using System.Text.Json;
using Npgsql;
using Tollgate.Storage;
using Tollgate.Postgres;

namespace Tollgate.Grains.Billing;

/// <summary>Reads agents, subscriptions and Stripe events; every change is committed before it is acknowledged.</summary>
public sealed class BillingDirectoryGrain(PostgresDatabase database) : Grain, IBillingDirectoryGrain
{
    public async Task<AgentInfo[]> ListAgentsAsync()
    {
        await using var command = database.DataSource.CreateCommand("SELECT id, name, organization_id, plans, created_at, updated_at FROM agents ORDER BY id");
        return [.. await ReadAsync(command, r => new AgentInfo(
            r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2),
            JsonSerializer.Deserialize<AgentPlan[]>(r.GetString(3), JsonSerializerOptions.Web) ?? [],
            r.GetFieldValue<DateTimeOffset>(4), r.GetFieldValue<DateTimeOffset>(5)))];
    }

    public async Task<SubscriptionInfo[]> ListSubscriptionsAsync(string userId)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT agent_id, status, stripe_subscription_id, price_id, current_period_start, current_period_end, cancel_at_period_end, " +
            "quota_limit, quota_used FROM user_agent_subscriptions WHERE user_id = $1 ORDER BY agent_id");
        command.Parameters.Add(new() { Value = userId });
        return [.. await ReadAsync(command, r => new SubscriptionInfo(
            userId, r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
            r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), r.IsDBNull(5) ? null : r.GetFieldValue<DateTimeOffset>(5),
            r.GetBoolean(6), r.GetInt64(7), r.GetInt64(8)))];
    }

    public async Task<string?> FindSubscriptionAsync(string stripeSubscriptionId)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT user_id || '/' || agent_id FROM user_agent_subscriptions WHERE stripe_subscription_id = $1 ORDER BY updated_at DESC LIMIT 1");
        command.Parameters.Add(new() { Value = stripeSubscriptionId });
        return await command.ExecuteScalarAsync() as string;
    }

    public async Task<StripeEventInfo[]> ListStripeEventsAsync(bool? processed, int limit)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT id, type, created, received_at, processed_at, attempts, last_error FROM stripe_events " +
            "WHERE $1::boolean IS NULL OR (processed_at IS NOT NULL) = $1 ORDER BY received_at DESC, id LIMIT $2");
        command.Parameters.Add(new() { Value = (object?)processed ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Boolean });
        command.Parameters.Add(new() { Value = limit });
        return [.. await ReadAsync(command, r => new StripeEventInfo(
            r.GetString(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.GetFieldValue<DateTimeOffset>(3),
            r.IsDBNull(4) ? null : r.GetFieldValue<DateTimeOffset>(4), r.GetInt32(5), r.IsDBNull(6) ? null : r.GetString(6)))];
    }

    private static async Task<List<T>> ReadAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read)
    {
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
