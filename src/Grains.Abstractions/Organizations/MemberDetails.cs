namespace Tollgate.Grains.Organizations;

/// <summary>A member with the user's name and email, for the full organization view.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.MemberDetails")]
public sealed record MemberDetails(MemberInfo Member, string Name, string Email);
