using System.Globalization;
using System.Net;
using System.Text.Json;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.ApiHost.Tests.Operations;

/// <summary>The built hosts started as processes the way an operator runs them, and what they expose: /metrics and their log lines.</summary>
internal static class TelemetryHosts
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary><c>src/{project}</c>: where <c>dotnet run --project src/{project}</c> runs it, so its appsettings.json applies.</summary>
    public static string ProjectDirectory(string project)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Orleans.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(directory?.FullName ?? throw new InvalidOperationException("Orleans.sln not found above the test folder."), "src", project);
    }

    /// <summary>An embedded-silo API host on the test database, with fast password hashing, a bootstrap admin and the billing tests' webhook secret.</summary>
    public static Dictionary<string, string> EmbeddedHost(string connectionString, string adminEmail) => new()
    {
        ["ConnectionStrings__Tollgate"] = connectionString,
        ["Auth__PasswordIterations"] = "10000",
        ["Auth__BootstrapAdmins__0"] = adminEmail,
        ["Stripe__WebhookSecrets__0"] = BillingTestKit.WebhookSecret,
    };

    /// <summary>A silo process of <paramref name="cluster"/> whose probes and /metrics answer on <paramref name="healthPort"/>.</summary>
    public static HostProcess StartSilo(string connectionString, string cluster, int healthPort, string? workingDirectory = null) =>
        HostProcess.Start("Silo", "Tollgate.Silo", [], new Dictionary<string, string>
        {
            ["ConnectionStrings__Tollgate"] = connectionString,
            ["Cluster__ClusterId"] = cluster,
            ["Silo__Port"] = HostProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Silo__HealthPort"] = healthPort.ToString(CultureInfo.InvariantCulture),
        }, workingDirectory);

    public static async Task WaitReadyAsync(HostProcess process, string readyzUrl)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await Eventually.TrueAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The process exited with {process.ExitCode}:\n{process.Output}");
            }

            try
            {
                return (await http.GetAsync(readyzUrl)).StatusCode == HttpStatusCode.OK;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }, Deadline, $"{readyzUrl} answers 200\n{process.Output}");
    }

    /// <summary>GETs <paramref name="url"/> as Prometheus does and reads the exposition strictly.</summary>
    public static async Task<PrometheusText> ScrapeAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {text}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        return PrometheusText.Parse(text);
    }

    /// <summary>Every line a process wrote, each of which must be one JSON object.</summary>
    public static List<JsonElement> JsonLines(string output) =>
        [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line =>
        {
            try
            {
                var element = JsonDocument.Parse(line).RootElement.Clone();
                return element.ValueKind == JsonValueKind.Object ? element : throw new JsonException("not an object");
            }
            catch (JsonException exception)
            {
                throw new Xunit.Sdk.XunitException($"A log line is not one JSON object ({exception.Message}): {line}");
            }
        })];

    /// <summary>The value of <paramref name="name"/> in the log entry's scopes (request id, trace id...), or null.</summary>
    public static string? Scope(JsonElement entry, string name) =>
        entry.TryGetProperty("Scopes", out var scopes)
            ? scopes.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty(name, out _))
                .Select(s => s.GetProperty(name).ToString()).FirstOrDefault()
            : null;
}
