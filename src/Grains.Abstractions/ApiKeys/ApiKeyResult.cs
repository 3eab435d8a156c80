using Tollgate.Grains.Access;

namespace Tollgate.Grains.ApiKeys;

/// <summary>The outcome of an API key operation; <c>Required</c> names the missing permission of a refusal.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.ApiKeyResult`1")]
public sealed record ApiKeyResult<T>(T? Value, ApiKeyError Error, Permission? Required) where T : class
{
    public bool Succeeded => Error == ApiKeyError.None;

    public static ApiKeyResult<T> Ok(T value) => new(value, ApiKeyError.None, null);

    public static ApiKeyResult<T> Fail(ApiKeyError error, Permission? required = null) => new(null, error, required);
}
