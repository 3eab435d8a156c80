namespace Tollgate.LoadTest.Metrics;

/// <summary>The kinds of request the tool sends during the load, each reported on its own row.</summary>
public enum Operation
{
    Consume,
    GetSession,
    SetRole,
    RoleCheck,
    Revoke,
    SignIn,
    Webhook,
}
