namespace Tollgate.Grains.Identity;

/// <summary>A user to register. <c>Roles</c> null means the default (<c>org_member</c>, or admin for a bootstrap email).</summary>
[GenerateSerializer, Immutable, Alias("tollgate.NewUser")]
public sealed record NewUser(string Name, string Email, string Password, string[]? Roles);
