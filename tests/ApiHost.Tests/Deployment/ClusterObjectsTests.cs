using System.Globalization;
using System.Text.Json.Nodes;
using Xunit;

namespace Tollgate.ApiHost.Tests.Deployment;

/// <summary>The objects around the Deployments: autoscalers, disruption budgets, network policy, database, secrets.</summary>
public sealed class ClusterObjectsTests
{
    public static readonly TheoryData<string> Overlays = ProcessSettingsTests.Overlays;

    private static readonly Dictionary<string, string> Fields = new() { ["status.podIP"] = "10.0.0.7", ["metadata.name"] = "tollgate-silo-7d9f-x2k4q" }; // the downward API's stand-in

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task EachDeploymentHasACpuAutoscalerAndABudgetThatLetsADrainProceed(string overlay)
    {
        var rendered = await RenderedOverlay.GetAsync(overlay);
        var deployments = rendered.OfKind("Deployment").Select(d => new Workload(d)).ToList();
        Assert.Equal(["tollgate-apihost", "tollgate-silo"], deployments.Select(d => d.Name).Order());
        foreach (var deployment in deployments)
        {
            var autoscaler = rendered.OfKind("HorizontalPodAutoscaler").Single(h => (string?)h["spec"]!["scaleTargetRef"]!["name"] == deployment.Name)["spec"]!;
            Assert.Equal("Deployment", (string?)autoscaler["scaleTargetRef"]!["kind"]);
            var min = (int)autoscaler["minReplicas"]!;
            Assert.InRange((int)autoscaler["maxReplicas"]!, Math.Max(min, 2), 100);
            Assert.Contains(autoscaler["metrics"]!.AsArray(), m => (string?)m!["resource"]?["name"] == "cpu");

            // Exactly this Deployment's pods, and at least one of them may be evicted at a time.
            var budget = rendered.OfKind("PodDisruptionBudget").Single(b => Selects(b["spec"]!["selector"]!, deployment.PodLabels))["spec"]!;
            Assert.All(deployments.Where(d => d != deployment), other => Assert.False(Selects(budget["selector"]!, other.PodLabels)));
            Assert.True((int?)budget["maxUnavailable"] >= 1 || (int?)budget["minAvailable"] < min, $"{deployment.Name}'s budget blocks every eviction.");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task OnlyTollgatePodsMayReachTheSilosGrainAndGatewayPorts(string overlay)
    {
        var rendered = await RenderedOverlay.GetAsync(overlay);
        var silo = rendered.Deployment("tollgate-silo");
        var policy = rendered.OfKind("NetworkPolicy").Single(p => Selects(p["spec"]!["podSelector"]!, silo.PodLabels))["spec"]!;

        foreach (var setting in new[] { "Silo__Port", "Silo__GatewayPort" })
        {
            var port = Workload.EnvNumber(silo.Container("silo"), setting);
            var rules = policy["ingress"]!.AsArray().Where(r => r!["ports"]!.AsArray().Any(p => (int?)p!["port"] == port)).ToList();
            var peers = Assert.Single(rules)!["from"]!.AsArray().Select(f => f!["podSelector"]!).ToList();
            Assert.All(rendered.OfKind("Deployment").Select(d => new Workload(d)), client => Assert.Contains(peers, p => Selects(p, client.PodLabels)));
            Assert.DoesNotContain(peers, p => Selects(p, new Dictionary<string, string> { ["app"] = "anything-else" }));
        }
    }

    [Fact]
    public async Task DevRunsItsOwnPostgreSqlAndProdDoesNot()
    {
        var dev = await RenderedOverlay.GetAsync("dev");
        var postgres = new Workload(dev.Single("StatefulSet", "postgres"));
        Assert.NotEmpty(postgres.Spec["volumeClaimTemplates"]!.AsArray());
        Assert.Equal("None", (string?)dev.Single("Service", "postgres")["spec"]!["clusterIP"]);
        var connection = PodEnvironment.Resolve(dev, dev.Deployment("tollgate-silo").Container("silo"), Fields)["ConnectionStrings__Tollgate"];
        Assert.Contains("Host=postgres;", connection, StringComparison.Ordinal);

        var prod = await RenderedOverlay.GetAsync("prod");
        Assert.Empty(prod.OfKind("StatefulSet"));
        Assert.Equal(["tollgate-apihost"], prod.OfKind("Service").Select(s => (string)s["metadata"]!["name"]!));
    }

    [Fact]
    public async Task ProdTakesTheConnectionStringFromASecretKeptOutOfTheRepository()
    {
        var prod = await RenderedOverlay.GetAsync("prod");
        Assert.Empty(prod.OfKind("Secret"));
        foreach (var deployment in prod.OfKind("Deployment").Select(d => new Workload(d)))
        {
            var container = deployment.Containers.Single();
            var connection = Workload.Env(container, "ConnectionStrings__Tollgate") ?? throw new Xunit.Sdk.XunitException($"{deployment.Name} has no connection string.");
            Assert.Null(connection["value"]);
            Assert.NotNull(connection["valueFrom"]!["secretKeyRef"]!["key"]);
            Assert.NotEqual(true, (bool?)connection["valueFrom"]!["secretKeyRef"]!["optional"]);
        }

        var configured = prod.OfKind("ConfigMap").SelectMany(c => c["data"]!.AsObject().Select(p => p.Key)).ToList();
        Assert.DoesNotContain(configured, key => key.StartsWith("ConnectionStrings", StringComparison.Ordinal) || key.Contains("Secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task EveryDevPodFindsEveryConfigMapAndSecretKeyItNeeds()
    {
        var dev = await RenderedOverlay.GetAsync("dev");
        foreach (var workload in dev.Workloads)
        {
            foreach (var container in workload.Containers)
            {
                Assert.NotEmpty(PodEnvironment.Resolve(dev, container, Fields)); // throws on a reference that does not resolve
            }
        }
    }

    [Fact]
    public async Task TheDevDatabaseAcceptsEveryPodsFullConnectionPool()
    {
        var dev = await RenderedOverlay.GetAsync("dev");
        var maxPods = dev.OfKind("HorizontalPodAutoscaler").Sum(h => (int)h["spec"]!["maxReplicas"]!);
        var poolSize = int.Parse(PodEnvironment.Settings(dev, dev.Deployment("tollgate-silo").Container("silo"))["Database__MaxPoolSize"], CultureInfo.InvariantCulture);
        var arguments = new Workload(dev.Single("StatefulSet", "postgres")).Container("postgres")["args"]!.AsArray().Select(a => (string)a!).ToList();
        var maxConnections = int.Parse(arguments.Single(a => a.StartsWith("max_connections=", StringComparison.Ordinal))["max_connections=".Length..], CultureInfo.InvariantCulture);

        const int ReservedForSuperusers = 3; // PostgreSQL's superuser_reserved_connections
        Assert.True(maxPods * poolSize <= maxConnections - ReservedForSuperusers,
            $"{maxPods} pods x {poolSize} connections exceed max_connections={maxConnections}.");
    }

    private static bool Selects(JsonNode selector, IReadOnlyDictionary<string, string> labels)
    {
        var matchLabels = (selector["matchLabels"] ?? selector).AsObject();
        return matchLabels.Count > 0 && matchLabels.All(p => labels.TryGetValue(p.Key, out var value) && value == (string?)p.Value);
    }
}
