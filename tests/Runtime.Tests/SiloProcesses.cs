using Tollgate.Testing;

namespace Tollgate.Runtime.Tests;

/// <summary>A set of real silo processes of one test cluster.</summary>
public sealed class SiloProcesses : IAsyncDisposable
{
    private readonly List<SiloProcess> _silos;
    private readonly PostgresFixture _postgres;
    private readonly string _clusterId;

    public SiloProcesses(PostgresFixture postgres, string clusterId, int count)
    {
        (_postgres, _clusterId) = (postgres, clusterId);
        _silos = Enumerable.Range(0, count).Select(_ => SiloProcess.Start(postgres, clusterId)).ToList();
    }

    public SiloProcess this[int index] => _silos[index];

    /// <summary>The silos whose process still runs.</summary>
    public IReadOnlyList<SiloProcess> Running => _silos.Where(s => !s.Process.HasExited).ToList();

    public SiloProcess Add()
    {
        var silo = SiloProcess.Start(_postgres, _clusterId);
        _silos.Add(silo);
        return silo;
    }

    /// <summary>Waits until the client sees <paramref name="count"/> active silos; fails with the silos' output.</summary>
    public async Task WaitActiveAsync(TestClusterClient client, int count, TimeSpan deadline)
    {
        await Eventually.TrueAsync(async () =>
        {
            foreach (var silo in _silos.Where(s => s.Process.HasExited && !s.Stopped))
            {
                throw new InvalidOperationException($"Silo on port {silo.Port} exited with {silo.Process.ExitCode}:\n{silo.Process.Output}");
            }

            return (await client.Membership.ReadAsync(CancellationToken.None)).ActiveSilos.Count == count
                && client.Client.ActiveSilos.Count == count;
        }, deadline, $"{count} silos are active");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }
    }
}
