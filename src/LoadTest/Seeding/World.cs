using System.Text.Json;

namespace Tollgate.LoadTest.Seeding;

/// <summary>
/// Everything a run seeded, named by its run id so that runs never share data: agents with their keys, synthetic
/// users each subscribed to every agent (subscription <c>s</c> is user <c>s / agents</c> on agent <c>s % agents</c>;
/// subscription 0 is the hot one), and signed-up accounts for the session scenarios.
/// </summary>
public sealed class World(string runId, string adminToken, IReadOnlyList<AgentSeed> agents, IReadOnlyList<string> users, long periodStart, long periodEnd)
{
    public string RunId { get; } = runId;

    public string AdminToken { get; } = adminToken;

    public IReadOnlyList<AgentSeed> Agents { get; } = agents;

    public IReadOnlyList<string> Users { get; } = users;

    /// <summary>The seeded billing period (unix seconds), the same for every subscription.</summary>
    public long PeriodStart { get; } = periodStart;

    public long PeriodEnd { get; } = periodEnd;

    public int SubscriptionCount => Users.Count * Agents.Count;

    /// <summary>Accounts whose sessions are read (sessions, mixed).</summary>
    public List<Account> SessionAccounts { get; } = [];

    /// <summary>Their sessions as first signed in, in the same order.</summary>
    public List<SignedIn> Sessions { get; } = [];

    /// <summary>Accounts whose role the mixed scenario flips.</summary>
    public List<SignedIn> RoleUsers { get; } = [];

    public (string UserId, AgentSeed Agent) Subscription(int index) => (Users[index / Agents.Count], Agents[index % Agents.Count]);

    /// <summary>The body of a consume of one unit on subscription <paramref name="index"/> (the idempotency key goes in the header).</summary>
    public byte[] ConsumeBody(int index)
    {
        var (userId, agent) = Subscription(index);
        return JsonSerializer.SerializeToUtf8Bytes(new { agentId = agent.Id, userId, units = 1 });
    }
}
