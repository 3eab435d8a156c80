using System.Globalization;
using Tollgate.Runtime.Membership;
using Tollgate.Testing;

namespace Tollgate.Runtime.Tests;

/// <summary>A real <c>src/Silo</c> process in a test cluster, hosting the test grains, with test failure-detection settings.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private SiloProcess(HostProcess process, int port)
    {
        Process = process;
        Port = port;
    }

    public HostProcess Process { get; }

    public int Port { get; }

    /// <summary>True once the test stopped or killed it on purpose.</summary>
    public bool Stopped { get; private set; }

    public Task KillAsync()
    {
        Stopped = true;
        return Process.KillHardAsync();
    }

    public Task<int> StopAsync()
    {
        Stopped = true;
        return Process.TerminateAsync(TimeSpan.FromSeconds(30));
    }

    public static SiloProcess Start(PostgresFixture postgres, string clusterId)
    {
        var port = HostProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Tollgate"] = postgres.ConnectionString,
            ["Cluster__ClusterId"] = clusterId,
            ["Cluster__ProbePeriod"] = "00:00:00.250",
            ["Cluster__ProbeTimeout"] = "00:00:00.500",
            ["Cluster__MissedProbesLimit"] = "3",
            ["Cluster__RefreshPeriod"] = "00:00:00.300",
            ["Cluster__IAmAlivePeriod"] = "00:00:00.500",
            ["Silo__Address"] = "127.0.0.1",
            ["Silo__Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Silo__HealthPort"] = HostProcess.FreePort().ToString(CultureInfo.InvariantCulture), // port + 1 may be taken
            ["Silo__GrainAssemblies__0"] = typeof(TestGrainsModule).Assembly.Location,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        return new SiloProcess(HostProcess.Start("Silo", "Tollgate.Silo", [], environment), port);
    }

    /// <summary>True when this process's current generation is Active in <paramref name="snapshot"/>.</summary>
    public bool IsActiveIn(MembershipSnapshot snapshot) => snapshot.ActiveSilos.Any(s => s.Port == Port);

    public SiloAddress? In(MembershipSnapshot snapshot) =>
        snapshot.Members.Where(m => m.Silo.Port == Port).OrderByDescending(m => m.Silo.Generation).Select(m => m.Silo).FirstOrDefault();

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
