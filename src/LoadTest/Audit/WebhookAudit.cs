using Npgsql;

namespace Tollgate.LoadTest.Audit;

/// <summary>Checks that each acknowledged webhook event is in <c>stripe_events</c> with <c>processed_at</c> set.</summary>
public static class WebhookAudit
{
    public static async Task<WebhookAuditResult> CheckAsync(NpgsqlDataSource database, long deliveries, IReadOnlyCollection<string> acknowledged,
        CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand("SELECT count(*) FROM stripe_events WHERE id = ANY($1) AND processed_at IS NOT NULL");
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. acknowledged] });
        var processed = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        return new WebhookAuditResult(deliveries, acknowledged.Count, processed);
    }
}
