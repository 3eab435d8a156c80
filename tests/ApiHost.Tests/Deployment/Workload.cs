using System.Globalization;
using System.Text.Json.Nodes;

namespace Tollgate.ApiHost.Tests.Deployment;

/// <summary>A rendered Deployment or StatefulSet, with the lookups the manifest tests make on its pod template.</summary>
internal sealed class Workload(JsonObject manifest)
{
    public JsonObject Manifest { get; } = manifest;

    public string Name => (string)Manifest["metadata"]!["name"]!;

    public JsonObject Spec => Manifest["spec"]!.AsObject();

    public JsonObject Pod => Spec["template"]!["spec"]!.AsObject();

    public IReadOnlyDictionary<string, string> PodLabels =>
        Spec["template"]!["metadata"]!["labels"]!.AsObject().ToDictionary(p => p.Key, p => (string)p.Value!);

    public IEnumerable<JsonObject> Containers => Pod["containers"]!.AsArray().Select(c => c!.AsObject());

    public JsonObject Container(string name) =>
        Containers.SingleOrDefault(c => (string?)c["name"] == name)
        ?? throw new Xunit.Sdk.XunitException($"{Name} has no container named {name}.");

    public int GracePeriodSeconds => (int?)Pod["terminationGracePeriodSeconds"] ?? 30;

    /// <summary>The <c>env</c> entry named <paramref name="name"/>, or null.</summary>
    public static JsonObject? Env(JsonObject container, string name) =>
        container["env"]?.AsArray().Select(e => e!.AsObject()).SingleOrDefault(e => (string?)e["name"] == name);

    /// <summary>The literal value of an <c>env</c> entry that must be set in the manifest itself.</summary>
    public static string EnvValue(JsonObject container, string name) =>
        (string?)Env(container, name)?["value"]
        ?? throw new Xunit.Sdk.XunitException($"Container {container["name"]} sets no literal {name}.");

    public static int EnvNumber(JsonObject container, string name) => int.Parse(EnvValue(container, name), CultureInfo.InvariantCulture);

    /// <summary>A probe's or Service's port: a number, or the name of one of the container's ports.</summary>
    public static int PortNumber(JsonObject container, JsonNode port) =>
        port.GetValueKind() == System.Text.Json.JsonValueKind.Number
            ? (int)port
            : container["ports"]!.AsArray().Select(p => p!.AsObject()).Where(p => (string?)p["name"] == (string)port!)
                .Select(p => (int)p["containerPort"]!).Single();

    /// <summary>The seconds a <c>preStop</c> hook sleeps before the process is signalled (0 without one).</summary>
    public static int PreStopSeconds(JsonObject container)
    {
        if (container["lifecycle"]?["preStop"] is not { } preStop)
        {
            return 0;
        }

        var command = preStop["exec"]?["command"]?.AsArray().Select(c => (string)c!).ToArray();
        return command is ["sleep", var seconds]
            ? int.Parse(seconds, CultureInfo.InvariantCulture)
            : throw new Xunit.Sdk.XunitException($"Container {container["name"]} has a preStop hook whose duration is unknown: {preStop.ToJsonString()}");
    }
}
