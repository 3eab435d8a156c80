namespace Tollgate.Grains.Identity;

/// <summary>Where a new session comes from; <c>RememberMe:false</c> gives a one-day session that does not slide.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.SessionRequest")]
public sealed record SessionRequest(string? IpAddress, string? UserAgent, bool RememberMe);
