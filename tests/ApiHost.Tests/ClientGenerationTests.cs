using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tollgate.ApiHost.Tests.Stripe;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// Issue 16: the frontend's way. orval (pinned in <c>Client/package.json</c>) generates a TypeScript fetch client from
/// the document a live Tollgate serves, with a mutator that sends <c>credentials: 'include'</c>; <c>tsc</c> type-checks it
/// with a usage file that switches on <c>code</c> and reads typed <c>details</c>; node runs that file against the same
/// Tollgate: sign-up, sign-in with the cookie, get-session, consume → 402 with a typed checkoutUrl, 401 with a typed signInUrl.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClientGenerationTests(Testing.PostgresFixture postgres)
{
    private const string Frontend = "http://localhost:3000";

    private static readonly string ClientDirectory = Path.Combine(NodeScript.RepositoryRoot, "tests", "ApiHost.Tests", "Client");

    [Fact]
    public async Task AnOrvalClientOfTheServedDocumentCompilesAndTypesEveryProblemAgainstALiveTollgate()
    {
        var adminEmail = AuthTestClient.NewEmail("orval-admin");
        await using var host = await ApiHostProcess.StartReadyAsync(postgres.ConnectionString, adminEmail, new Dictionary<string, string> { ["FRONTEND_URL"] = Frontend });
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var admin = await new AuthTestClient(http).SignUpAsync(adminEmail);
        var agentId = "agent-" + Guid.NewGuid().ToString("N")[..10];
        using (var agent = await new AuthTestClient(http).SendAsync(HttpMethod.Put, $"/api/admin/agents/{agentId}", admin.Token,
            new { name = "Orval agent", plans = new[] { new { stripePriceId = "price_orval", periodQuota = 5 } } }))
        {
            Assert.Equal(HttpStatusCode.OK, agent.StatusCode);
        }

        await File.WriteAllTextAsync(Path.Combine(ClientDirectory, "openapi.json"), await http.GetStringAsync("/openapi/v1.json"));
        await NodeScript.EnsurePackageAsync("orval", ClientDirectory);
        await NodeScript.EnsurePackageAsync("typescript", ClientDirectory);

        var output = Path.Combine(ClientDirectory, "generated");
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        await RunAsync("orval", ["npx", "orval", "--config", "orval.config.ts"]);
        var generated = await File.ReadAllTextAsync(Path.Combine(ClientDirectory, "generated", "tollgate.ts"));
        Assert.Contains("code: ProblemDetailsCode;", generated, StringComparison.Ordinal);
        Assert.Contains("details: ProblemDetailsDetails;", generated, StringComparison.Ordinal);
        await RunAsync("tsc", ["npx", "tsc", "-p", "tsconfig.json"]);
        var printed = await RunAsync("usage", ["npx", "tsx", "usage.ts"], new Dictionary<string, string>
        {
            ["TOLLGATE_URL"] = host.BaseAddress.ToString().TrimEnd('/'),
            ["TOLLGATE_ORIGIN"] = Frontend,
            ["TOLLGATE_AGENT"] = agentId,
        });

        var result = JsonDocument.Parse(printed.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal("PAYMENT_REQUIRED", result.GetProperty("paymentRequired").GetProperty("code").GetString());
        Assert.Contains(agentId, result.GetProperty("paymentRequired").GetProperty("checkoutUrl").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("subscribe at ", result.GetProperty("paymentRequired").GetProperty("next").GetString(), StringComparison.Ordinal);
        Assert.Equal("UNAUTHORIZED", result.GetProperty("unauthorized").GetProperty("code").GetString());
        Assert.StartsWith(Frontend + "/sign-in", result.GetProperty("unauthorized").GetProperty("signInUrl").GetString(), StringComparison.Ordinal);
        var userId = result.GetProperty("userId").GetString();
        Assert.Equal(2L, await postgres.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE user_id = $1", userId!));
    }

    private static async Task<string> RunAsync(string step, string[] command, Dictionary<string, string>? environment = null)
    {
        var (exitCode, stdout, stderr) = await NodeScript.RunAsync(command[0], command[1..], null, TimeSpan.FromMinutes(3), ClientDirectory, environment);
        Assert.True(exitCode == 0, $"{step} exited {exitCode}:\n{stdout}\n{stderr}");
        return stdout;
    }
}
