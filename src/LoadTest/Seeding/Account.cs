namespace Tollgate.LoadTest.Seeding;

/// <summary>A user the tool signed up, with what it needs to sign in again.</summary>
public sealed record Account(string UserId, string Email, string Password);
