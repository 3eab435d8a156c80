namespace Tollgate.ApiHost.Operations;

/// <summary>The answer of <c>/healthz</c>.</summary>
internal sealed record HealthResponse(string Status);
