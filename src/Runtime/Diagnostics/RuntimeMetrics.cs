using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Tollgate.Runtime.Client;
using Tollgate.Runtime.Membership;

namespace Tollgate.Runtime.Diagnostics;

/// <summary>
/// The gauges read at each scrape: this silo's activations by grain type, and the cluster's members by status as
/// this process sees them (a silo through its membership, a cluster client through its view of the table, an
/// embedded silo as a cluster of one). Created from the host's meter factory, so they go with the host.
/// </summary>
internal sealed class RuntimeMetrics
{
    private static readonly SiloStatus[] Statuses = Enum.GetValues<SiloStatus>();

    private static readonly Dictionary<SiloStatus, KeyValuePair<string, object?>> StatusTags = Statuses.ToDictionary(
        status => status, status => new KeyValuePair<string, object?>("status", status switch
        {
            SiloStatus.ShuttingDown => "shutting_down",
            _ => status.ToString().ToLowerInvariant(),
        }));

    public RuntimeMetrics(IMeterFactory meters, IServiceProvider services)
    {
        var meter = meters.Create(RuntimeTelemetry.Name);
        var runtime = services.GetService<GrainRuntime>();
        if (runtime is not null)
        {
            meter.CreateObservableGauge("tollgate.grain.activations", () => Activations(runtime.Catalog.Counts), "{activation}",
                "Activations this silo holds, by grain interface.");
        }

        var members = MembersView(services, runtime);
        meter.CreateObservableGauge("tollgate.cluster.members", () => Members(members()), "{silo}",
            "Silos of the cluster by membership status, as this process sees the membership table.");
    }

    private static IEnumerable<Measurement<long>> Activations(ActivationCounts counts) =>
        counts.ByType().Select(pair => new Measurement<long>(pair.Value, new KeyValuePair<string, object?>("type", pair.Key)));

    private static IEnumerable<Measurement<int>> Members(IReadOnlyList<SiloStatus> statuses) =>
        Statuses.Select(status => new Measurement<int>(statuses.Count(s => s == status), StatusTags[status]));

    private static Func<IReadOnlyList<SiloStatus>> MembersView(IServiceProvider services, GrainRuntime? runtime)
    {
        if (services.GetService<MembershipService>() is { } membership)
        {
            return () => [.. membership.Snapshot.Members.Select(m => m.Status)];
        }

        if (services.GetService<ClusterClient>() is { } client)
        {
            return () => [.. client.Snapshot.Members.Select(m => m.Status)];
        }

        // An embedded silo has no membership table: it is a cluster of one from the moment it starts.
        return () => runtime?.IsStarted == true ? [SiloStatus.Active] : [];
    }
}
