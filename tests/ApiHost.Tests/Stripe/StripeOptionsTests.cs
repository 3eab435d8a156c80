using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tollgate.ApiHost.Stripe;
using Xunit;

namespace Tollgate.ApiHost.Tests.Stripe;

/// <summary>The <c>Stripe</c> options section as <see cref="StripeServiceCollectionExtensions.AddTollgateStripe"/> binds it.</summary>
public sealed class StripeOptionsTests
{
    [Fact]
    public void DefaultsAreStripesApiAndAFiveMinuteTolerance()
    {
        var options = Bind([]);

        Assert.Equal("https://api.stripe.com", options.ApiBase);
        Assert.Null(options.SecretKey);
        Assert.Empty(options.EffectiveWebhookSecrets);
        Assert.Equal(300, options.WebhookToleranceSeconds);
        Assert.Null(options.SuccessUrl);
        Assert.Null(options.CancelUrl);
    }

    [Fact]
    public void WebhookSecretsMayBeAnArray()
    {
        var options = Bind(new() { ["Stripe:WebhookSecrets:0"] = "whsec_old", ["Stripe:WebhookSecrets:1"] = "whsec_new" });

        Assert.Equal(["whsec_old", "whsec_new"], options.EffectiveWebhookSecrets);
    }

    [Fact]
    public void WebhookSecretsMayBeOneCommaSeparatedValue()
    {
        var options = Bind(new() { ["Stripe:WebhookSecrets"] = " whsec_old, whsec_new ,," });

        Assert.Equal(["whsec_old", "whsec_new"], options.EffectiveWebhookSecrets);
    }

    [Fact]
    public void AnArrayEntryMayAlsoHoldSeveralSecrets()
    {
        var options = Bind(new() { ["Stripe:WebhookSecrets:0"] = "whsec_a,whsec_b", ["Stripe:WebhookSecrets:1"] = "whsec_c" });

        Assert.Equal(["whsec_a", "whsec_b", "whsec_c"], options.EffectiveWebhookSecrets);
    }

    [Fact]
    public void AnOutOfRangeToleranceIsRejected()
    {
        Assert.Throws<OptionsValidationException>(() => Bind(new() { ["Stripe:WebhookToleranceSeconds"] = "0" }));
    }

    private static StripeOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        using var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddTollgateStripe().BuildServiceProvider();
        return services.GetRequiredService<IOptions<StripeOptions>>().Value;
    }
}
