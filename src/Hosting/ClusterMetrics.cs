using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Runtime;
using Tollgate.Postgres;

namespace Tollgate.Hosting;

/// <summary>
/// The gauges read at each scrape: this silo's activations by grain interface, and the cluster's members by status
/// as this process sees them (a silo through Orleans' membership, a cluster client through the membership table).
/// Created from the host's meter factory, so they go with the host.
/// </summary>
internal sealed class ClusterMetrics
{
    private static readonly SiloStatus[] Statuses = [SiloStatus.Created, SiloStatus.Joining, SiloStatus.Active, SiloStatus.ShuttingDown, SiloStatus.Stopping, SiloStatus.Dead];

    private static readonly Dictionary<SiloStatus, KeyValuePair<string, object?>> StatusTags = Statuses.ToDictionary(
        status => status, status => new KeyValuePair<string, object?>("status", status switch
        {
            SiloStatus.ShuttingDown => "shutting_down",
            _ => status.ToString().ToLowerInvariant(),
        }));

    public ClusterMetrics(IMeterFactory meters, IServiceProvider services)
    {
        // Built when /metrics is mapped, before the host (and so the database and Orleans) starts: everything is
        // looked up at the first scrape, not here.
        var meter = meters.Create(RuntimeTelemetry.Name);
        var silo = services.GetService<SiloMarker>() is not null;
        if (silo)
        {
            meter.CreateObservableGauge("tollgate.grain.activations", Activations, "{activation}", "Activations this silo holds, by grain interface.");
        }

        Func<IReadOnlyList<SiloStatus>> members = silo
            ? () => [.. services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values.Select(m => m.Status)]
            : () => ReadTable(services);
        meter.CreateObservableGauge("tollgate.cluster.members", () => Members(members()), "{silo}",
            "Silos of the cluster by membership status, as this process sees the membership.");
    }

    /// <summary>Registered by silos only: this process hosts grains.</summary>
    internal sealed class SiloMarker;

    private static IEnumerable<Measurement<long>> Activations() =>
        ActivationCounter.Counts.Select(pair => new Measurement<long>(pair.Value, new KeyValuePair<string, object?>("type", pair.Key)));

    private static IEnumerable<Measurement<int>> Members(IReadOnlyList<SiloStatus> statuses) =>
        Statuses.Select(status => new Measurement<int>(statuses.Count(s => s == status), StatusTags[status]));

    /// <summary>A client's view: the rows of its cluster in the membership table (none while the database is unreachable).</summary>
    private static IReadOnlyList<SiloStatus> ReadTable(IServiceProvider services)
    {
        try
        {
            var database = services.GetRequiredService<PostgresDatabase>();
            var clusterId = services.GetRequiredService<IOptions<ClusterSettings>>().Value.ClusterId;
            using var command = database.DataSource.CreateCommand("SELECT status FROM orleansmembershiptable WHERE deploymentid = $1");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = clusterId });
            using var reader = command.ExecuteReader();
            var statuses = new List<SiloStatus>();
            while (reader.Read())
            {
                statuses.Add((SiloStatus)reader.GetInt32(0));
            }

            return statuses;
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return [];
        }
    }
}
