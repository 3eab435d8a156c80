using Tollgate.Grains.Identity;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.ApiHost.Tests.Operations;

/// <summary>With the standard <c>OTEL_EXPORTER_OTLP_*</c> variables set, the API host exports its traces over OTLP/HTTP.</summary>
[Collection(PostgresCollection.Name)]
public sealed class OtlpExportTests(PostgresFixture postgres)
{
    [Fact]
    public async Task WithAnOtlpEndpointSetTheApiHostExportsTheSpansOfItsRequestsAndOfTheGrainCallsTheyMade()
    {
        await using var collector = OtlpCollector.Start();
        var environment = TelemetryHosts.EmbeddedHost(postgres.ConnectionString, AuthTestClient.NewEmail("otlp-admin"));
        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint.ToString();
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        environment["OTEL_BSP_SCHEDULE_DELAY"] = "100";
        await using var host = ApiHostProcess.Start(Path.GetTempPath(), environment);
        await host.WaitReadyAsync(TelemetryHosts.Deadline);
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        await new AuthTestClient(http).SignUpAsync();

        var userGrain = typeof(IUserGrain).FullName!;
        await Eventually.TrueAsync(
            () => collector.Received.Any(r => r.Mentions("/api/auth/sign-up/email")) && collector.Received.Any(r => r.Mentions(userGrain)),
            TelemetryHosts.Deadline, $"the sign-up's spans are exported ({collector.Received.Count} requests received)\n{host.Output}");
        Assert.All(collector.Received, r =>
        {
            Assert.Equal(("POST", "/v1/traces", "application/x-protobuf"), (r.Method, r.Path, r.ContentType));
            Assert.True(r.Mentions("tollgate-apihost"), "spans name their service");
        });
        Assert.DoesNotContain(collector.Received, r => r.Mentions("/readyz"));
    }
}
