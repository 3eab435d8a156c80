namespace Tollgate.Grains.Identity;

/// <summary>Who made a change, for the audit trail: a user (through HTTP), the CLI or the bootstrap list.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.Actor")]
public sealed record Actor(string? UserId, string Via)
{
    public static Actor User(string userId) => new(userId, "http");

    public static readonly Actor Cli = new(null, "cli");

    public static readonly Actor Bootstrap = new(null, "bootstrap");
}
