using Tollgate.Grains.Identity;

namespace Tollgate.ApiHost.Auth;

/// <summary>The authenticated identity of a request: its user and session as read from their grains for this request.</summary>
public sealed record Caller(UserInfo User, SessionInfo Session, string Token, CredentialKind Kind, bool Refreshed);
