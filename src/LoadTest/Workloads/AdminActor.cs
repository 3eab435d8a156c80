using System.Diagnostics;
using System.Text.Json;
using Tollgate.LoadTest.Audit;
using Tollgate.LoadTest.Http;
using Tollgate.LoadTest.Metrics;
using Tollgate.LoadTest.Seeding;

namespace Tollgate.LoadTest.Workloads;

/// <summary>
/// The mixed scenario's admin, at <c>--admin-rate</c> operations per second, alternately: a role change (platform_admin
/// ⇄ org_member) checked by the user's very next request (list-users: 200 as admin, 403 otherwise), and a revocation
/// (admin revoke-user-sessions, or the user's own sign-out) of a session the readers are using, which is then replaced
/// by a fresh sign-in.
/// </summary>
public sealed class AdminActor(World world, SessionPool pool, TimedRequests requests, SessionAudit audit, double rate)
{
    private const string Admin = "platform_admin";
    private const string Member = "org_member";
    private readonly BodyBuffer _body = new();
    private readonly string[] _roles = world.RoleUsers.Select(u => u.Role).ToArray();

    public async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1 / rate));
        try
        {
            for (var tick = 0; await timer.WaitForNextTickAsync(stop); tick++)
            {
                await (tick % 2 == 0 ? ChangeRoleAsync(tick / 2, stop) : RevokeAsync(tick / 2, stop));
            }
        }
        catch (OperationCanceledException)
        {
            // the load ended
        }
    }

    private async Task ChangeRoleAsync(int turn, CancellationToken stop)
    {
        var index = turn % world.RoleUsers.Count;
        var user = world.RoleUsers[index];
        var role = _roles[index] == Admin ? Member : Admin;
        var set = await requests.SendAsync(Operation.SetRole, HttpMethod.Post, "/api/auth/admin/set-role",
            TimedRequests.Body(new { userId = user.UserId, role }), world.AdminToken, _body, stop);
        if (set is not { Ok: true })
        {
            return;
        }

        _roles[index] = role;
        var expected = role == Admin ? 200 : 403;
        var check = await requests.SendAsync(Operation.RoleCheck, HttpMethod.Get, "/api/auth/admin/list-users?limit=1", null, user.Token, _body, stop, expected);
        if (check is { Retriable: false } answered)
        {
            audit.RoleChange(answered.Status == expected, user.UserId, role);
        }
    }

    private async Task RevokeAsync(int turn, CancellationToken stop)
    {
        var slot = turn % pool.Count;
        var handle = pool.Current(slot);
        handle.RevokeSent(Stopwatch.GetTimestamp());
        var revoked = turn % 2 == 0
            ? await requests.SendAsync(Operation.Revoke, HttpMethod.Post, "/api/auth/admin/revoke-user-sessions",
                TimedRequests.Body(new { userId = handle.Session.UserId }), world.AdminToken, _body, stop)
            : await requests.SendAsync(Operation.Revoke, HttpMethod.Post, "/api/auth/sign-out", null, handle.Session.Token, _body, stop);
        if (revoked is { Ok: true })
        {
            handle.Revoked(Stopwatch.GetTimestamp());
            audit.Revocation();
        }

        if (await SignInAsync(world.SessionAccounts[slot], stop) is { } next)
        {
            pool.Replace(slot, handle, new SessionHandle(next));
        }
    }

    /// <summary>Signs the account in again, retrying once a second while refused or unreachable; null if the load ends first.</summary>
    private async Task<SignedIn?> SignInAsync(Account account, CancellationToken stop)
    {
        var body = TimedRequests.Body(new { email = account.Email, password = account.Password });
        while (!stop.IsCancellationRequested)
        {
            string? cookie = null;
            var answer = await requests.SendAsync(Operation.SignIn, HttpMethod.Post, "/api/auth/sign-in/email", body, null, _body, stop,
                answerHeaders: response => cookie = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.First().Split(';')[0] : null);
            if (answer is { Ok: true } && cookie is not null)
            {
                var json = JsonDocument.Parse(_body.Span.ToArray()).RootElement;
                return new SignedIn(account.UserId, json.GetProperty("token").GetString()!, cookie, Member);
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
        }

        return null;
    }
}
