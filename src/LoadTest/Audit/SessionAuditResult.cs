namespace Tollgate.LoadTest.Audit;

/// <summary>The session scenarios' findings; <see cref="Passed"/> when none of the must-nevers happened.</summary>
public sealed record SessionAuditResult(
    long Reads,
    long Accepted,
    long RevokedRefused,
    long Violations,
    long UnexpectedNulls,
    long WrongUser,
    long Revocations,
    long RoleChanges,
    long StaleRoles,
    IReadOnlyList<string> Examples)
{
    public bool Passed => Violations == 0 && UnexpectedNulls == 0 && WrongUser == 0 && StaleRoles == 0;
}
