namespace Tollgate.ApiHost.Auth;

/// <summary>
/// What a request presented and what it proved: no credential, an invalid one, a caller, or an API key over its
/// rate limit (<c>RetryAfterSeconds</c>).
/// </summary>
public sealed record Authentication(CredentialKind Kind, Caller? Caller, int? RetryAfterSeconds = null)
{
    public static readonly Authentication Anonymous = new(CredentialKind.None, null);

    public bool Presented => Kind != CredentialKind.None;
}
