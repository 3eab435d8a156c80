using System.Net;
using Xunit;

namespace Tollgate.ApiHost.Tests;

/// <summary>Issue 15: the Orleans Dashboard is mounted at /dashboard for platform admins only (it has no authentication of its own).</summary>
[Collection(PostgresCollection.Name)]
public sealed class DashboardTests(Testing.PostgresFixture postgres)
{
    [Fact]
    public async Task OnlyAPlatformAdminReachesTheDashboardAndItsData()
    {
        await using var factory = new TollgateApiFactory(postgres.ConnectionString);
        var client = new AuthTestClient(factory.CreateBareClient());
        var admin = await client.AdminAsync();
        var user = await client.SignUpAsync();

        using var page = await client.GetAsync("/dashboard/", admin.Token);
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{(int)page.StatusCode} {string.Join(";", page.Headers)} {await page.Content.ReadAsStringAsync()}");
        Assert.Contains("Orleans", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        using var data = await client.GetAsync("/dashboard/DashboardCounters", admin.Token);
        Assert.Equal(HttpStatusCode.OK, data.StatusCode);
        Assert.Contains("totalActivationCount", await data.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        foreach (var path in new[] { "/dashboard", "/dashboard/", "/dashboard/DashboardCounters" })
        {
            using var forbidden = await client.GetAsync(path, user.Token);
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Equal("support:read", (await AuthTestClient.Json(forbidden)).GetProperty("details").GetProperty("required")[0].GetString());
            using var anonymous = await client.GetAsync(path, null);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }
    }
}
