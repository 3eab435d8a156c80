namespace Tollgate.Grains.Access;

/// <summary>
/// The platform permission statement and roles (api.md, Platform RBAC): the one definition the HTTP host
/// enforces, <c>GET /api/auth/permissions</c> serves and <c>export-permissions</c> writes for the frontend.
/// </summary>
public static class PlatformAccess
{
    public const string Admin = "platform_admin";
    public const string Member = "org_member";

    public static readonly Permission UserCreate = new("user", "create");
    public static readonly Permission UserList = new("user", "list");
    public static readonly Permission UserSetRole = new("user", "set-role");
    public static readonly Permission UserBan = new("user", "ban");
    public static readonly Permission UserGet = new("user", "get");
    public static readonly Permission SessionList = new("session", "list");
    public static readonly Permission SessionRevoke = new("session", "revoke");
    public static readonly Permission AgentUpdate = new("agent", "update");
    public static readonly Permission SubscriptionList = new("subscription", "list");
    public static readonly Permission QuotaAdjust = new("quota", "adjust");
    public static readonly Permission StripeEventList = new("stripe-event", "list");
    public static readonly Permission StripeEventReplay = new("stripe-event", "replay");
    public static readonly Permission ApiKeyVerify = new("apiKey", "verify");
    public static readonly Permission ApiKeyDelete = new("apiKey", "delete");
    public static readonly Permission SupportRead = new("support", "read");

    private static readonly Dictionary<string, string[]> All = new()
    {
        ["user"] = ["create", "list", "set-role", "ban", "get"],
        ["session"] = ["list", "revoke"],
        ["agent"] = ["update"],
        ["subscription"] = ["list"],
        ["quota"] = ["adjust"],
        ["stripe-event"] = ["list", "replay"],
        ["apiKey"] = ["verify", "delete"],
        ["support"] = ["read"],
    };

    /// <summary>The statement and its roles: <c>platform_admin</c> holds everything, <c>org_member</c> no platform power.</summary>
    public static readonly AccessStatement Statement = new(All, new Dictionary<string, IReadOnlyDictionary<string, string[]>>
    {
        [Admin] = All,
        [Member] = new Dictionary<string, string[]>(),
    });

    /// <summary>A stored role value (comma-separated, as better-auth stores several roles) as a list.</summary>
    public static string[] SplitRoles(string? role) =>
        (role ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
