using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Tollgate.Postgres;
using Tollgate.Testing;
using Xunit;

namespace Tollgate.ApiHost.Tests;

[Collection(PostgresCollection.Name)]
public sealed class OperationsApiTests(PostgresFixture postgres)
{
    [Fact]
    public async Task HealthzAnswersWhileTheProcessIsUp()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", (await Json(response)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ReadyzIsReadyOnceTheSiloStartedAndTheDatabaseAnswers()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        Assert.True(body.GetProperty("siloStarted").GetBoolean());
        Assert.True(body.GetProperty("databaseReachable").GetBoolean());
    }

    [Fact]
    public async Task ReadyzIsUnavailableWhenTheDatabaseStops()
    {
        var server = await EmbeddedPostgres.StartAsync(new EmbeddedPostgresOptions
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), "tollgate-readyz-" + Guid.NewGuid().ToString("N")[..8], "pg"),
            DeleteOnStop = true,
        }, NullLogger.Instance);
        await using (server)
        {
            // Its silo cannot leave the cluster gracefully once the database is gone (it cannot record itself dead), so
            // the host gets a short shutdown bound, and that stop may end cancelled.
            var factory = new TollgateApiFactory(server.ConnectionString, new Dictionary<string, string?> { ["shutdownTimeoutSeconds"] = "5" });
            try
            {
                using var client = factory.CreateClient();
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);

                await server.StopAsync();
                var response = await client.GetAsync("/readyz");

                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                var problem = await Json(response);
                Assert.Equal("UNAVAILABLE", problem.GetProperty("code").GetString());
                Assert.False(problem.GetProperty("details").GetProperty("databaseReachable").GetBoolean());
            }
            finally
            {
                try
                {
                    await factory.DisposeAsync();
                }
                catch (OperationCanceledException)
                {
                    // The bounded, ungraceful stop described above.
                }
            }
        }
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheEndpoints()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        using var client = factory.CreateClient();

        var document = await Json(await client.GetAsync("/openapi/v1.json"));

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/healthz", out _));
        Assert.True(paths.GetProperty("/readyz").GetProperty("get").GetProperty("responses").TryGetProperty("503", out _));
    }

    [Fact]
    public async Task AnUnknownRouteIsAProblemWithACode()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        using var client = factory.CreateClient();

        var response = await client.GetAsync("/no-such-route");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await Json(response);
        Assert.Equal("NOT_FOUND", problem.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Object, problem.GetProperty("details").ValueKind);
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}
