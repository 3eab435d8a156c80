namespace Tollgate.ApiHost;

/// <summary>Limits of the HTTP contract (api.md, Conventions).</summary>
internal static class ApiLimits
{
    /// <summary>Bodies over 1 MiB are refused with 413.</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;
}
