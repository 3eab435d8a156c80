using Tollgate.Grains.ApiKeys;
using Tollgate.Grains.Identity;

namespace Tollgate.ApiHost.Auth;

/// <summary>
/// The authenticated identity of a request, read from its grains for this request: a user with either a session
/// (cookie or bearer token) or an API key (which acts as its user, inside its organization, within its permissions).
/// </summary>
public sealed record Caller(UserInfo User, SessionInfo? Session, ApiKeyInfo? ApiKey, string? Token, CredentialKind Kind, bool Refreshed);
