using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace Tollgate.ApiHost.Telemetry;

/// <summary>
/// Times every request by route template, method and status code. Labels come from bounded sets only: the route
/// template, never the path (which holds ids), known methods, and cached status code strings, so a scanner
/// requesting random URLs adds one <c>unmatched</c> series rather than one per URL.
/// </summary>
internal sealed class HttpMetricsMiddleware(RequestDelegate next)
{
    private const string Unmatched = "unmatched";
    private const string OtherMethod = "_OTHER";

    private static readonly Histogram<double> Duration = ApiMeter.Instance.CreateHistogram(
        "tollgate.http.server.request.duration", "s", "HTTP requests by route template, method and status code, and how long they took.",
        tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly string[] Codes = [.. Enumerable.Range(0, 600).Select(code => code.ToString(CultureInfo.InvariantCulture))];

    private static readonly HashSet<string> KnownMethods =
        [HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Delete, HttpMethods.Patch, HttpMethods.Head, HttpMethods.Options];

    public Task InvokeAsync(HttpContext context) => Duration.Enabled ? TimedAsync(context) : next(context);

    private async Task TimedAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        // Routing ran before this middleware; read the route now, as the exception handler clears the endpoint.
        var route = context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } template } ? template : Unmatched;
        var escaped = true;
        try
        {
            await next(context);
            escaped = false;
        }
        finally
        {
            // An exception past the error handler becomes a 500 from the server, whatever the status said.
            Record(context, route, Stopwatch.GetElapsedTime(started), escaped ? StatusCodes.Status500InternalServerError : context.Response.StatusCode);
        }
    }

    private static void Record(HttpContext context, string route, TimeSpan elapsed, int status)
    {
        var method = HttpMethods.GetCanonicalizedValue(context.Request.Method);
        Duration.Record(
            elapsed.TotalSeconds,
            new KeyValuePair<string, object?>("route", route),
            new KeyValuePair<string, object?>("method", KnownMethods.Contains(method) ? method : OtherMethod),
            new KeyValuePair<string, object?>("code", (uint)status < Codes.Length ? Codes[status] : Codes[0]));
    }
}
