namespace Tollgate.Grains.Identity;

/// <summary>A user as the email index creates it: the password already hashed.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.UserRegistration")]
public sealed record UserRegistration(string Name, string Email, string PasswordHash, string[] Roles, Actor Actor);
