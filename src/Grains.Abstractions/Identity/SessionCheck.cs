namespace Tollgate.Grains.Identity;

/// <summary>A valid session; <c>Refreshed</c> when this use slid its expiry (the cookie should be re-issued).</summary>
public sealed record SessionCheck(SessionInfo Session, bool Refreshed);
