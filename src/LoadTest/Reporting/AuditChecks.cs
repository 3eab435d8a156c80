using System.Globalization;
using Tollgate.LoadTest.Audit;

namespace Tollgate.LoadTest.Reporting;

/// <summary>Turns the audit's findings into pass/fail lines with their numbers.</summary>
public static class AuditChecks
{
    public static AuditReport Build(ConsumeAuditResult? consume, SessionAuditResult? sessions, WebhookAuditResult? webhooks,
        IReadOnlyList<PhaseReport> phases, long? lateStarts)
    {
        var checks = new List<AuditCheck>();
        if (consume is { } c)
        {
            checks.Add(new("consumes", c.Lost == 0 && c.DoubleCounted == 0 && c.Phantom == 0 && c.Misrouted == 0 && c.RefusedButApplied == 0 && c.FirstAttemptReplays == 0,
                $"{N(c.Acknowledged)} acknowledged, each recorded exactly once: lost {N(c.Lost)}, double counted {N(c.DoubleCounted)}, " +
                $"phantom {N(c.Phantom)}, misrouted {N(c.Misrouted)}, refused but applied {N(c.RefusedButApplied)}, replayed before sent {N(c.FirstAttemptReplays)}; " +
                $"{N(c.Unknown)} without a definite answer ({N(c.AppliedUnacknowledged)} of them applied), {N(c.RetryReplays)} retries answered as replays"));
            checks.Add(new("quota", c.OverSent == 0 && c.SubscriptionsChanged == 0 && c.StoredUnits == c.Recorded,
                $"{N(c.Subscriptions)} subscriptions store {N(c.StoredUnits)} units for {N(c.Recorded)} idempotency records of {N(c.Sent)} consumes sent; " +
                $"over sent {N(c.OverSent)}, subscriptions changed {N(c.SubscriptionsChanged)}"));
        }

        if (sessions is { } s)
        {
            checks.Add(new("sessions", s.UnexpectedNulls == 0 && s.WrongUser == 0,
                $"{N(s.Reads)} reads answered: {N(s.Accepted)} live sessions accepted, {N(s.UnexpectedNulls)} live sessions read as signed out, {N(s.WrongUser)} answered another user"));
            if (s.Revocations > 0 || s.RoleChanges > 0)
            {
                checks.Add(new("revocations", s.Violations == 0,
                    $"{N(s.Revocations)} revocations; {N(s.Violations)} reads sent after a revocation returned still accepted the session; {N(s.RevokedRefused)} reads of revoked sessions refused"));
                checks.Add(new("roles", s.StaleRoles == 0, $"{N(s.RoleChanges)} role changes, {N(s.StaleRoles)} not in force on the user's next request"));
            }
        }

        if (webhooks is { } w)
        {
            checks.Add(new("webhooks", w.Passed, $"{N(w.Deliveries)} deliveries, {N(w.Acknowledged)} events acknowledged, {N(w.Processed)} of them stored and processed"));
        }

        var errors = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (code, count) in phases.SelectMany(p => p.Operations).SelectMany(o => o.Errors))
        {
            errors[code] = errors.GetValueOrDefault(code) + count;
        }

        var nonTransient = errors.Where(e => !Metrics.ErrorCounts.IsRetriable(e.Key)).Sum(e => e.Value);
        checks.Add(new("errors", nonTransient == 0, errors.Count == 0 ? "none"
            : $"{string.Join(' ', errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key}×{N(e.Value)}"))}; {N(nonTransient)} not transient (only 5xx, 408, 429, timeouts and connection errors may happen)"));
        var idle = phases.Where(p => p.Measured && p.Operations.Sum(o => o.Ok) == 0).Select(p => p.Name).ToArray();
        checks.Add(new("phases", idle.Length == 0, idle.Length == 0 ? $"every phase served requests ({phases.Count(p => p.Measured)} phases)" : $"no request succeeded in: {string.Join(", ", idle)}"));
        return new AuditReport(checks.All(x => x.Passed), checks, consume, sessions, webhooks, errors, nonTransient, lateStarts);
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
