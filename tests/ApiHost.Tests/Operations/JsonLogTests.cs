using System.Diagnostics;
using System.Net;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.ApiHost.Tests.Operations;

/// <summary>
/// Run from their project folders (as <c>dotnet run --project</c> runs them), both processes write one JSON object
/// per log line, and a request's lines carry its request id and the W3C trace id it came with.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class JsonLogTests(PostgresFixture postgres)
{
    private const string RequestLogs = "Microsoft.AspNetCore.Hosting.Diagnostics";

    [Fact]
    public async Task TheApiHostLogsOneJsonObjectPerLineAndARequestsLinesCarryItsRequestIdAndTheCallersTraceId()
    {
        var environment = TelemetryHosts.EmbeddedHost(postgres.ConnectionString, AuthTestClient.NewEmail("log-admin"));
        // appsettings.json keeps request logs at Warning; this test turns them on to have lines a request wrote.
        environment[$"Logging__LogLevel__{RequestLogs}"] = "Information";
        await using var host = ApiHostProcess.Start(TelemetryHosts.ProjectDirectory("ApiHost"), environment);
        await host.WaitReadyAsync(TelemetryHosts.Deadline);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/get-session");
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);

        await Eventually.TrueAsync(() => host.Output.Split('\n').Count(line => line.Contains(traceId, StringComparison.Ordinal)) >= 2,
            TelemetryHosts.Deadline, "the request's start and end are logged\n" + host.Output);
        var lines = TelemetryHosts.JsonLines(host.Output);
        var requestLines = lines.Where(line => TelemetryHosts.Scope(line, "TraceId") == traceId).ToList();
        Assert.Equal(2, requestLines.Count(line => line.GetProperty("Category").GetString() == RequestLogs));
        Assert.All(requestLines, line =>
        {
            Assert.Equal("/api/auth/get-session", TelemetryHosts.Scope(line, "RequestPath"));
            Assert.False(string.IsNullOrEmpty(TelemetryHosts.Scope(line, "RequestId")));
            Assert.Matches("^[0-9a-f]{16}$", TelemetryHosts.Scope(line, "SpanId"));
            Assert.True(line.TryGetProperty("Timestamp", out _) && line.TryGetProperty("Message", out _), line.ToString());
        });
        Assert.Single(requestLines.Select(line => TelemetryHosts.Scope(line, "RequestId")).Distinct());
    }

    [Fact]
    public async Task ASiloLogsOneJsonObjectPerLineAndItsProbeRequestsCarryARequestIdAndATraceId()
    {
        var healthPort = HostProcess.FreePort();
        await using var silo = TelemetryHosts.StartSilo(postgres.ConnectionString, "logs" + Guid.NewGuid().ToString("N")[..10], healthPort, TelemetryHosts.ProjectDirectory("Silo"));
        await TelemetryHosts.WaitReadyAsync(silo, $"http://127.0.0.1:{healthPort}/readyz");

        await Eventually.TrueAsync(() => silo.Output.Contains("Request finished", StringComparison.Ordinal), TelemetryHosts.Deadline, "a probe is logged\n" + silo.Output);
        var lines = TelemetryHosts.JsonLines(silo.Output);
        Assert.Contains(lines, line => line.GetProperty("Category").GetString() == "Tollgate.Hosting.MembershipLog");
        var probe = lines.First(line => line.GetProperty("Category").GetString() == RequestLogs && TelemetryHosts.Scope(line, "RequestPath") == "/readyz");
        Assert.Matches("^[0-9a-f]{32}$", TelemetryHosts.Scope(probe, "TraceId"));
        Assert.False(string.IsNullOrEmpty(TelemetryHosts.Scope(probe, "RequestId")));
    }
}
