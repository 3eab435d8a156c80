namespace Tollgate.LoadTest.Metrics;

/// <summary>
/// Where every request's end is counted: the current phase (kept for the summary) and the current one-second interval
/// (swapped out by the progress line). Recording is lock-free; a request ending across a swap may land in either.
/// </summary>
public sealed class Recorder
{
    private readonly List<PhaseStats> _phases = [];
    private PhaseStats? _phase;
    private Interval _interval = new();

    public IReadOnlyList<PhaseStats> Phases
    {
        get
        {
            lock (_phases)
            {
                return [.. _phases];
            }
        }
    }

    public PhaseStats? Current => Volatile.Read(ref _phase);

    /// <summary>Ends the current phase and starts <paramref name="name"/>.</summary>
    public PhaseStats BeginPhase(string name, bool measured = true)
    {
        var phase = new PhaseStats(name, measured);
        lock (_phases)
        {
            _phase?.End();
            _phases.Add(phase);
            Volatile.Write(ref _phase, phase);
        }

        return phase;
    }

    public void EndPhase()
    {
        lock (_phases)
        {
            _phase?.End();
        }
    }

    public void Record(Operation operation, Attempt attempt)
    {
        Volatile.Read(ref _phase)?[operation].Record(attempt);
        Volatile.Read(ref _interval).Stats.Record(attempt);
    }

    /// <summary>Returns the interval that just ended and starts the next.</summary>
    public Interval SwapInterval() => Interlocked.Exchange(ref _interval, new Interval());

    /// <summary>All requests of a one-second progress interval, every operation together.</summary>
    public sealed class Interval
    {
        public long StartTicks { get; } = System.Diagnostics.Stopwatch.GetTimestamp();

        public OperationStats Stats { get; } = new();
    }
}
