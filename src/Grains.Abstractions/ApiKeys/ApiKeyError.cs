namespace Tollgate.Grains.ApiKeys;

/// <summary>Why an API key operation did not happen.</summary>
[GenerateSerializer, Alias("tollgate.ApiKeyError")]
public enum ApiKeyError
{
    None,
    NotFound,
    Forbidden,
    NotAMember,
}
