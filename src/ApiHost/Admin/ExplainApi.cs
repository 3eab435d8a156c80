using System.Text.Json;
using Tollgate.ApiHost.Auth;
using Tollgate.ApiHost.Errors;
using Tollgate.ApiHost.Http;
using Tollgate.Grains.Access;
using Tollgate.Grains.Billing;
using Tollgate.Grains.Identity;
using Tollgate.Postgres;

namespace Tollgate.ApiHost.Admin;

/// <summary>
/// <c>GET /api/admin/explain</c> (api.md, Support): what decides a user's access right now, read from the grains that
/// decide it (user, sessions, subscription) and from the tables that list the rest, with a verdict per kind of request
/// in the support page's words. Nothing here changes anything.
/// </summary>
internal static class ExplainApi
{
    private const int RecentRows = 20;

    public static IEndpointRouteBuilder MapExplainApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/admin").WithTags("Support").WithMetadata(AdminAudited.Instance).WithCommonProblems()
            .MapGet("/explain", ExplainAsync).RequirePermission(PlatformAccess.SupportRead)
            .WithName("ExplainAccess").WithSummary("What decides the user's access now, and what each kind of request would get and why (support:read).")
            .Produces<ExplainResponse>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<IResult> ExplainAsync(string? userId, string? agentId, IGrainFactory grains, PostgresDatabase database, TimeProvider clock, CancellationToken cancellationToken)
    {
        var validation = new RequestValidation();
        var user = validation.Id("userId", userId);
        var agent = validation.Id("agentId", agentId, optional: true);
        if (validation.Failed)
        {
            return validation.Problem();
        }

        if (await grains.GetGrain<IUserGrain>(user!).GetAsync() is not { } found)
        {
            return ApiError.NotFound.ToResult("No such user.");
        }

        var now = clock.GetUtcNow();
        var sessions = await grains.GetGrain<IUserGrain>(user!).ListSessionsAsync();
        var memberships = await MembershipsAsync(database, user!, cancellationToken);
        var keys = await KeysAsync(database, user!, memberships, now, cancellationToken);
        SubscriptionInfo? subscription = null;
        ExplainStripeEvent[] events = [];
        if (agent is not null)
        {
            subscription = await grains.GetGrain<ISubscriptionGrain>($"{user}/{agent}").GetAsync();
            events = await StripeEventsAsync(database, user!, agent, subscription.StripeSubscriptionId, cancellationToken);
        }

        var explained = new ExplainResponse(
            new ExplainUser(found.Id, found.Email, found.Name, found.Roles, found.Banned, found.BanReason, found.BanExpires),
            new ExplainSessions(sessions.Length, sessions.Length == 0 ? null : sessions.Max(s => s.UpdatedAt), sessions.Length == 0 ? null : sessions.Max(s => s.ExpiresAt)),
            memberships,
            keys,
            subscription is null ? null : new ExplainSubscription(subscription.AgentId, subscription.Status, subscription.StripeSubscriptionId, subscription.PriceId,
                subscription.CurrentPeriodStart, subscription.CurrentPeriodEnd, subscription.CancelAtPeriodEnd, subscription.Limit, subscription.Used, subscription.Remaining),
            events,
            await InteractionsAsync(database, user!, cancellationToken),
            []);
        return TypedResults.Ok(explained with { Verdicts = Verdicts(explained, found, sessions, now) });
    }

