using System.Text.Json;
using Tollgate.LoadTest.Http;

namespace Tollgate.LoadTest.Seeding;

/// <summary>Sign-up and sign-in as a browser does them, keeping the bearer token and the session cookie.</summary>
public sealed class Accounts(ApiClient api)
{
    public async Task<SignedIn> SignUpAsync(Account account, CancellationToken cancellationToken)
    {
        var answer = await api.PostAsync("/api/auth/sign-up/email", new { name = account.Email.Split('@')[0], email = account.Email, password = account.Password },
            cancellationToken: cancellationToken);
        // A sign-up retried after a lost answer finds the account made: sign in instead.
        return answer.Code == "USER_ALREADY_EXISTS"
            ? await SignInAsync(account, cancellationToken)
            : Read(answer, $"signing up {account.Email}");
    }

    public async Task<SignedIn> SignInAsync(Account account, CancellationToken cancellationToken) =>
        Read(await api.PostAsync("/api/auth/sign-in/email", new { email = account.Email, password = account.Password }, cancellationToken: cancellationToken),
            $"signing in {account.Email}");

    public static SignedIn Read(ApiAnswer answer, string purpose)
    {
        var json = ApiClient.Require(answer, purpose);
        var user = json.GetProperty("user");
        var cookie = answer.SetCookie?.Split(';')[0] ?? throw new SetupException($"{purpose}: the answer set no session cookie");
        return new SignedIn(user.GetProperty("id").GetString()!, json.GetProperty("token").GetString()!, cookie,
            user.TryGetProperty("role", out var role) && role.ValueKind == JsonValueKind.String ? role.GetString()! : "");
    }
}
