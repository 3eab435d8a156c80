namespace Tollgate.ApiHost.Auth;

/// <summary>What a request presented and what it proved: no credential, an invalid one, or a caller.</summary>
public sealed record Authentication(CredentialKind Kind, Caller? Caller)
{
    public static readonly Authentication Anonymous = new(CredentialKind.None, null);

    public bool Presented => Kind != CredentialKind.None;
}
