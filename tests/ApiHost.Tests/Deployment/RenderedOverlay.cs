using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Tollgate.ApiHost.Tests.Stripe;
using Xunit;

namespace Tollgate.ApiHost.Tests.Deployment;

/// <summary>
/// One overlay of <c>k8s/</c> rendered by <c>kubectl kustomize</c> and validated against the Kubernetes API schemas
/// by <c>validate.mjs</c>: the objects <c>kubectl apply -k</c> would send.
/// </summary>
internal sealed class RenderedOverlay
{
    public static readonly string ValidatorDirectory = Path.Combine(NodeScript.RepositoryRoot, "tests", "ApiHost.Tests", "Deployment");

    /// <summary>Where <c>scripts/cluster-tls-cert.sh</c> writes the dev overlay's certificate, relative to the repository.</summary>
    public static readonly string DevClusterTlsDirectory = Path.Combine("k8s", "overlays", "dev", "cluster-tls");

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private static readonly ConcurrentDictionary<string, Lazy<Task<RenderedOverlay>>> Rendered = new();

    private RenderedOverlay(string name, IReadOnlyList<JsonObject> objects)
    {
        Name = name;
        Objects = objects;
    }

    public string Name { get; }

    public IReadOnlyList<JsonObject> Objects { get; }

    public IEnumerable<Workload> Workloads =>
        Objects.Where(o => (string?)o["kind"] is "Deployment" or "StatefulSet").Select(o => new Workload(o));

    /// <summary>Renders and validates <c>k8s/overlays/<paramref name="overlay"/></c> once per test run.</summary>
    public static Task<RenderedOverlay> GetAsync(string overlay) =>
        Rendered.GetOrAdd(overlay, name => new Lazy<Task<RenderedOverlay>>(() => RenderAsync(name))).Value;

    public IEnumerable<JsonObject> OfKind(string kind) => Objects.Where(o => (string?)o["kind"] == kind);

    public JsonObject Single(string kind, string name) =>
        OfKind(kind).SingleOrDefault(o => (string?)o["metadata"]?["name"] == name)
        ?? throw new Xunit.Sdk.XunitException($"The {Name} overlay renders no {kind} named {name}.");

    public Workload Deployment(string name) => new(Single("Deployment", name));

    private static async Task<RenderedOverlay> RenderAsync(string overlay)
    {
        if (overlay == "dev")
        {
            // The dev overlay's cluster TLS Secret is made from files its generator writes (kept out of the repository).
            var (generateExit, _, generateErrors) = await RunAsync("bash", [Path.Combine("scripts", "cluster-tls-cert.sh"), DevClusterTlsDirectory], null, NodeScript.RepositoryRoot);
            Assert.True(generateExit == 0, $"scripts/cluster-tls-cert.sh failed:\n{generateErrors}");
        }

        var (renderExit, yaml, renderErrors) = await RunAsync("kubectl", ["kustomize", Path.Combine("k8s", "overlays", overlay)], null, NodeScript.RepositoryRoot);
        Assert.True(renderExit == 0, $"kubectl kustomize k8s/overlays/{overlay} failed:\n{renderErrors}");

        await NodeScript.EnsurePackageAsync("kubernetes-models", ValidatorDirectory);
        var (validateExit, json, problems) = await RunAsync("node", ["validate.mjs"], yaml, ValidatorDirectory);
        Assert.True(validateExit == 0, $"k8s/overlays/{overlay} renders objects the Kubernetes API would refuse:\n{problems}");

        var objects = JsonNode.Parse(json)!.AsArray().Select(node => node!.AsObject()).ToList();
        return new RenderedOverlay(overlay, objects);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string command, string[] arguments, string? stdin, string directory)
    {
        try
        {
            return await NodeScript.RunAsync(command, arguments, stdin, Deadline, directory);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException(
                $"{command} is needed to render and validate k8s/ (.ci/run installs kubectl, Node.js and the validator's packages).", exception);
        }
    }
}