    /// <summary>What each kind of request would get now, and why, in the support page's words.</summary>
    private static ExplainVerdict[] Verdicts(ExplainResponse explained, UserInfo user, SessionInfo[] sessions, DateTimeOffset now)
    {
        var verdicts = new List<ExplainVerdict>();
        var ban = user.Banned ? $"banned{(user.BanReason is { } reason ? $" ({reason})" : "")}{(user.BanExpires is { } until ? $" until {until:u}" : "")}" : null;
        verdicts.Add(ban is not null
            ? new("sign-in", 403, "BANNED", ban)
            : new("sign-in", 200, null, "the account may sign in"));
        verdicts.Add(ban is not null ? new("signed-in requests", 403, "BANNED", ban)
            : sessions.Length == 0 ? new("signed-in requests", 401, "UNAUTHORIZED", "no live session: signed out, revoked or expired; get-session answers null")
            : new("signed-in requests", 200, null, $"{sessions.Length} live session(s), the latest used {sessions.Max(s => s.UpdatedAt):u}"));
        var admin = PlatformAccess.Statement.Allows(user.Roles, [PlatformAccess.UserList]);
        verdicts.Add(ban is not null ? new("admin routes", 403, "BANNED", ban)
            : admin ? new("admin routes", 200, null, $"role {user.Role}")
            : new("admin routes", 403, "FORBIDDEN", $"role {user.Role} holds no platform permission (admin routes need platform_admin)"));
        foreach (var key in explained.ApiKeys)
        {
            var request = $"api key {key.Start}…";
            verdicts.Add(key.ExpiresAt is { } expires && expires <= now ? new(request, 401, "UNAUTHORIZED", $"expired at {expires:u}")
                : ban is not null ? new(request, 403, "BANNED", "its creator is " + ban)
                : key.OrganizationId is { } organization && key.CreatorRoleInOrganization is null
                    ? new(request, 403, "FORBIDDEN", $"its creator is no longer a member of organization {organization}: the key holds nothing there")
                : new(request, 200, null, key.OrganizationId is null ? $"acts as the user with role {user.Role}" : $"acts in organization {key.OrganizationId} as {key.CreatorRoleInOrganization}"));
        }

        if (explained.Subscription is { } subscription)
        {
            verdicts.Add(Consume(subscription, ban, explained.StripeEvents, now));
        }

        return [.. verdicts];
    }

    private static ExplainVerdict Consume(ExplainSubscription subscription, string? ban, ExplainStripeEvent[] events, DateTimeOffset now)
    {
        const string Request = "consume";
        var failed = events.FirstOrDefault(e => e.ProcessedAt is null);
        var pending = failed is null ? "" : $"; Stripe event {failed.Id} ({failed.Type}) is not applied{(failed.LastError is { } error ? $": {error}" : "")} — replay it";
        if (ban is not null)
        {
            return new(Request, 403, "BANNED", ban);
        }

        if (!SubscriptionStatus.IsEntitled(subscription.Status))
        {
            var why = subscription.Status == SubscriptionStatus.None
                ? "status none: never subscribed, or the webhook never arrived"
                : $"status {subscription.Status}{(events.FirstOrDefault(e => e.ProcessedAt is not null) is { } last ? $" since {last.Created:u} ({last.Type})" : "")}";
            return new(Request, 402, "PAYMENT_REQUIRED", why + pending);
        }

        if (subscription.CurrentPeriodEnd is not { } end || end <= now)
        {
            return new(Request, 402, "PAYMENT_REQUIRED",
                $"status {subscription.Status} but the period ended {(subscription.CurrentPeriodEnd is { } ended ? $"at {ended:u}" : "(no period)")}: the renewal event has not arrived{pending}");
        }

        return subscription.Remaining <= 0
            ? new(Request, 429, "QUOTA_EXCEEDED", $"used {subscription.Used} of {subscription.Limit}; resets at {end:u}")
            : new(Request, 200, null, $"status {subscription.Status}, {subscription.Remaining} of {subscription.Limit} left until {end:u}");
    }

    private static async Task<ExplainMembership[]> MembershipsAsync(PostgresDatabase database, string userId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT m.organization_id, o.name, o.slug, m.role FROM members m JOIN organizations o ON o.id = m.organization_id WHERE m.user_id = $1 ORDER BY o.name");
        command.Parameters.Add(new() { Value = userId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<ExplainMembership>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ExplainMembership(reader.GetString(0), reader.GetString(1), reader.GetString(2), PlatformAccess.SplitRoles(reader.GetString(3))));
        }

        return [.. rows];
    }

    private static async Task<ExplainApiKey[]> KeysAsync(PostgresDatabase database, string userId, ExplainMembership[] memberships, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT id, name, start, organization_id, permissions::text, expires_at, rate_limit_max, rate_limit_window_ms, created_at FROM api_keys WHERE user_id = $1 ORDER BY created_at DESC");
        command.Parameters.Add(new() { Value = userId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<ExplainApiKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var organization = reader.IsDBNull(3) ? null : reader.GetString(3);
            var role = organization is null ? null : memberships.FirstOrDefault(m => m.OrganizationId == organization)?.Roles is { } roles ? string.Join(',', roles) : null;
            rows.Add(new ExplainApiKey(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), organization, role,
                reader.IsDBNull(4) ? null : JsonSerializer.Deserialize<Dictionary<string, string[]>>(reader.GetString(4)),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetInt64(7),
                reader.GetFieldValue<DateTimeOffset>(8)));
        }

        return [.. rows];
    }

