namespace Tollgate.Grains.ApiKeys;

/// <summary>A new key: the secret (shown once, never stored) and the key.</summary>
public sealed record IssuedApiKey(string Key, ApiKeyInfo Info);
