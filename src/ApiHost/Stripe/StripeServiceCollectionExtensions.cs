namespace Tollgate.ApiHost.Stripe;

internal static class StripeServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="StripeOptions"/> (section <c>Stripe</c>, validated at start-up; <c>Stripe__WebhookSecrets</c> may be one
    /// comma-separated value) and the typed <see cref="StripeApiClient"/>. Maps no endpoints.
    /// </summary>
    public static IServiceCollection AddTollgateStripe(this IServiceCollection services)
    {
        services.AddOptions<StripeOptions>()
            .BindConfiguration(StripeOptions.Section)
            .Configure<IConfiguration>((options, configuration) => options.WebhookSecrets = Tollgate.Hosting.ConfigurationLists.WithPlainValue(
                configuration, $"{StripeOptions.Section}:{nameof(StripeOptions.WebhookSecrets)}", options.WebhookSecrets))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHttpClient<StripeApiClient>();
        return services;
    }
}
