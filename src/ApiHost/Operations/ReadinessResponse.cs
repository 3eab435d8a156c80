namespace Tollgate.ApiHost.Operations;

/// <summary>The answer of <c>/readyz</c> when ready.</summary>
internal sealed record ReadinessResponse(string Status, bool SiloStarted, bool DatabaseReachable);
