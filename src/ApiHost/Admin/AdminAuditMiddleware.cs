using Tollgate.ApiHost.Auth;
using Tollgate.Grains.Audit;

namespace Tollgate.ApiHost.Admin;

/// <summary>Marks the endpoints whose every call is audited.</summary>
public sealed class AdminAudited
{
    public static readonly AdminAudited Instance = new();
}

/// <summary>
/// Writes every call of an admin endpoint to <c>interactions</c> (kind <c>admin_request</c>: who, which route,
/// the answer's status), refused ones included: it runs before the access check. The grains add their own rows
/// for what changed.
/// </summary>
internal sealed class AdminAuditMiddleware(RequestDelegate next, AuditLog audit, CallerResolver callers)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AdminAudited>() is null)
        {
            await next(context);
            return;
        }

        await next(context);
        var caller = (await callers.ResolveAsync(context)).Caller;
        await audit.WriteAsync(caller?.User.Id, null, InteractionKinds.AdminRequest, new
        {
            route = context.Request.Path.Value,
            status = context.Response.StatusCode,
            sessionId = caller?.Session?.Id,
            apiKeyId = caller?.ApiKey?.Id,
            ip = context.Connection.RemoteIpAddress?.ToString(),
        }, CancellationToken.None);
    }
}
