using System.Text.Json;
using Tollgate.ApiHost.Access;
using Tollgate.Grains.Identity;
using Tollgate.Hosting;

namespace Tollgate.ApiHost.Cli;

/// <summary>
/// Operator commands, run as <c>dotnet run --project src/ApiHost -- &lt;command&gt;</c>:
/// <c>export-permissions [--format ts|json] [--out FILE]</c> and
/// <c>admin set-role --email E --role R[,R…]</c>. Other arguments are configuration, as for the host.
/// </summary>
internal static class TollgateCli
{
    private const string Usage = """
        Usage:
          tollgate export-permissions [--format ts|json] [--out FILE]
          tollgate admin set-role --email EMAIL --role platform_admin|org_member[,...]
        Configuration (connection string, ApiHost:Mode, ...) comes from appsettings.json, the environment and
        --Key=Value arguments, as for the server.
        """;

    public static bool IsCommand(string[] args) => args is ["export-permissions", ..] or ["admin", ..] or ["help" or "--help"];

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return args switch
            {
                ["export-permissions", .. var rest] => await ExportPermissionsAsync(Options(rest, "format", "out")),
                ["admin", "set-role", .. var rest] => await SetRoleAsync(Options(rest, "email", "role"), Remaining(rest, "email", "role")),
                _ => Fail(args is ["help" or "--help"] ? null : $"Unknown command '{string.Join(' ', args)}'."),
            };
        }
        catch (ArgumentException invalid)
        {
            return Fail(invalid.Message);
        }
        catch (Exception exception) when (exception is Tollgate.Postgres.EmbeddedPostgresException or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await Console.Error.WriteLineAsync($"Tollgate could not start: {exception.Message}");
            return 1;
        }
        catch (Exception exception)
        {
            // The cluster or the database failed the command: say what happened, exit 1 (not a crash).
            await Console.Error.WriteLineAsync($"The command failed: {exception}");
            return 1;
        }
    }

    private static int EphemeralPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<int> ExportPermissionsAsync(Dictionary<string, string> options)
    {
        var format = options.GetValueOrDefault("format", "ts");
        var text = format switch
        {
            "ts" => PermissionsExport.TypeScript(PermissionDocument.Platform),
            "json" => PermissionsExport.Json(PermissionDocument.Platform),
            _ => throw new ArgumentException($"--format must be ts or json; got '{format}'."),
        };
        if (options.TryGetValue("out", out var path))
        {
            await File.WriteAllTextAsync(path, text);
            await Console.Error.WriteLineAsync($"Wrote {Path.GetFullPath(path)}.");
        }
        else
        {
            await Console.Out.WriteAsync(text);
        }

        return 0;
    }

    private static async Task<int> SetRoleAsync(Dictionary<string, string> options, string[] configurationArgs)
    {
        var email = options.TryGetValue("email", out var e) ? EmailAddress.Normalize(e) : throw new ArgumentException("--email is required.");
        var roles = Tollgate.Grains.Access.PlatformAccess.SplitRoles(options.GetValueOrDefault("role"));
        if (roles.Length == 0 || !roles.All(Tollgate.Grains.Access.PlatformAccess.Statement.IsRole))
        {
            throw new ArgumentException($"--role must be one or more of: {string.Join(", ", Tollgate.Grains.Access.PlatformAccess.Statement.Roles.Keys)}.");
        }

        var builder = Host.CreateApplicationBuilder(configurationArgs);
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        // The CLI's own silo lives for one command: ports of its own, never the ones a host just left.
        builder.Configuration["Silo:Port"] ??= EphemeralPort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Configuration["Silo:GatewayPort"] ??= EphemeralPort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.AddTollgateBackend();
        using var host = builder.Build();
        try
        {
            await host.StartAsync();
            await WaitReadyAsync(host.Services.GetRequiredService<IReadinessCheck>());
            var grains = host.Services.GetRequiredService<IGrainFactory>();
            if (await grains.GetGrain<IEmailGrain>(email).OwnerAsync() is not { } userId)
            {
                return Fail($"No user has the email {email}.");
            }

            var result = await grains.GetGrain<IUserGrain>(userId).SetRoleAsync(roles, Actor.Cli);
            if (!result.Succeeded)
            {
                return Fail($"The role was not set: {result.Error}.");
            }

            await Console.Out.WriteLineAsync(JsonSerializer.Serialize(new { result.Value!.Id, result.Value.Email, result.Value.Role }, JsonSerializerOptions.Web));
            return 0;
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task WaitReadyAsync(IReadinessCheck readiness)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!(await readiness.CheckAsync(deadline.Token)).Ready)
        {
            await Task.Delay(200, deadline.Token);
        }
    }

    private static Dictionary<string, string> Options(string[] args, params string[] names)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && names.Contains(args[i][2..]))
            {
                options[args[i][2..]] = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            }
        }

        return options;
    }

    private static string[] Remaining(string[] args, params string[] names)
    {
        var remaining = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && names.Contains(args[i][2..]))
            {
                i++;
                continue;
            }

            remaining.Add(args[i]);
        }

        return [.. remaining];
    }

    private static int Fail(string? message)
    {
        if (message is not null)
        {
            Console.Error.WriteLine(message);
        }

        Console.Error.WriteLine(Usage);
        return 2;
    }
}
