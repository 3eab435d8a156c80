using System.Net;
using Npgsql;
using Tollgate.LoadTest.Http;

namespace Tollgate.LoadTest.Scenarios;

/// <summary>Checks before anything is seeded, so that a wrong address or database fails in a second with one clear line.</summary>
public static class Preflight
{
    public static async Task CheckTargetsAsync(LoadHttp http, CancellationToken cancellationToken)
    {
        foreach (var target in http.Targets)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            HttpStatusCode status;
            try
            {
                using var response = await http.Client.GetAsync(new Uri(target, "/readyz"), timeout.Token);
                status = response.StatusCode;
            }
            catch (Exception exception) when (exception is HttpRequestException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                var reason = exception is OperationCanceledException ? "no answer within 5 s" : exception.Message;
                throw new SetupException($"cannot reach {target}: {reason} (is the cluster running? scripts/local-cluster.sh starts one)");
            }

            if (status != HttpStatusCode.OK)
            {
                throw new SetupException($"{target} is not ready: GET /readyz answered {(int)status}");
            }
        }
    }

    public static async Task CheckDatabaseAsync(NpgsqlDataSource database, CancellationToken cancellationToken)
    {
        long tables;
        try
        {
            await using var command = database.CreateCommand(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('quota_idempotency', 'user_agent_subscriptions', 'stripe_events', 'orleansmembershiptable')");
            tables = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or ArgumentException)
        {
            throw new SetupException($"cannot use --database: {exception.Message}");
        }

        if (tables != 4)
        {
            throw new SetupException("--database has no Tollgate tables: give the cluster's own database (the silos' ConnectionStrings__Tollgate)");
        }
    }
}
