using Tollgate.ApiHost.Auth;
using Tollgate.Grains.Audit;

namespace Tollgate.ApiHost.Admin;

/// <summary>
/// Writes every call of an admin endpoint to <c>interactions</c> (kind <c>admin_request</c>: who, which route,
/// the answer's status), refused ones included. The grains add their own rows for what changed.
/// </summary>
internal sealed class AdminAuditFilter(AuditLog audit, CallerResolver callers) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var result = await next(invocation);
        var context = invocation.HttpContext;
        var caller = (await callers.ResolveAsync(context)).Caller;
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        await audit.WriteAsync(caller?.User.Id, null, InteractionKinds.AdminRequest, new
        {
            route = context.Request.Path.Value,
            status,
            sessionId = caller?.Session?.Id,
            apiKeyId = caller?.ApiKey?.Id,
            ip = context.Connection.RemoteIpAddress?.ToString(),
        }, CancellationToken.None);
        return result;
    }
}
