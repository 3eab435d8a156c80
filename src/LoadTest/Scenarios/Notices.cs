namespace Tollgate.LoadTest.Scenarios;

/// <summary>Notes for the operator on standard error, each kind once per run.</summary>
public sealed class Notices(TextWriter output)
{
    private readonly HashSet<string> _said = new(StringComparer.Ordinal);

    public void Log(string line) => output.WriteLine(line);

    public void RateLimited(string what)
    {
        lock (_said)
        {
            if (!_said.Add("rate-limited"))
            {
                return;
            }
        }

        output.WriteLine($"note: {what}; waiting as told by Retry-After. Sign-up and sign-in are limited per IP (Auth__SignInMaxRequests on the API hosts, " +
            "3 per 10 s by default); scripts/local-cluster.sh raises it for load tests.");
    }
}
