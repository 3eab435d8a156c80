namespace Tollgate.Testing;

/// <summary>The API host as a real process in cluster mode: a client of one cluster's silo processes.</summary>
public static class ClusterApiHost
{
    /// <summary>
    /// Starts it on a free loopback port (<paramref name="url"/>), re-reading membership every 300 ms so it sees silos
    /// come and go quickly; <paramref name="settings"/> (environment variables) add to or override that.
    /// </summary>
    public static HostProcess Start(string connectionString, string clusterId, out string url, IReadOnlyDictionary<string, string>? settings = null)
    {
        url = $"http://127.0.0.1:{HostProcess.FreePort()}";
        var environment = new Dictionary<string, string>
        {
            ["ApiHost__Mode"] = "Cluster",
            ["ConnectionStrings__Tollgate"] = connectionString,
            ["Cluster__ClusterId"] = clusterId,
            ["Cluster__RefreshPeriod"] = "00:00:00.300",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        return HostProcess.Start("ApiHost", "Tollgate.ApiHost", ["--urls", url], environment);
    }
}
