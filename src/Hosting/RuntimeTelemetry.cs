using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tollgate.Hosting;

/// <summary>
/// The runtime's meter and activity source (both named <see cref="Name"/>) and its one hot-path instrument. Static,
/// so a grain call reaches the histogram through one field; the scraped gauges live in <see cref="ClusterMetrics"/>.
/// </summary>
internal static class RuntimeTelemetry
{
    public const string Name = "Tollgate.Grains";

    public static readonly Meter Meter = new(Name);

    public static readonly ActivitySource Source = new(Name);

    /// <summary>From 100 µs (a call that completes at once) to 30 s (beyond any call timeout).</summary>
    public static readonly Histogram<double> CallDuration = Meter.CreateHistogram(
        "tollgate.grain.call.duration", "s", "Grain calls run by this silo, by grain interface and outcome (ok or error), and how long they took.",
        tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });
}
