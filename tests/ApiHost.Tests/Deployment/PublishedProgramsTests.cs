using System.Globalization;
using System.Net;
using Tollgate.ApiHost.Tests.Stripe;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.ApiHost.Tests.Deployment;

/// <summary>
/// What the images would run, short of Docker: each Dockerfile's <c>dotnet publish</c> output started by its
/// ENTRYPOINT from the publish folder, with the environment the dev overlay gives its pod and the files of its Secret
/// volumes: the API host becomes ready only through the silo's gateway, so over the dev certificate's mutual TLS.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PublishedProgramsTests(PostgresFixture postgres) : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly string _scratch = Directory.CreateTempSubdirectory("tollgate-publish-").FullName;

    [Fact]
    public async Task ThePublishedSiloAndApiHostServeWithTheDevPodSettingsAndWriteOnlyToTmp()
    {
        var dev = await RenderedOverlay.GetAsync("dev");
        var published = await Task.WhenAll(PublishAsync("Silo"), PublishAsync("ApiHost"));
        var (siloFolder, siloEntryPoint) = published[0];
        var (hostFolder, hostEntryPoint) = published[1];
        var home = Directory.CreateDirectory(Path.Combine(_scratch, "home")).FullName;
        var before = Snapshot(siloFolder, hostFolder, home);

        var cluster = "k8s" + Guid.NewGuid().ToString("N")[..12];
        var healthPort = HostProcess.FreePort();
        var siloEnvironment = PodEnvironmentHere(dev, "tollgate-silo", "silo", cluster, home);
        siloEnvironment["Silo__Port"] = HostProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        siloEnvironment["Silo__GatewayPort"] = HostProcess.FreePort().ToString(CultureInfo.InvariantCulture);
        siloEnvironment["Silo__HealthPort"] = healthPort.ToString(CultureInfo.InvariantCulture);
        var hostUrl = $"http://127.0.0.1:{HostProcess.FreePort()}";
        var hostEnvironment = PodEnvironmentHere(dev, "tollgate-apihost", "apihost", cluster, home);
        hostEnvironment.Remove("ASPNETCORE_HTTP_PORTS"); // every interface, in a pod; loopback only here
        hostEnvironment["ASPNETCORE_URLS"] = hostUrl;

        await using var silo = HostProcess.StartAssembly(siloEntryPoint, [], siloEnvironment, siloFolder);
        await using var host = HostProcess.StartAssembly(hostEntryPoint, [], hostEnvironment, hostFolder);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await WaitReadyAsync(http, silo, $"http://127.0.0.1:{healthPort}/readyz");
        await WaitReadyAsync(http, host, $"{hostUrl}/readyz");

        // The ConfigMap's keys are ones the host reads: its trusted origin gets CORS, another origin does not.
        var trusted = hostEnvironment["Auth__TrustedOrigins__0"];
        Assert.Equal(trusted, await AllowedOriginAsync(http, hostUrl, trusted));
        Assert.Null(await AllowedOriginAsync(http, hostUrl, "https://untrusted.example.com"));

        Assert.Equal(0, await host.TerminateAsync(TimeSpan.FromSeconds(dev.Deployment("tollgate-apihost").GracePeriodSeconds)));
        Assert.Equal(0, await silo.TerminateAsync(TimeSpan.FromSeconds(dev.Deployment("tollgate-silo").GracePeriodSeconds)));
        Assert.Equal(before, Snapshot(siloFolder, hostFolder, home)); // what a read-only root filesystem allows
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    /// <summary>Runs the Dockerfile's publish command into a scratch folder; returns the folder and the entry point's assembly.</summary>
    private async Task<(string Folder, string EntryPoint)> PublishAsync(string project)
    {
        var recipe = DockerfileRecipe.Read(project);
        var folder = Path.Combine(_scratch, project);

        // The tests' own build is reused (their configuration, --no-build): compiling the solution again in Release
        // would cost CI a minute and more, and tell nothing new about what the publish folder holds.
        var arguments = recipe.PublishArguments.ToArray();
        Replace(arguments, "--configuration", HostProcess.BuildConfiguration);
        Replace(arguments, "--output", folder);
        var (exitCode, stdout, stderr) = await NodeScript.RunAsync(
            "dotnet", ["publish", .. arguments, "--no-build"], null, TimeSpan.FromMinutes(3), NodeScript.RepositoryRoot);
        Assert.True(exitCode == 0, $"dotnet publish of {project} failed:\n{stdout}{stderr}");

        Assert.Equal("dotnet", recipe.EntryPoint[0]);
        var entryPoint = Path.Combine(folder, recipe.EntryPoint[1]);
        Assert.True(File.Exists(entryPoint), $"{recipe.Path}'s ENTRYPOINT names {recipe.EntryPoint[1]}, which publishing did not produce.");
        return (folder, entryPoint);
    }

    private Dictionary<string, string> PodEnvironmentHere(RenderedOverlay overlay, string deployment, string container, string cluster, string home)
    {
        var fields = new Dictionary<string, string> { ["status.podIP"] = "127.0.0.1", ["metadata.name"] = "tollgate-silo-test" };
        var environment = new Dictionary<string, string>(PodEnvironment.Resolve(overlay, overlay.Deployment(deployment).Container(container), fields))
        {
            ["ConnectionStrings__Tollgate"] = postgres.ConnectionString,
            ["Cluster__ClusterId"] = cluster, // apart from the other tests' clusters in the shared database
            ["HOME"] = home,
            ["TMPDIR"] = Directory.CreateDirectory(Path.Combine(_scratch, "tmp-" + container)).FullName, // the pod's emptyDir
        };
        MountSecretsHere(overlay, overlay.Deployment(deployment), container, environment);
        return environment;
    }

    /// <summary>
    /// The container's Secret volumes (the cluster TLS certificate) written to scratch folders as the kubelet writes
    /// them, and the settings that point into a mount pointed at its folder instead.
    /// </summary>
    private void MountSecretsHere(RenderedOverlay overlay, Workload workload, string container, Dictionary<string, string> environment)
    {
        foreach (var mount in workload.Container(container)["volumeMounts"]?.AsArray().Select(m => m!.AsObject()) ?? [])
        {
            var volume = workload.Pod["volumes"]!.AsArray().Single(v => (string?)v!["name"] == (string?)mount["name"])!;
            if (volume["secret"] is not { } secret)
            {
                continue;
            }

            var folder = Directory.CreateDirectory(Path.Combine(_scratch, "mounts", workload.Name, (string)mount["name"]!)).FullName;
            foreach (var (key, value) in overlay.Single("Secret", (string)secret["secretName"]!)["data"]!.AsObject())
            {
                File.WriteAllBytes(Path.Combine(folder, key), Convert.FromBase64String((string)value!));
            }

            var mountPath = ((string)mount["mountPath"]!).TrimEnd('/') + "/";
            foreach (var (name, value) in environment.Where(e => e.Value.StartsWith(mountPath, StringComparison.Ordinal)).ToList())
            {
                environment[name] = Path.Combine(folder, value[mountPath.Length..]);
            }
        }
    }

    private static void Replace(string[] arguments, string option, string value)
    {
        var index = Array.IndexOf(arguments, option);
        Assert.True(index >= 0 && index + 1 < arguments.Length, $"The Dockerfile's dotnet publish has no {option} <value>.");
        arguments[index + 1] = value;
    }

    private static async Task<string?> AllowedOriginAsync(HttpClient http, string baseUrl, string origin)
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, $"{baseUrl}/api/auth/get-session");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        using var answer = await http.SendAsync(preflight);
        return answer.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) ? values.Single() : null;
    }

    private static async Task WaitReadyAsync(HttpClient http, HostProcess process, string url)
    {
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                if (process.HasExited)
                {
                    throw new Xunit.Sdk.XunitException($"Waiting for {url}, the process exited with {process.ExitCode}:\n{process.Output}");
                }

                try
                {
                    return (await http.GetAsync(url)).StatusCode == HttpStatusCode.OK;
                }
                catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }, Deadline, $"{url} answers 200");
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}\n{process.Output}", timeout);
        }
    }

    private static string Snapshot(params string[] folders) =>
        string.Join('\n', folders.SelectMany(folder => Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)
            .Select(path => $"{path} {(File.Exists(path) ? new FileInfo(path).Length : -1)} {File.GetLastWriteTimeUtc(path):O}"));
}
