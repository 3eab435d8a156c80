namespace Tollgate.Grains.ApiKeys;

/// <summary>A valid key and whether this use fits its rate-limit window (if not, when the next window opens).</summary>
[GenerateSerializer, Immutable, Alias("tollgate.ApiKeyCheck")]
public sealed record ApiKeyCheck(ApiKeyInfo Key, bool Allowed, int RetryAfterSeconds);
