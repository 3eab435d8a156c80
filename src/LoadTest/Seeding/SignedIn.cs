namespace Tollgate.LoadTest.Seeding;

/// <summary>A session as a client holds it: the bearer token and the <c>Cookie</c> header value the host set.</summary>
public sealed record SignedIn(string UserId, string Token, string Cookie, string Role);
