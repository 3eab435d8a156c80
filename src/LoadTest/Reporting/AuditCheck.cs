namespace Tollgate.LoadTest.Reporting;

/// <summary>One line of the audit: what was checked, whether it held, and the numbers.</summary>
public sealed record AuditCheck(string Name, bool Passed, string Detail);
