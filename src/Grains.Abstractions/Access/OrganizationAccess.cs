namespace Tollgate.Grains.Access;

/// <summary>
/// The organization permission statement and member roles: better-auth's defaults (owner: everything; admin:
/// everything but deleting the organization; member: read access control) plus <c>apiKey</c> for organization
/// keys and <c>quota:consume</c> for agent services that consume their users' quota.
/// </summary>
public static class OrganizationAccess
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";

    public static readonly Permission OrganizationDelete = new("organization", "delete");
    public static readonly Permission MemberCreate = new("member", "create");
    public static readonly Permission MemberUpdate = new("member", "update");
    public static readonly Permission MemberDelete = new("member", "delete");
    public static readonly Permission ApiKeyCreate = new("apiKey", "create");
    public static readonly Permission ApiKeyRead = new("apiKey", "read");
    public static readonly Permission ApiKeyDelete = new("apiKey", "delete");
    public static readonly Permission QuotaConsume = new("quota", "consume");

    private static readonly Dictionary<string, string[]> All = new()
    {
        ["organization"] = ["update", "delete"],
        ["member"] = ["create", "update", "delete"],
        ["invitation"] = ["create", "cancel"],
        ["team"] = ["create", "update", "delete"],
        ["ac"] = ["create", "read", "update", "delete"],
        ["apiKey"] = ["create", "read", "update", "delete"],
        ["quota"] = ["consume"],
    };

    public static readonly AccessStatement Statement = new(All, new Dictionary<string, IReadOnlyDictionary<string, string[]>>
    {
        [Owner] = All,
        [Admin] = All.Where(r => r.Key != "organization").Append(new("organization", ["update"])).ToDictionary(r => r.Key, r => r.Value),
        [Member] = new Dictionary<string, string[]> { ["ac"] = ["read"] },
    });
}
