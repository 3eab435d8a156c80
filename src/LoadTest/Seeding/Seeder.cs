using System.Diagnostics;
using Tollgate.LoadTest.Http;
using Tollgate.LoadTest.Options;

namespace Tollgate.LoadTest.Seeding;

/// <summary>
/// Seeds a run's own data through the public API, as the cluster's real clients would: the admin (a bootstrap admin
/// of the cluster), one publishing organization, quota:consume key and agent per agent, every user's subscription
/// to every agent by a signed <c>customer.subscription.created</c> webhook, and signed-up accounts for the session scenarios.
/// </summary>
public sealed class Seeder(LoadTestOptions options, ApiClient api, Action<string> log)
{
    private const long PeriodQuota = 1_000_000_000_000;
    private const int Parallelism = 16;
    private const int RoleUsers = 2;

    public async Task<World> SeedAsync(CancellationToken cancellationToken)
    {
        var runId = "lt" + Guid.NewGuid().ToString("N")[..8];
        var accounts = new Accounts(api);
        var admin = await AdminAsync(accounts, cancellationToken);
        var withSubscriptions = options.Scenario != Scenario.Sessions;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var agents = withSubscriptions ? await AgentsAsync(runId, accounts, admin.Token, cancellationToken) : [];
        var users = withSubscriptions ? Enumerable.Range(0, options.Users).Select(i => $"{runId}-user-{i}").ToArray() : [];
        var world = new World(runId, admin.Token, agents, users, now - 60, now + (30 * 86_400));
        if (withSubscriptions)
        {
            await SubscribeAsync(world, cancellationToken);
        }

        if (options.Scenario is Scenario.Sessions or Scenario.Mixed)
        {
            await SignUpAsync(world, accounts, cancellationToken);
        }

        return world;
    }

    private async Task<SignedIn> AdminAsync(Accounts accounts, CancellationToken cancellationToken)
    {
        var account = new Account("", options.AdminEmail, options.AdminPassword);
        var signUp = await api.PostAsync("/api/auth/sign-up/email", new { name = "Load Test Admin", email = account.Email, password = account.Password },
            cancellationToken: cancellationToken);
        var signedIn = signUp.Code == "USER_ALREADY_EXISTS" ? await api.PostAsync("/api/auth/sign-in/email", new { email = account.Email, password = account.Password },
            cancellationToken: cancellationToken) : signUp;
        if (signedIn.Code == "INVALID_EMAIL_OR_PASSWORD")
        {
            throw new SetupException($"the admin {account.Email} exists with another password: pass its --admin-password");
        }

        var admin = Accounts.Read(signedIn, $"signing in the admin {account.Email}");
        return admin.Role == "platform_admin" ? admin : throw new SetupException(
            $"{account.Email} is not a platform_admin: start the silos with Auth__BootstrapAdmins__0={account.Email} (scripts/local-cluster.sh does), or pass --admin-email of a bootstrap admin");
    }

    private async Task<AgentSeed[]> AgentsAsync(string runId, Accounts accounts, string adminToken, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var publisher = await accounts.SignUpAsync(new Account("", $"{runId}-publisher@example.com", $"{runId}-publisher-password"), cancellationToken);
        var agents = new AgentSeed[options.Agents];
        await Parallel.ForEachAsync(Enumerable.Range(0, options.Agents), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (a, ct) =>
        {
            var organizationId = ApiClient.Require(await api.PostAsync("/api/auth/organization/create", new { name = $"Publisher {runId} {a}", slug = $"{runId}-pub-{a}" }, publisher.Token, ct),
                "creating a publishing organization").GetProperty("id").GetString()!;
            var key = ApiClient.Require(await api.PostAsync("/api/auth/api-key/create",
                new { name = $"{runId}-agent-{a}-backend", organizationId, permissions = new { quota = new[] { "consume" } } }, publisher.Token, ct),
                "creating the agent's quota:consume key").GetProperty("key").GetString()!;
            var agent = new AgentSeed($"{runId}-agent-{a}", $"price_{runId}_{a}", organizationId, key);
            ApiClient.Require(await api.PutAsync($"/api/admin/agents/{agent.Id}",
                new { name = $"Load test agent {a}", organizationId, plans = new[] { new { stripePriceId = agent.PriceId, periodQuota = PeriodQuota } } }, adminToken, ct),
                "creating an agent (PUT /api/admin/agents/{id}, as the admin)");
            agents[a] = agent;
        });
        log($"seeded {options.Agents} agents, each with its publishing organization and quota:consume key ({clock.Elapsed.TotalSeconds:0.0} s)");
        return agents;
    }

    private async Task SubscribeAsync(World world, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var events = new StripeEvents(api, options.WebhookSecret);
        await Parallel.ForEachAsync(Enumerable.Range(0, world.SubscriptionCount), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (s, ct) =>
            {
                var payload = StripeEvents.SubscriptionEvent($"evt_{world.RunId}_seed_{s}", "customer.subscription.created", world.PeriodStart, world, s);
                var answer = await events.PostAsync(payload, ct);
                if (answer.Status != 200)
                {
                    throw new SetupException(StripeEvents.Explain(answer));
                }
            });
        log($"activated {world.SubscriptionCount:N0} subscriptions ({world.Users.Count:N0} users × {world.Agents.Count} agents) by signed webhooks ({clock.Elapsed.TotalSeconds:0.0} s)");
    }

    private async Task SignUpAsync(World world, Accounts accounts, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var roleUsers = options.Scenario == Scenario.Mixed ? RoleUsers : 0;
        var all = Enumerable.Range(0, options.SessionUsers + roleUsers)
            .Select(i => new Account("", $"{world.RunId}-s{i}@example.com", $"{world.RunId}-password-{i}")).ToArray();
        var signedIn = new SignedIn[all.Length];
        // Each sign-up hashes a password on a silo (PBKDF2): a few at a time is what the cluster can take beside the load.
        await Parallel.ForEachAsync(Enumerable.Range(0, all.Length), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, ct) => signedIn[i] = await accounts.SignUpAsync(all[i], ct));
        for (var i = 0; i < options.SessionUsers; i++)
        {
            world.SessionAccounts.Add(all[i] with { UserId = signedIn[i].UserId });
            world.Sessions.Add(signedIn[i]);
        }

        world.RoleUsers.AddRange(signedIn[options.SessionUsers..]);
        log($"signed up {all.Length} users with a session each ({clock.Elapsed.TotalSeconds:0.0} s)");
    }
}
