using System.Net;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace Tollgate.ApiHost.Stripe;

/// <summary>A subscription Checkout Session to create for one user and agent.</summary>
/// <param name="PriceId">The Stripe price (<c>price_…</c>) of the agent plan.</param>
/// <param name="UserId">Becomes <c>client_reference_id</c> and <c>userId</c> in the session's and the subscription's metadata.</param>
/// <param name="AgentId">Becomes <c>agentId</c> in the session's and the subscription's metadata.</param>
/// <param name="CustomerEmail">Prefills Checkout's email field; omitted when null or empty.</param>
/// <param name="SuccessUrl">Where Checkout returns after payment.</param>
/// <param name="CancelUrl">Where Checkout returns when abandoned.</param>
/// <param name="IdempotencyKey">Sent as <c>Idempotency-Key</c> (and again on Stripe.net's retries): a retry with the same key returns the same session.</param>
public sealed record CheckoutRequest(string PriceId, string UserId, string AgentId, string? CustomerEmail, string SuccessUrl,
    string CancelUrl, string IdempotencyKey);

/// <summary>A created Checkout Session: its id (<c>cs_…</c>) and the URL to send the user to.</summary>
public sealed record CheckoutSession(string Id, string Url);

/// <summary>
/// Stripe's HTTP API through Stripe.net (API <c>2026-10-28.endive</c>) at <c>Stripe:ApiBase</c> with
/// <c>Stripe:SecretKey</c>: Checkout Sessions, and subscriptions fetched when a webhook cannot be ordered. A typed
/// client (<c>services.AddHttpClient&lt;StripeApiClient&gt;()</c>); one call times out after 15 s, and Stripe.net
/// retries connection failures, 409 and 5xx <c>Stripe:MaxNetworkRetries</c> times with the same idempotency key.
/// </summary>
public sealed class StripeApiClient
{
    /// <summary>How long one call to Stripe may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly HttpClient _http;
    private readonly IOptions<StripeOptions> _options;

    public StripeApiClient(HttpClient http, IOptions<StripeOptions> options)
    {
        _http = http;
        _http.Timeout = Timeout;
        _options = options;
    }

    /// <summary>Whether a secret key is configured, so Stripe can be called at all.</summary>
    public bool Configured => !string.IsNullOrWhiteSpace(_options.Value.SecretKey);

    /// <summary>
    /// Creates a <c>mode=subscription</c> session for one unit of <see cref="CheckoutRequest.PriceId"/>, carrying the user
    /// and agent in <c>metadata</c> and <c>subscription_data[metadata]</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>Stripe:SecretKey</c> is not configured.</exception>
    /// <exception cref="StripeApiException">Stripe answered with an error, or could not be reached.</exception>
    public async Task<CheckoutSession> CreateSubscriptionCheckoutAsync(CheckoutRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.PriceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.UserId);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.AgentId);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.SuccessUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.CancelUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.IdempotencyKey);
        var metadata = new Dictionary<string, string> { ["userId"] = request.UserId, ["agentId"] = request.AgentId };
        var options = new SessionCreateOptions
        {
            Mode = "subscription",
            LineItems = [new SessionLineItemOptions { Price = request.PriceId, Quantity = 1 }],
            SuccessUrl = request.SuccessUrl,
            CancelUrl = request.CancelUrl,
            ClientReferenceId = request.UserId,
            CustomerEmail = string.IsNullOrEmpty(request.CustomerEmail) ? null : request.CustomerEmail,
            Metadata = metadata,
            SubscriptionData = new SessionSubscriptionDataOptions { Metadata = new Dictionary<string, string>(metadata) },
        };
        var session = await CallAsync(client => client.V1.Checkout.Sessions.CreateAsync(options, new RequestOptions { IdempotencyKey = request.IdempotencyKey }, ct));
        return session is { Id.Length: > 0, Url.Length: > 0 }
            ? new CheckoutSession(session.Id, session.Url)
            : throw new StripeApiException(HttpStatusCode.OK, "Stripe's Checkout Session answer has no id and url.");
    }

    /// <summary>The subscription as Stripe has it now (<c>GET /v1/subscriptions/{id}</c>).</summary>
    /// <exception cref="InvalidOperationException"><c>Stripe:SecretKey</c> is not configured.</exception>
    /// <exception cref="StripeApiException">Stripe answered with an error, or could not be reached.</exception>
    public Task<Subscription> GetSubscriptionAsync(string subscriptionId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subscriptionId);
        return CallAsync(client => client.V1.Subscriptions.GetAsync(subscriptionId, null, null, ct));
    }

    private async Task<T> CallAsync<T>(Func<StripeClient, Task<T>> call)
    {
        var options = _options.Value;
        if (!Configured)
        {
            throw new InvalidOperationException("Stripe:SecretKey is not configured; Stripe's API cannot be called.");
        }

        var client = new StripeClient(new StripeClientOptions
        {
            ApiKey = options.SecretKey,
            // Stripe.net appends paths to the base as given: a trailing slash would make "//v1/…".
            ApiBase = options.ApiBase.TrimEnd('/'),
            HttpClient = new SystemNetHttpClient(_http, options.MaxNetworkRetries),
        });
        try
        {
            return await call(client);
        }
        catch (StripeException error)
        {
            throw new StripeApiException(error.HttpStatusCode, error.StripeError?.Message ?? error.Message, error.StripeError?.Type,
                error.StripeError?.Code, error.StripeResponse?.RequestId, error);
        }
        catch (HttpRequestException unreachable)
        {
            throw new StripeApiException(HttpStatusCode.ServiceUnavailable, "Stripe could not be reached: " + unreachable.Message, innerException: unreachable);
        }
        catch (TaskCanceledException timeout) when (!timeout.CancellationToken.IsCancellationRequested || timeout.InnerException is TimeoutException)
        {
            throw new StripeApiException(HttpStatusCode.GatewayTimeout, $"Stripe did not answer within {Timeout.TotalSeconds:0} s.", innerException: timeout);
        }
    }
}
