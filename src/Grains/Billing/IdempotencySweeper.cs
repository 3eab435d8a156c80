using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tollgate.Postgres;

namespace Tollgate.Grains.Billing;

/// <summary>
/// Deletes idempotency records older than <see cref="QuotaOptions.IdempotencyRetention"/> (48 h by default, so a
/// key replays for at least the 24 h api.md promises), hourly. Every silo may run it; the delete is idempotent.
/// </summary>
public sealed class IdempotencySweeper(PostgresDatabase database, IOptions<QuotaOptions> options, ILogger<IdempotencySweeper> logger) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromHours(1);

    /// <summary>Deletes the expired records now; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand("DELETE FROM quota_idempotency WHERE created_at < now() - $1::interval");
        command.Parameters.Add(new() { Value = options.Value.IdempotencyRetention });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        do
        {
            try
            {
                var deleted = await SweepAsync(stoppingToken);
                if (deleted > 0)
                {
                    logger.LogInformation("Deleted {Count} idempotency records older than {Retention}", deleted, options.Value.IdempotencyRetention);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Sweeping idempotency records failed; retrying in {Period}", Period);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
