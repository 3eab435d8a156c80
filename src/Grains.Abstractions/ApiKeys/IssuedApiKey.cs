namespace Tollgate.Grains.ApiKeys;

/// <summary>A new key: the secret (shown once, never stored) and the key.</summary>
[GenerateSerializer, Immutable, Alias("tollgate.IssuedApiKey")]
public sealed record IssuedApiKey(string Key, ApiKeyInfo Info);
