using System.Diagnostics.Metrics;

namespace Tollgate.ApiHost.Telemetry;

/// <summary>The API host's meter: HTTP requests, quota consumption and Stripe webhooks, served at <c>/metrics</c>.</summary>
internal static class ApiMeter
{
    public const string Name = "Tollgate.ApiHost";

    public static readonly Meter Instance = new(Name);
}
