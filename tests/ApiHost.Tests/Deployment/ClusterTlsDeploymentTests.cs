using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Tollgate.Hosting;
using Xunit;
using Xunit.Sdk;

namespace Tollgate.ApiHost.Tests.Deployment;

/// <summary>
/// Every silo and API host pod speaks mutual TLS on the cluster's ports: its <c>Cluster:Tls</c> settings name files of
/// one mounted Secret, which a pod cannot start without; and the development overlay's generated certificate is one
/// the processes load and trust, so the pods of a dev install talk to each other.
/// </summary>
public sealed class ClusterTlsDeploymentTests
{
    public static readonly TheoryData<string> Overlays = ProcessSettingsTests.Overlays;

    private static readonly (string Deployment, string Container)[] ClusterPods = [("tollgate-silo", "silo"), ("tollgate-apihost", "apihost")];

    private static readonly string[] TlsFiles = ["Cluster__Tls__CertificatePath", "Cluster__Tls__KeyPath", "Cluster__Tls__CaPaths__0"];

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task SilosAndApiHostsReadTheirCertificateKeyAndCasFromTheMountedClusterTlsSecret(string overlay)
    {
        var rendered = await RenderedOverlay.GetAsync(overlay);
        var secrets = new HashSet<string>();
        foreach (var (deployment, name) in ClusterPods)
        {
            var workload = rendered.Deployment(deployment);
            var settings = PodEnvironment.Settings(rendered, workload.Container(name));
            foreach (var setting in TlsFiles)
            {
                var path = settings.GetValueOrDefault(setting) ?? throw new XunitException($"{deployment} does not set {setting}.");
                var (secret, _, volume, mount) = SecretFile(workload, name, path);
                secrets.Add(secret);
                Assert.StartsWith("tollgate-cluster-tls", secret, StringComparison.Ordinal);
                Assert.NotEqual(true, (bool?)volume["secret"]!["optional"]);
                Assert.True((bool?)mount["readOnly"], $"{deployment} mounts the cluster TLS Secret read-only.");
            }
        }

        // Silos and API hosts present and trust the same certificates.
        Assert.Single(secrets);
    }

    [Fact]
    public async Task DevsGeneratedCertificateIsOneTheProcessesLoadAndTrustThemselves()
    {
        var dev = await RenderedOverlay.GetAsync("dev");
        var directory = Directory.CreateTempSubdirectory("tollgate-dev-tls-");
        try
        {
            foreach (var (deployment, name) in ClusterPods)
            {
                var workload = dev.Deployment(deployment);
                var settings = PodEnvironment.Settings(dev, workload.Container(name));
                var configuration = new Dictionary<string, string?>();
                foreach (var setting in TlsFiles)
                {
                    // The file as the kubelet would write it, at a local path standing in for the mount.
                    var (secret, key, _, _) = SecretFile(workload, name, settings[setting]);
                    var data = (string?)dev.Single("Secret", secret)["data"]?[key] ?? throw new XunitException($"Secret {secret} has no key {key}.");
                    var local = Path.Combine(directory.FullName, $"{deployment}-{key}");
                    await File.WriteAllBytesAsync(local, Convert.FromBase64String(data));
                    configuration[setting.Replace("__", ":", StringComparison.Ordinal)] = local;
                }

                var tls = ClusterTls.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build())
                    ?? throw new XunitException($"{deployment}'s settings leave TLS off.");
                Assert.True(tls.Certificate.HasPrivateKey);
                Assert.True(tls.IsTrusted(tls.Certificate, null, out var reason), reason);
                Assert.True(tls.Certificate.NotAfter > DateTime.Now.AddDays(7), $"The dev certificate expires on {tls.Certificate.NotAfter}.");
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The Secret, its key, the volume and the mount behind the file <paramref name="path"/> of a container.</summary>
    private static (string Secret, string Key, JsonObject Volume, JsonObject Mount) SecretFile(Workload workload, string container, string path)
    {
        var mounts = workload.Container(container)["volumeMounts"]?.AsArray().Select(m => m!.AsObject()) ?? [];
        var mount = mounts.SingleOrDefault(m => path.StartsWith(((string)m["mountPath"]!).TrimEnd('/') + "/", StringComparison.Ordinal))
            ?? throw new XunitException($"{workload.Name}: {path} is on no mounted volume.");
        var volume = workload.Pod["volumes"]!.AsArray().Select(v => v!.AsObject()).Single(v => (string?)v["name"] == (string?)mount["name"]);
        var secret = volume["secret"] ?? throw new XunitException($"{workload.Name}: {path} is not on a Secret volume.");
        var relative = path[(((string)mount["mountPath"]!).TrimEnd('/').Length + 1)..];
        var key = secret["items"]?.AsArray().SingleOrDefault(i => (string?)i!["path"] == relative)?["key"] is { } item ? (string)item! : relative;
        return ((string)secret["secretName"]!, key, volume, mount);
    }
}
