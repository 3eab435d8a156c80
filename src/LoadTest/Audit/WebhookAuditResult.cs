namespace Tollgate.LoadTest.Audit;

/// <summary>Webhook events of the mixed scenario: every one answered 200 must be stored and processed.</summary>
public sealed record WebhookAuditResult(long Deliveries, long Acknowledged, long Processed)
{
    public long Missing => Acknowledged - Processed;

    public bool Passed => Missing == 0;
}
