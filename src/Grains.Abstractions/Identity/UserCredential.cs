namespace Tollgate.Grains.Identity;

/// <summary>A user and its password hash, passed from the user grain to the email grain that verifies sign-ins.</summary>
public sealed record UserCredential(UserInfo User, string PasswordHash);
