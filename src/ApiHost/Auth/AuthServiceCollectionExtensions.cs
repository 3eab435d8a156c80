using Tollgate.ApiHost.Http;
using Tollgate.Hosting;

namespace Tollgate.ApiHost.Auth;

internal static class AuthServiceCollectionExtensions
{
    /// <summary>Credentials, cookies, origins (CORS included) and the access filter, options validated at start-up.</summary>
    public static IServiceCollection AddTollgateAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .Configure(options =>
            {
                options.TrustedOrigins = ConfigurationLists.WithPlainValue(configuration, $"{AuthOptions.Section}:{nameof(AuthOptions.TrustedOrigins)}", options.TrustedOrigins);
                options.Secrets = ConfigurationLists.WithPlainValue(configuration, $"{AuthOptions.Section}:{nameof(AuthOptions.Secrets)}", options.Secrets);
            })
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<AuthOptions>, CookieSettingsValidation>();
        services.AddSingleton(_ => FrontendOptions.From(configuration));
        services.AddSingleton<TrustedOrigins>();
        services.AddSingleton<SecretRing>();
        services.AddSingleton<SessionCookie>();
        services.AddSingleton<CallerResolver>();
        services.AddSingleton<AuthProblems>();
        services.AddSingleton<SignInRateLimiter>();
        services.AddSingleton<Organizations.OrganizationAuthorizer>();
        services.AddSingleton<Tokens.JwksStore>();
        services.AddHostedService<AuthStartupCheck>();
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<TrustedOrigins>((cors, origins) => cors.AddDefaultPolicy(policy => policy
                .SetIsOriginAllowed(origins.Contains)
                .AllowCredentials()
                .AllowAnyMethod()
                .WithHeaders("content-type", "authorization", "x-api-key", "idempotency-key")
                .WithExposedHeaders("set-auth-token", "retry-after")));
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new UtcTimestampConverter());
            // A number must be a JSON number: "3600" for banExpiresIn is a type error, as in better-auth.
            json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        return services;
    }

    /// <summary>
    /// Built at start-up, it resolves the origin settings, so a bad <c>FRONTEND_URL</c> or trusted origin stops the
    /// host with one clear message instead of failing the first request.
    /// </summary>
    private sealed class AuthStartupCheck(TrustedOrigins origins) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            GC.KeepAlive(origins);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
