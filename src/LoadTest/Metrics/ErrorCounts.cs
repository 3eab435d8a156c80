using System.Globalization;

namespace Tollgate.LoadTest.Metrics;

/// <summary>Requests that did not answer 200, by HTTP status or by <see cref="Failure"/>; lock-free, fixed size.</summary>
public sealed class ErrorCounts
{
    private const int Statuses = 600;
    private readonly long[] _byStatus = new long[Statuses];
    private readonly long[] _byFailure = new long[Enum.GetValues<Failure>().Length];

    public void Record(Attempt attempt)
    {
        if (attempt.Failure != Failure.None)
        {
            Interlocked.Increment(ref _byFailure[(int)attempt.Failure]);
        }
        else if (attempt.Status is > 0 and < Statuses)
        {
            Interlocked.Increment(ref _byStatus[attempt.Status]);
        }
    }

    public void Add(ErrorCounts other)
    {
        for (var i = 0; i < Statuses; i++)
        {
            _byStatus[i] += other._byStatus[i];
        }

        for (var i = 0; i < _byFailure.Length; i++)
        {
            _byFailure[i] += other._byFailure[i];
        }
    }

    /// <summary>The counts by name ("503", "timeout", "refused", "connection"), largest first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> ByCode()
    {
        var list = new List<KeyValuePair<string, long>>();
        for (var i = 0; i < Statuses; i++)
        {
            if (Interlocked.Read(ref _byStatus[i]) is var n and > 0)
            {
                list.Add(new(i.ToString(CultureInfo.InvariantCulture), n));
            }
        }

        for (var i = 1; i < _byFailure.Length; i++)
        {
            if (Interlocked.Read(ref _byFailure[i]) is var n and > 0)
            {
                list.Add(new(((Failure)i).ToString().ToLowerInvariant(), n));
            }
        }

        list.Sort((a, b) => b.Value.CompareTo(a.Value));
        return list;
    }

    public long Total => ByCode().Sum(e => e.Value);

    /// <summary>Errors that leave an outcome unknown (timeouts, 5xx, connection errors): a retry may follow.</summary>
    public long Retriable => ByCode().Where(e => IsRetriable(e.Key)).Sum(e => e.Value);

    public static bool IsRetriable(string code) =>
        !int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var status) || status >= 500 || status is 408 or 429;

    /// <summary>"503×3 timeout×1", or "–" for none.</summary>
    public string Describe()
    {
        var codes = ByCode();
        return codes.Count == 0 ? "–" : string.Join(' ', codes.Select(e => $"{e.Key}×{e.Value.ToString("N0", CultureInfo.InvariantCulture)}"));
    }
}
