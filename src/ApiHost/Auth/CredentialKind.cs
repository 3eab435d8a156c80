namespace Tollgate.ApiHost.Auth;

/// <summary>Where a request's identity came from (api.md, Conventions: in this order of precedence).</summary>
public enum CredentialKind
{
    None,
    ApiKey,
    Bearer,
    Cookie,
}
