namespace Tollgate.ApiHost.Stripe;

internal static class StripeServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="StripeOptions"/> (section <c>Stripe</c>, validated at start-up; <c>Stripe__WebhookSecrets</c> may be one
    /// comma-separated value) and the typed <see cref="StripeCheckoutClient"/>. Maps no endpoints.
    /// </summary>
    public static IServiceCollection AddTollgateStripe(this IServiceCollection services)
    {
        services.AddOptions<StripeOptions>()
            .BindConfiguration(StripeOptions.Section)
            .Configure<IConfiguration>((options, configuration) =>
            {
                // The binder fills an array only from children (Stripe:WebhookSecrets:0 …); a plain value is kept here.
                if (configuration[$"{StripeOptions.Section}:{nameof(StripeOptions.WebhookSecrets)}"] is { Length: > 0 } single)
                {
                    options.WebhookSecrets = [.. options.WebhookSecrets, single];
                }
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHttpClient<StripeCheckoutClient>();
        return services;
    }
}
