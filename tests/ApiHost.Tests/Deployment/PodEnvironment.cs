using System.Text;
using System.Text.Json.Nodes;
using Xunit.Sdk;

namespace Tollgate.ApiHost.Tests.Deployment;

/// <summary>
/// The environment variables a container of a rendered overlay starts with, resolved the way the kubelet does:
/// <c>envFrom</c> sources first, then <c>env</c> entries (later ones win), ConfigMap and Secret references looked
/// up among the rendered objects.
/// </summary>
internal static class PodEnvironment
{
    /// <summary>
    /// Everything, with <paramref name="fields"/> standing in for the downward API (<c>status.podIP</c> …). A required
    /// reference that does not resolve is an error, as it would keep the pod from starting.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Resolve(RenderedOverlay overlay, JsonObject container, IReadOnlyDictionary<string, string> fields) =>
        Build(overlay, container, fields);

    /// <summary>The settings known from the manifests alone: literals and ConfigMaps (no Secrets, no pod fields).</summary>
    public static IReadOnlyDictionary<string, string> Settings(RenderedOverlay overlay, JsonObject container) =>
        Build(overlay, container, null);

    private static Dictionary<string, string> Build(RenderedOverlay overlay, JsonObject container, IReadOnlyDictionary<string, string>? fields)
    {
        var complete = fields is not null;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container["envFrom"]?.AsArray().Select(s => s!.AsObject()) ?? [])
        {
            var (kind, reference) = source["configMapRef"] is { } map ? ("ConfigMap", map) : ("Secret", source["secretRef"]!);
            if (kind == "Secret" && !complete)
            {
                continue;
            }

            foreach (var (key, value) in Data(overlay, kind, (string)reference["name"]!))
            {
                environment[key] = value;
            }
        }

        foreach (var entry in container["env"]?.AsArray().Select(e => e!.AsObject()) ?? [])
        {
            var name = (string)entry["name"]!;
            if (entry["value"] is { } literal)
            {
                environment[name] = (string)literal!;
            }
            else if (entry["valueFrom"]?["fieldRef"]?["fieldPath"] is { } field)
            {
                if (complete)
                {
                    environment[name] = fields!.TryGetValue((string)field!, out var value) ? value : throw new XunitException($"No stand-in for the pod field {field}.");
                }
            }
            else if (entry["valueFrom"]?["configMapKeyRef"] is { } mapKey)
            {
                Lookup(overlay, "ConfigMap", mapKey, name, environment);
            }
            else if (entry["valueFrom"]?["secretKeyRef"] is { } secretKey && complete)
            {
                Lookup(overlay, "Secret", secretKey, name, environment);
            }
        }

        return environment;
    }

    private static void Lookup(RenderedOverlay overlay, string kind, JsonNode reference, string variable, Dictionary<string, string> environment)
    {
        var optional = (bool?)reference["optional"] ?? false;
        var name = (string)reference["name"]!;
        var key = (string)reference["key"]!;
        var exists = overlay.OfKind(kind).Any(o => (string?)o["metadata"]!["name"] == name);
        if (exists && Data(overlay, kind, name).TryGetValue(key, out var value))
        {
            environment[variable] = value;
        }
        else if (!optional)
        {
            throw new XunitException($"{variable} needs key {key} of {kind} {name}, which the {overlay.Name} overlay does not render.");
        }
    }

    private static Dictionary<string, string> Data(RenderedOverlay overlay, string kind, string name)
    {
        var data = overlay.Single(kind, name)["data"]?.AsObject() ?? new JsonObject();
        return data.ToDictionary(
            p => p.Key,
            p => kind == "Secret" ? Encoding.UTF8.GetString(Convert.FromBase64String((string)p.Value!)) : (string)p.Value!,
            StringComparer.Ordinal);
    }
}
