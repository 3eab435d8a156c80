using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tollgate.Postgres;

namespace Tollgate.Hosting;

/// <summary>Runs a host, turning a configuration problem found at start-up into one message and exit code 1.</summary>
public static class StartupFailureExtensions
{
    public static async Task<int> RunUntilStartupFailsAsync(this IHost host)
    {
        try
        {
            await host.RunAsync();
            return 0;
        }
        catch (Exception exception) when (exception is EmbeddedPostgresException or OptionsValidationException)
        {
            // The message says what to install or configure; a stack trace would only bury it.
            await Console.Error.WriteLineAsync($"Tollgate could not start: {exception.Message}");
            return 1;
        }
    }
}