    /// <summary>The subscription's Stripe events (by metadata or by Stripe subscription id): unprocessed ones and the latest applied.</summary>
    private static async Task<ExplainStripeEvent[]> StripeEventsAsync(PostgresDatabase database, string userId, string agentId, string? stripeSubscriptionId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            """
            SELECT id, type, created, received_at, processed_at, attempts, last_error FROM stripe_events
            WHERE (payload #>> '{data,object,metadata,userId}' = $1 AND payload #>> '{data,object,metadata,agentId}' = $2)
               OR (payload #>> '{data,object,parent,subscription_details,metadata,userId}' = $1 AND payload #>> '{data,object,parent,subscription_details,metadata,agentId}' = $2)
               OR ($3::text IS NOT NULL AND (payload #>> '{data,object,id}' = $3 OR payload #>> '{data,object,subscription}' = $3
                   OR payload #>> '{data,object,parent,subscription_details,subscription}' = $3))
            ORDER BY processed_at IS NOT NULL, created DESC, received_at DESC
            LIMIT $4
            """);
        command.Parameters.Add(new() { Value = userId });
        command.Parameters.Add(new() { Value = agentId });
        command.Parameters.Add(new() { Value = (object?)stripeSubscriptionId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = RecentRows });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<ExplainStripeEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ExplainStripeEvent(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4), reader.GetInt32(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return [.. rows];
    }

    private static async Task<ExplainInteraction[]> InteractionsAsync(PostgresDatabase database, string userId, CancellationToken cancellationToken)
    {
        await using var command = database.DataSource.CreateCommand(
            "SELECT kind, agent_id, data::text, created_at FROM interactions WHERE user_id = $1 ORDER BY id DESC LIMIT $2");
        command.Parameters.Add(new() { Value = userId });
        command.Parameters.Add(new() { Value = RecentRows });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<ExplainInteraction>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ExplainInteraction(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1),
                JsonDocument.Parse(reader.GetString(2)).RootElement.Clone(), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return [.. rows];
    }
}

/// <summary>The answer of <c>GET /api/admin/explain</c>.</summary>
public sealed record ExplainResponse(
    ExplainUser User, ExplainSessions Sessions, ExplainMembership[] Memberships, ExplainApiKey[] ApiKeys, ExplainSubscription? Subscription,
    ExplainStripeEvent[] StripeEvents, ExplainInteraction[] Interactions, ExplainVerdict[] Verdicts);

public sealed record ExplainUser(string Id, string Email, string Name, string[] Roles, bool Banned, string? BanReason, DateTimeOffset? BanExpires);

public sealed record ExplainSessions(int Count, DateTimeOffset? LastUsedAt, DateTimeOffset? LatestExpiry);

public sealed record ExplainMembership(string OrganizationId, string Name, string Slug, string[] Roles);

/// <summary>A key of the user's; <c>CreatorRoleInOrganization</c> is the role its creator holds in its organization now (null: none).</summary>
public sealed record ExplainApiKey(
    string Id, string Name, string Start, string? OrganizationId, string? CreatorRoleInOrganization, Dictionary<string, string[]>? Permissions,
    DateTimeOffset? ExpiresAt, int? RateLimitMax, long? RateLimitWindowMs, DateTimeOffset CreatedAt);

public sealed record ExplainSubscription(
    string AgentId, string Status, string? StripeSubscriptionId, string? PriceId, DateTimeOffset? CurrentPeriodStart, DateTimeOffset? CurrentPeriodEnd,
    bool CancelAtPeriodEnd, long Limit, long Used, long Remaining);

public sealed record ExplainStripeEvent(string Id, string Type, DateTimeOffset Created, DateTimeOffset ReceivedAt, DateTimeOffset? ProcessedAt, int Attempts, string? LastError);

public sealed record ExplainInteraction(string Kind, string? AgentId, JsonElement Data, DateTimeOffset CreatedAt);

/// <summary>What a kind of request would get now: the status, the problem code (null when 200) and why.</summary>
public sealed record ExplainVerdict(string Request, int Status, string? Code, string Reason);
