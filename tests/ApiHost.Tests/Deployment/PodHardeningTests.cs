using Xunit;

namespace Tollgate.ApiHost.Tests.Deployment;

/// <summary>Every pod the overlays render is scheduled with requests, runs unprivileged and pins its image.</summary>
public sealed class PodHardeningTests
{
    public static readonly TheoryData<string> Overlays = ProcessSettingsTests.Overlays;

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task EveryContainerRequestsCpuAndMemoryAndHasNoCpuLimit(string overlay)
    {
        foreach (var workload in (await RenderedOverlay.GetAsync(overlay)).Workloads)
        {
            foreach (var container in workload.Containers)
            {
                var resources = container["resources"];
                var what = $"{workload.Name}/{container["name"]}";
                Assert.True(resources?["requests"]?["cpu"] is not null, $"{what} requests CPU.");
                Assert.True(resources?["requests"]?["memory"] is not null, $"{what} requests memory.");
                Assert.True(resources?["limits"]?["memory"] is not null, $"{what} has a memory limit.");
                Assert.True(resources?["limits"]?["cpu"] is null, $"{what} has no CPU limit (throttling stalls heartbeats and probes).");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task EveryContainerRunsAsNonRootOnAReadOnlyRootFilesystem(string overlay)
    {
        foreach (var workload in (await RenderedOverlay.GetAsync(overlay)).Workloads)
        {
            var pod = workload.Pod;
            Assert.True((bool?)pod["securityContext"]?["runAsNonRoot"], $"{workload.Name} sets runAsNonRoot.");
            Assert.True((long?)pod["securityContext"]?["runAsUser"] > 0, $"{workload.Name} runs as a numbered non-root user.");
            Assert.False((bool?)pod["automountServiceAccountToken"] ?? true, $"{workload.Name} needs no Kubernetes API token.");
            var emptyDirs = pod["volumes"]?.AsArray().Where(v => v!["emptyDir"] is not null).Select(v => (string)v!["name"]!).ToHashSet() ?? [];
            foreach (var container in workload.Containers)
            {
                var what = $"{workload.Name}/{container["name"]}";
                var security = container["securityContext"];
                Assert.True((bool?)security?["readOnlyRootFilesystem"], $"{what} has a read-only root filesystem.");
                Assert.False((bool?)security?["allowPrivilegeEscalation"] ?? true, $"{what} forbids privilege escalation.");
                Assert.Contains("ALL", security?["capabilities"]?["drop"]?.AsArray().Select(c => (string?)c) ?? []);
                var tmp = container["volumeMounts"]?.AsArray().SingleOrDefault(m => (string?)m!["mountPath"] == "/tmp");
                Assert.True(tmp is not null && emptyDirs.Contains((string)tmp["name"]!), $"{what} gets a writable emptyDir on /tmp.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task EveryImageIsPinnedToAVersionTag(string overlay)
    {
        foreach (var workload in (await RenderedOverlay.GetAsync(overlay)).Workloads)
        {
            foreach (var container in workload.Containers)
            {
                var image = (string)container["image"]!;
                var name = image[(image.LastIndexOf('/') + 1)..];
                Assert.True(name.Contains(':') && !name.EndsWith(":latest", StringComparison.Ordinal), $"{workload.Name} uses {image}: pin a tag.");
            }
        }
    }
}
