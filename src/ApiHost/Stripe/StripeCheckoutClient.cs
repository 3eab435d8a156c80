using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Tollgate.ApiHost.Stripe;

/// <summary>A subscription Checkout Session to create for one user and agent.</summary>
/// <param name="PriceId">The Stripe price (<c>price_…</c>) of the agent plan.</param>
/// <param name="UserId">Becomes <c>client_reference_id</c> and <c>userId</c> in the session's and the subscription's metadata.</param>
/// <param name="AgentId">Becomes <c>agentId</c> in the session's and the subscription's metadata.</param>
/// <param name="CustomerEmail">Prefills Checkout's email field; omitted when null or empty.</param>
/// <param name="SuccessUrl">Where Checkout returns after payment.</param>
/// <param name="CancelUrl">Where Checkout returns when abandoned.</param>
/// <param name="IdempotencyKey">Sent as <c>Idempotency-Key</c>: a retry with the same key returns the same session.</param>
public sealed record CheckoutRequest(string PriceId, string UserId, string AgentId, string? CustomerEmail, string SuccessUrl,
    string CancelUrl, string IdempotencyKey);

/// <summary>A created Checkout Session: its id (<c>cs_…</c>) and the URL to send the user to.</summary>
public sealed record CheckoutSession(string Id, string Url);

/// <summary>
/// Creates Checkout Sessions through Stripe's HTTP API (<c>POST {Stripe:ApiBase}/v1/checkout/sessions</c>,
/// form-encoded, <c>Authorization: Bearer {Stripe:SecretKey}</c>). A typed client:
/// <c>services.AddHttpClient&lt;StripeCheckoutClient&gt;()</c>. Requests time out after 15 s.
/// </summary>
public sealed class StripeCheckoutClient
{
    /// <summary>How long one call to Stripe may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly HttpClient _http;
    private readonly IOptions<StripeOptions> _options;

    public StripeCheckoutClient(HttpClient http, IOptions<StripeOptions> options)
    {
        _http = http;
        _http.Timeout = Timeout;
        _options = options;
    }

    /// <summary>
    /// Creates a <c>mode=subscription</c> session for one unit of <see cref="CheckoutRequest.PriceId"/>, carrying the user
    /// and agent in <c>metadata</c> and <c>subscription_data[metadata]</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>Stripe:SecretKey</c> is not configured.</exception>
    /// <exception cref="StripeApiException">Stripe answered with a non-success status, or without an id and url.</exception>
    /// <exception cref="HttpRequestException">Stripe could not be reached.</exception>
    /// <exception cref="TaskCanceledException">The call timed out or <paramref name="ct"/> was cancelled.</exception>
    public async Task<CheckoutSession> CreateSubscriptionCheckoutAsync(CheckoutRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.PriceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.UserId);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.AgentId);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.SuccessUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.CancelUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.IdempotencyKey);
        var options = _options.Value;
        if (string.IsNullOrWhiteSpace(options.SecretKey))
        {
            throw new InvalidOperationException("Stripe:SecretKey is not configured; Checkout Sessions cannot be created.");
        }

        var form = new List<KeyValuePair<string, string>>
        {
            new("mode", "subscription"),
            new("line_items[0][price]", request.PriceId),
            new("line_items[0][quantity]", "1"),
            new("success_url", request.SuccessUrl),
            new("cancel_url", request.CancelUrl),
            new("client_reference_id", request.UserId),
        };
        if (!string.IsNullOrEmpty(request.CustomerEmail))
        {
            form.Add(new("customer_email", request.CustomerEmail));
        }

        form.Add(new("metadata[userId]", request.UserId));
        form.Add(new("metadata[agentId]", request.AgentId));
        form.Add(new("subscription_data[metadata][userId]", request.UserId));
        form.Add(new("subscription_data[metadata][agentId]", request.AgentId));

        using var message = new HttpRequestMessage(HttpMethod.Post, options.ApiBase.TrimEnd('/') + "/v1/checkout/sessions")
        {
            Content = new FormUrlEncodedContent(form),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.SecretKey);
        message.Headers.Add("Idempotency-Key", request.IdempotencyKey);

        using var response = await _http.SendAsync(message, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var requestId = response.Headers.TryGetValues("Request-Id", out var ids) ? ids.FirstOrDefault() : null;
        if (!response.IsSuccessStatusCode)
        {
            var (errorMessage, type, code) = ParseError(body);
            throw new StripeApiException(response.StatusCode,
                errorMessage ?? $"Stripe answered {(int)response.StatusCode} {response.ReasonPhrase}.", type, code, requestId);
        }

        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("id", out var id) && id.GetString() is { Length: > 0 } sessionId
                && json.RootElement.TryGetProperty("url", out var url) && url.GetString() is { Length: > 0 } sessionUrl)
            {
                return new CheckoutSession(sessionId, sessionUrl);
            }
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException)
        {
            // Reported below.
        }

        throw new StripeApiException(response.StatusCode, "Stripe's Checkout Session answer has no id and url.", requestId: requestId);
    }

    private static (string? Message, string? Type, string? Code) ParseError(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                return (Text(error, "message"), Text(error, "type"), Text(error, "code"));
            }
        }
        catch (JsonException)
        {
            // Not Stripe's error shape (a proxy's page, say): the status alone is reported.
        }

        return (null, null, null);

        static string? Text(JsonElement element, string name) =>
            element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
