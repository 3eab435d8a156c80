using System.Globalization;
using System.Text.Json.Nodes;
using Orleans.Configuration;
using Tollgate.Hosting;
using Xunit;

namespace Tollgate.ApiHost.Tests.Deployment;

/// <summary>The rendered Deployments give the silos and API hosts the settings their processes need in a cluster.</summary>
public sealed class ProcessSettingsTests
{
    public static readonly TheoryData<string> Overlays = new() { "dev", "prod" };

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task SilosListenOnAndAdvertiseTheirPodIp(string overlay)
    {
        var silo = (await RenderedOverlay.GetAsync(overlay)).Deployment("tollgate-silo").Container("silo");

        Assert.Equal("status.podIP", (string?)Workload.Env(silo, "Silo__Address")?["valueFrom"]?["fieldRef"]?["fieldPath"]);
        Assert.Equal(Workload.PortNumber(silo, "silo"), Workload.EnvNumber(silo, "Silo__Port"));
        Assert.Equal(Workload.PortNumber(silo, "health"), Workload.EnvNumber(silo, "Silo__HealthPort"));
        Assert.Equal(Workload.PortNumber(silo, "gateway"), Workload.EnvNumber(silo, "Silo__GatewayPort"));
        Assert.Equal(TollgateOrleans.DefaultGatewayPort, Workload.PortNumber(silo, "gateway"));
        Assert.Equal(TollgateOrleans.DefaultSiloPort, Workload.PortNumber(silo, "silo"));
        // The membership table names each silo after its pod.
        Assert.Equal("metadata.name", (string?)Workload.Env(silo, "Silo__Name")?["valueFrom"]?["fieldRef"]?["fieldPath"]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task PodsAreKilledOnlyAfterTheirProcessesShutdownBound(string overlay)
    {
        var rendered = await RenderedOverlay.GetAsync(overlay);
        var defaults = new ClusterSettings();

        // A silo leaves cleanly (ShuttingDown, deactivate everything, Dead) only if deactivating fits in the host's bound.
        var silo = rendered.Deployment("tollgate-silo");
        var siloBound = ShutdownBound(rendered, silo, "silo");
        Assert.True(siloBound > new GrainCollectionOptions().DeactivationTimeout,
            $"The silo's shutdown bound ({siloBound}) must outlast Orleans' deactivation timeout.");
        AssertGraceOutlasts(silo, "silo", siloBound);

        // An API host lets a grain call in flight finish, after the Service stopped sending it new requests.
        var host = rendered.Deployment("tollgate-apihost");
        var hostBound = ShutdownBound(rendered, host, "apihost");
        Assert.True(hostBound > Setting(rendered, host, "apihost", "Cluster__ResponseTimeout", defaults.ResponseTimeout),
            $"The API host's shutdown bound ({hostBound}) must outlast Cluster:ResponseTimeout.");
        Assert.True(Workload.PreStopSeconds(host.Container("apihost")) > 0, "The API host pauses before stopping, while the Service drops it.");
        AssertGraceOutlasts(host, "apihost", hostBound);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task RollingUpdatesStartANewPodBeforeStoppingAnOldOne(string overlay)
    {
        var rendered = await RenderedOverlay.GetAsync(overlay);
        foreach (var deployment in rendered.OfKind("Deployment").Select(d => new Workload(d)))
        {
            var strategy = deployment.Spec["strategy"]!;
            Assert.Equal("RollingUpdate", (string?)strategy["type"]);
            Assert.Equal(0, (int?)strategy["rollingUpdate"]?["maxUnavailable"]);
            Assert.Equal(1, (int?)strategy["rollingUpdate"]?["maxSurge"]);
            Assert.True((int?)deployment.Spec["minReadySeconds"] > 0, $"{deployment.Name} sets minReadySeconds.");
            Assert.Null(deployment.Spec["replicas"]); // the autoscaler owns the count; an apply must not reset it
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task ProbesAskTheRightEndpointsOnTheProcessesPorts(string overlay)
    {
        var rendered = await RenderedOverlay.GetAsync(overlay);

        var silo = rendered.Deployment("tollgate-silo").Container("silo");
        var healthPort = Workload.EnvNumber(silo, "Silo__HealthPort");
        AssertProbe(silo, "startupProbe", "/readyz", healthPort); // passes once the silo has joined
        AssertProbe(silo, "readinessProbe", "/readyz", healthPort); // 503 from the moment shutdown begins
        AssertProbe(silo, "livenessProbe", "/healthz", healthPort); // local only

        var host = rendered.Deployment("tollgate-apihost").Container("apihost");
        var httpPort = Workload.EnvNumber(host, "ASPNETCORE_HTTP_PORTS");
        Assert.Equal("Cluster", Workload.EnvValue(host, "ApiHost__Mode"));
        AssertProbe(host, "startupProbe", "/healthz", httpPort); // no restart loop while the silos are still starting
        AssertProbe(host, "readinessProbe", "/readyz", httpPort);
        AssertProbe(host, "livenessProbe", "/healthz", httpPort);

        var service = rendered.Single("Service", "tollgate-apihost");
        var target = service["spec"]!["ports"]!.AsArray().Single()!["targetPort"]!;
        Assert.Equal(httpPort, Workload.PortNumber(host, target));
    }

    private static TimeSpan ShutdownBound(RenderedOverlay rendered, Workload workload, string container)
    {
        // .NET's host reads shutdownTimeoutSeconds (30 s when unset); the manifests must say it, not rely on it.
        var seconds = PodEnvironment.Settings(rendered, workload.Container(container)).GetValueOrDefault("DOTNET_shutdownTimeoutSeconds")
            ?? throw new Xunit.Sdk.XunitException($"{workload.Name} does not set DOTNET_shutdownTimeoutSeconds.");
        return TimeSpan.FromSeconds(int.Parse(seconds, CultureInfo.InvariantCulture));
    }

    private static TimeSpan Setting(RenderedOverlay rendered, Workload workload, string container, string key, TimeSpan fallback) =>
        PodEnvironment.Settings(rendered, workload.Container(container)).TryGetValue(key, out var value)
            ? TimeSpan.Parse(value, CultureInfo.InvariantCulture)
            : fallback;

    private static void AssertGraceOutlasts(Workload workload, string container, TimeSpan shutdownBound)
    {
        var needed = Workload.PreStopSeconds(workload.Container(container)) + shutdownBound.TotalSeconds;
        Assert.True(workload.GracePeriodSeconds > needed,
            $"{workload.Name}: terminationGracePeriodSeconds {workload.GracePeriodSeconds} must exceed preStop + shutdown bound ({needed} s).");
    }

    private static void AssertProbe(JsonObject container, string probe, string path, int port)
    {
        var get = container[probe]?["httpGet"] ?? throw new Xunit.Sdk.XunitException($"Container {container["name"]} has no HTTP {probe}.");
        Assert.Equal(path, (string?)get["path"]);
        Assert.Equal(port, Workload.PortNumber(container, get["port"]!));
    }
}
