namespace Tollgate.Grains.Identity;

/// <summary>A new session: its token (returned once, to the client only), the session and its user.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.IssuedSession")]
public sealed record IssuedSession(string Token, SessionInfo Session, UserInfo User);
