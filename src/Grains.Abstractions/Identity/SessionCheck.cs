namespace Tollgate.Grains.Identity;

/// <summary>A valid session; <c>Refreshed</c> when this use slid its expiry (the cookie should be re-issued).</summary>
[GenerateSerializer, Immutable, Alias("tollgate.SessionCheck")]
public sealed record SessionCheck(SessionInfo Session, bool Refreshed);
