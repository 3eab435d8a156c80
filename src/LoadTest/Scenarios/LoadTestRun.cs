using Tollgate.LoadTest.Audit;
using Tollgate.LoadTest.Reporting;
using Tollgate.LoadTest.Seeding;

namespace Tollgate.LoadTest.Scenarios;

/// <summary>A finished run: its report, and what was seeded and sent, so that the audit can be run again.</summary>
public sealed record LoadTestRun(RunReport Report, World World, ConsumeLedger? Ledger);
