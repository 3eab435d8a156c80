using System.Diagnostics;

namespace Tollgate.LoadTest.Metrics;

/// <summary>A named stretch of the run (warm-up, steady, "3 silos"…) and what each operation did in it.</summary>
public sealed class PhaseStats(string name, bool measured)
{
    public const string WarmUp = "warm-up";

    /// <summary>After the load stopped: consumes still retrying, requests still in flight.</summary>
    public const string Drain = "drain";

    private readonly OperationStats[] _operations = Enum.GetValues<Operation>().Select(_ => new OperationStats()).ToArray();
    private readonly TimeSpan _cpuStart = Environment.CpuUsage.TotalTime;
    private TimeSpan? _cpuEnd;

    public string Name { get; } = name;

    /// <summary>False for the warm-up: shown, audited, but not a measurement.</summary>
    public bool Measured { get; } = measured;

    public long StartTicks { get; } = Stopwatch.GetTimestamp();

    public long? EndTicks { get; private set; }

    /// <summary>CPU this process used during the phase: the load tester's own cost, to show it is not the bottleneck.</summary>
    public TimeSpan ToolCpu => (_cpuEnd ?? Environment.CpuUsage.TotalTime) - _cpuStart;

    /// <summary>Active silos in the cluster's membership table, as sampled during the phase (elastic).</summary>
    public SortedSet<int> ActiveSilos { get; } = [];

    /// <summary>A note shown under the table (e.g. how long silos took to join).</summary>
    public string? Note { get; set; }

    public double Seconds => ((EndTicks ?? Stopwatch.GetTimestamp()) - StartTicks) / (double)Stopwatch.Frequency;

    public OperationStats this[Operation operation] => _operations[(int)operation];

    /// <summary>The operations that sent anything, in enum order.</summary>
    public IEnumerable<(Operation Operation, OperationStats Stats)> Used =>
        Enum.GetValues<Operation>().Select(o => (o, _operations[(int)o])).Where(x => x.Item2.Requests > 0);

    public void End()
    {
        if (EndTicks is null)
        {
            EndTicks = Stopwatch.GetTimestamp();
            _cpuEnd = Environment.CpuUsage.TotalTime;
        }
    }
}
