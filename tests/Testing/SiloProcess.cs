using System.Globalization;
using System.Net;

namespace Tollgate.Testing;

/// <summary>A <c>src/Silo</c> process of one cluster, on free loopback ports, and waiting for processes to be ready.</summary>
public static class SiloProcess
{
    /// <summary>
    /// Starts a silo of <paramref name="clusterId"/> on <paramref name="connectionString"/>, with the test settings
    /// (cheap password hashes, <paramref name="adminEmail"/> a bootstrap admin, Warning logs) and <paramref name="settings"/> on top.
    /// </summary>
    public static HostProcess Start(
        string connectionString, string clusterId, string adminEmail, out int healthPort, out int siloPort, IReadOnlyDictionary<string, string>? settings = null)
    {
        siloPort = HostProcess.FreePort();
        healthPort = HostProcess.FreePort();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Tollgate"] = connectionString,
            ["Cluster__ClusterId"] = clusterId,
            ["Silo__Port"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Silo__GatewayPort"] = HostProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Silo__HealthPort"] = healthPort.ToString(CultureInfo.InvariantCulture),
            ["Auth__BootstrapAdmins__0"] = adminEmail,
            ["Auth__PasswordIterations"] = "10000",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return HostProcess.Start("Silo", "Tollgate.Silo", [], environment);
    }

    /// <summary>Waits until <paramref name="url"/> (a <c>/readyz</c>) answers 200; the processes' output explains a failure.</summary>
    public static async Task WaitReadyAsync(string url, IEnumerable<HostProcess> processes, TimeSpan deadline)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                return (await http.GetAsync(url)).StatusCode == HttpStatusCode.OK;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, deadline, url + " is ready\n" + string.Join("\n", processes.Select(p => p.Output)));
    }
}
