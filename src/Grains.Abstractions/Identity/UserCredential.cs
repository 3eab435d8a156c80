namespace Tollgate.Grains.Identity;

/// <summary>A user and its password hash, passed from the user grain to the email grain that verifies sign-ins.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.UserCredential")]
public sealed record UserCredential(UserInfo User, string PasswordHash);
