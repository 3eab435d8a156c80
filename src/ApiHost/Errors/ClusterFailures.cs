using Orleans.Runtime;
using Orleans.Storage;

namespace Tollgate.ApiHost.Errors;

/// <summary>
/// Orleans' failures as answers a caller can act on: 503 when the cluster could not take the call (no silo or
/// gateway, a rejected message, a grain that lost a write race, a storage failure), 504 when it did not answer in
/// time — both with <c>Retry-After</c>. A 504 may hide a call that ran: consumes stay exact through their
/// Idempotency-Key. Anything else a grain throws is a bug: 500.
/// </summary>
internal static class ClusterFailures
{
    public const string RetryAfterSeconds = "1";

    public static int? StatusOf(Exception exception) => exception switch
    {
        TimeoutException => StatusCodes.Status504GatewayTimeout,
        InconsistentStateException or SiloUnavailableException or OrleansMessageRejectionException => StatusCodes.Status503ServiceUnavailable,
        Orleans.Runtime.OrleansException => StatusCodes.Status503ServiceUnavailable,
        Npgsql.NpgsqlException { IsTransient: true } => StatusCodes.Status503ServiceUnavailable,
        _ => null,
    };

    public static string Describe(Exception exception) => exception switch
    {
        TimeoutException => "The cluster did not answer in time; the request may or may not have taken effect. Retry it (consumes: with the same Idempotency-Key).",
        InconsistentStateException => "Another request changed the same record at the same moment; nothing was written. Retry the request.",
        _ => "The cluster cannot take requests right now (a silo is starting, stopping or unreachable); nothing was done. Retry shortly.",
    };
}
