using System.Net;
using System.Text.Json;
using Tollgate.ApiHost.Tests.Stripe;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// Issue 15: the support console in a real browser. Debian's chromium, driven by puppeteer-core (pinned in
/// <c>Browser/package.json</c>), against a live Tollgate process: sign in as an admin, find a user, read the 402
/// verdict, replay the failed event, see 200, revoke the sessions and see the user's next request 401; a member gets
/// 403 on the console and the dashboard. Screenshots of each page land in <c>Browser/screenshots</c>.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ConsoleBrowserTests(Testing.PostgresFixture postgres)
{
    private static readonly string BrowserDirectory = Path.Combine(NodeScript.RepositoryRoot, "tests", "ApiHost.Tests", "Browser");

    [Fact]
    public async Task ASupportEngineerFixesA402AndRevokesSessionsFromTheConsole()
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is needed (.ci/run installs it: apt-get install -y chromium)");
        var adminEmail = AuthTestClient.NewEmail("console-admin");
        await using var host = await ApiHostProcess.StartReadyAsync(postgres.ConnectionString, adminEmail,
            new Dictionary<string, string> { ["Stripe__WebhookSecrets__0"] = BillingTestKit.WebhookSecret });
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var client = new AuthTestClient(http);
        var admin = await client.SignUpAsync(adminEmail);
        var userEmail = AuthTestClient.NewEmail("console-user");
        var user = await client.SignUpAsync(userEmail);
        var memberEmail = AuthTestClient.NewEmail("console-member");
        await client.SignUpAsync(memberEmail);
        var kit = new BillingTestKit(client, admin.Token);
        var (agentId, priceId) = await kit.AgentAsync(periodQuota: 10);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await kit.ActivateAsync(user.UserId, agentId, priceId, now - 60, now + 3600);
        using (var pastDue = await kit.PostEventAsync(BillingTestKit.SubscriptionEvent(
            "evt_" + Guid.NewGuid().ToString("N"), "customer.subscription.updated", now + 1, user.UserId, agentId, priceId, "past_due", now - 60, now + 3600)))
        {
            Assert.Equal(HttpStatusCode.OK, pastDue.StatusCode);
        }

        // The renewal's event was stored but never applied (the database failed mid-way): what the console must show.
        var stuck = "evt_console_" + Guid.NewGuid().ToString("N");
        await postgres.ScalarAsync<object>(
            "INSERT INTO stripe_events (id, type, created, payload, attempts, last_error) VALUES ($1, 'customer.subscription.updated', now(), $2::jsonb, 1, 'TimeoutException: the database did not answer') RETURNING 1",
            stuck, BillingTestKit.SubscriptionEvent(stuck, "customer.subscription.updated", now + 2, user.UserId, agentId, priceId, "active", now - 60, now + 3600));
        Assert.Equal(HttpStatusCode.PaymentRequired, (await kit.ConsumeAsync(user.Token, agentId)).StatusCode);

        await NodeScript.EnsurePackageAsync("puppeteer-core", BrowserDirectory);
        var screenshots = Path.Combine(BrowserDirectory, "screenshots");
        var (exitCode, stdout, stderr) = await NodeScript.RunAsync("node", ["console.mjs"], null, TimeSpan.FromMinutes(3), BrowserDirectory, new Dictionary<string, string>
        {
            ["BASE_URL"] = host.BaseAddress.ToString().TrimEnd('/'),
            ["ADMIN_EMAIL"] = adminEmail,
            ["MEMBER_EMAIL"] = memberEmail,
            ["USER_EMAIL"] = userEmail,
            ["USER_TOKEN"] = user.Token,
            ["PASSWORD"] = AuthTestClient.Password,
            ["AGENT_ID"] = agentId,
            ["STUCK_EVENT"] = stuck,
            ["SCREENSHOTS"] = screenshots,
        });
        Assert.True(exitCode == 0, $"console.mjs exited {exitCode}:\n{stdout}\n{stderr}\n{host.Output}");

        var seen = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal("/console/login", seen.GetProperty("redirectedTo").GetString());
        Assert.Equal("/console", seen.GetProperty("afterSignIn").GetString());
        Assert.Equal(402, seen.GetProperty("consumeBefore").GetInt32());
        Assert.Contains(stuck, seen.GetProperty("reasonBefore").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, seen.GetProperty("consumeAfter").GetInt32());
        Assert.Equal(401, seen.GetProperty("signedInAfterRevoke").GetInt32());
        Assert.Equal(401, seen.GetProperty("userNextRequest").GetInt32());
        Assert.Equal(200, seen.GetProperty("dashboardForAdmin").GetInt32());
        Assert.Equal(403, seen.GetProperty("memberConsole").GetInt32());
        Assert.Equal(403, seen.GetProperty("memberConsoleScript").GetInt32());
        Assert.Equal(403, seen.GetProperty("memberDashboard").GetInt32());
        Assert.All(new[] { "1-login", "2-found", "3-explain-402", "4-replayed-200", "5-revoked", "6-dashboard", "7-member-403" },
            name => Assert.True(new FileInfo(Path.Combine(screenshots, name + ".png")).Length > 1000, $"screenshot {name}"));
        // Each console action went through the audited admin API.
        Assert.True(await postgres.ScalarAsync<long>(
            "SELECT count(*) FROM interactions WHERE user_id = $1 AND kind = 'admin_request' AND data->>'route' LIKE '%revoke-user-sessions%'", admin.UserId) >= 1,
            "revoke-user-sessions was audited");
        Assert.Equal(HttpStatusCode.Unauthorized, (await kit.ConsumeAsync(user.Token, agentId)).StatusCode);
    }
}
