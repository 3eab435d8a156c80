using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Tollgate.Hosting;

/// <summary>
/// Writes one Information line per membership change this silo sees (a silo joined, became active, is shutting down,
/// was declared dead), so operators read the cluster's history in the logs while Orleans' own categories stay at
/// Warning.
/// </summary>
internal sealed partial class MembershipLog(IServiceProvider services, ILogger<MembershipLog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved now, once the silo (started before this service) has its database: not when hosted services are built.
        var membership = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<IClusterMembershipService>(services);
        var known = new Dictionary<SiloAddress, SiloStatus>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                foreach (var (silo, member) in snapshot.Members)
                {
                    if (!known.TryGetValue(silo, out var status) || status != member.Status)
                    {
                        known[silo] = member.Status;
                        LogMember(logger, member.Name, silo.ToParsableString(), member.Status, snapshot.Version.Value);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Silo {SiloName} ({SiloAddress}) is {Status} (membership version {Version})")]
    private static partial void LogMember(ILogger logger, string siloName, string siloAddress, SiloStatus status, long version);
}
