using Tollgate.LoadTest.Audit;

namespace Tollgate.LoadTest.Reporting;

/// <summary>The audit: every check, and the raw findings behind them.</summary>
public sealed record AuditReport(
    bool Passed,
    IReadOnlyList<AuditCheck> Checks,
    ConsumeAuditResult? Consume,
    SessionAuditResult? Sessions,
    WebhookAuditResult? Webhooks,
    IReadOnlyDictionary<string, long> Errors,
    long NonTransientErrors,
    long? LateStarts);
