using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Tollgate.ApiHost.Stripe;
using Tollgate.Testing;
using Xunit;
using static Tollgate.ApiHost.Tests.BadInput;

namespace Tollgate.ApiHost.Tests;

/// <summary>
/// Every billing endpoint (agents, subscriptions, checkout, quota, Stripe webhooks and their admin routes) given what
/// a careless or hostile client sends: the documented problem (status, code, problem+json) comes back, and nothing
/// changed: no agent, plan, subscription, idempotency record, Stripe event or audited interaction appeared or went,
/// the scene's agent kept its name and plans, and the scene's subscription kept its status, limit and usage.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BillingBadInputTests(PostgresFixture postgres, BillingBadInputTests.Api api)
    : IClassFixture<BillingBadInputTests.Api>
{
    private const string PutAgent = "/api/admin/agents/{agent}";
    private const string ListAgents = "/api/agents";
    private const string MySubscriptions = "/api/subscriptions";
    private const string Checkout = "/api/subscriptions/checkout";
    private const string UserSubscriptions = "/api/admin/users/{subscriber}/subscriptions";
    private const string Consume = "/api/quota/consume";
    private const string GetQuota = "/api/quota/{agent}";
    private const string Adjust = "/api/admin/quota/adjust";
    private const string Webhook = "/api/stripe/webhook";
    private const string StripeEvents = "/api/admin/stripe-events";
    private const string Replay = "/api/admin/stripe-events/{event}/replay";

    private const string SqlDrop = "'; DROP TABLE agents; --";

    /// <summary>The scene's plan: 100 units a period, of which the subscriber has used 3.</summary>
    private const long PeriodQuota = 100;

    private const long SeedUnits = 3;

    /// <summary>Every endpoint that reads a JSON body, with the fields an empty body lacks.</summary>
    private static readonly (string Method, string Endpoint, string[] Required)[] BodyEndpoints =
    [
        ("PUT", PutAgent, ["name", "plans"]),
        ("POST", Checkout, ["agentId"]),
        ("POST", Consume, ["agentId"]),
        ("POST", Adjust, ["userId", "agentId", "delta", "reason"]),
    ];

    /// <summary>Every endpoint that needs a caller, with a body the right caller would have had accepted.</summary>
    private static readonly (string Method, string Endpoint, string? Body)[] CallerEndpoints =
    [
        ("PUT", PutAgent, """{"name":"Renamed","plans":[{"stripePriceId":"{price}","periodQuota":1}]}"""),
        ("GET", MySubscriptions, null),
        ("POST", Checkout, """{"agentId":"{agent}"}"""),
        ("GET", UserSubscriptions, null),
        ("POST", Consume, """{"agentId":"{agent}","units":1}"""),
        ("GET", GetQuota, null),
        ("POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","delta":50,"reason":"gift"}"""),
        ("GET", StripeEvents, null),
        ("POST", Replay, null),
    ];

    /// <summary>The platform admin routes, with the permission each names when refused.</summary>
    private static readonly (string Method, string Endpoint, string? Body, string Permission)[] AdminEndpoints =
    [
        ("PUT", PutAgent, """{"name":"Hijacked","organizationId":null,"plans":[{"stripePriceId":"{price}","periodQuota":1000000}]}""", "agent:update"),
        ("PUT", "/api/admin/agents/{unknownId}", """{"name":"Squatter","plans":[]}""", "agent:update"),
        ("GET", UserSubscriptions, null, "subscription:list"),
        ("POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","delta":-3,"reason":"self-service refund"}""", "quota:adjust"),
        ("GET", StripeEvents, null, "stripe-event:list"),
        ("GET", StripeEvents + "?processed=false&limit=5", null, "stripe-event:list"),
        ("POST", Replay, null, "stripe-event:replay"),
        ("POST", "/api/admin/stripe-events/{unknownId}/replay", null, "stripe-event:replay"),
    ];

    private static readonly string[] MalformedBodies = MalformedJson("agentId");

    public enum Who
    {
        Admin,
        Subscriber,
    }

    public static TheoryData<string, string, string> MalformedJsonCases() =>
        Cases(from e in BodyEndpoints from body in MalformedBodies select (e.Method, e.Endpoint, body));

    public static TheoryData<string, string, string, string> EmptyBodyCases() =>
        Cases(from e in BodyEndpoints from body in EmptyBodies select (e.Method, e.Endpoint, body, string.Join(",", e.Required)));

    public static TheoryData<string, string> BodyEndpointNames() => Cases(BodyEndpoints.Select(e => (e.Method, e.Endpoint)));

    public static TheoryData<string, string, string?> CallerEndpointCases() => Cases(CallerEndpoints);

    public static TheoryData<string, string, string?, string> AdminEndpointCases() => Cases(AdminEndpoints);

    public static TheoryData<string, string, string> MissingFieldCases() => new()
    {
        { "PUT", PutAgent, """{"plans":[{"stripePriceId":"{price}","periodQuota":5}]}""" },
        { "PUT", PutAgent, """{"name":"No Plans"}""" },
        { "PUT", PutAgent, """{"name":"Null Plans","plans":null}""" },
        { "PUT", PutAgent, """{"name":null,"plans":[]}""" },
        { "PUT", PutAgent, """{"name":"No Price","plans":[{"periodQuota":5}]}""" },
        { "PUT", PutAgent, """{"name":"No Quota","plans":[{"stripePriceId":"{price}"}]}""" },
        { "PUT", PutAgent, """{"name":"Null Plan","plans":[null]}""" },
        { "PUT", PutAgent, """{"name":"Empty Plan","plans":[{}]}""" },
        { "PUT", "/api/admin/agents/{unknownId}", """{"name":"New Without Plans"}""" },
        { "POST", Checkout, """{"priceId":"{price}"}""" },
        { "POST", Checkout, """{"agentId":null,"priceId":"{price}"}""" },
        { "POST", Consume, """{"units":1}""" },
        { "POST", Consume, """{"agentId":null,"units":1}""" },
        { "POST", Consume, """{"userId":"{subscriber}","units":1,"idempotencyKey":"k"}""" },
        { "POST", Adjust, """{"agentId":"{agent}","delta":5,"reason":"r"}""" },
        { "POST", Adjust, """{"userId":"{subscriber}","delta":5,"reason":"r"}""" },
        { "POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","reason":"r"}""" },
        { "POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","delta":5}""" },
        { "POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","delta":null,"reason":"r"}""" },
        { "POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","delta":5,"reason":null}""" },
    };

    public static TheoryData<string, string, string, string, string> OutOfRangeCases() => new()
    {
        { "units 0", "POST", Consume, """{"agentId":"{agent}","units":0}""", "units" },
        { "units -1", "POST", Consume, """{"agentId":"{agent}","units":-1}""", "units" },
        { "units 1000001", "POST", Consume, """{"agentId":"{agent}","units":1000001}""", "units" },
        { "units long.MaxValue", "POST", Consume, Json(new { agentId = "{agent}", units = long.MaxValue }), "units" },
        { "units long.MinValue", "POST", Consume, Json(new { agentId = "{agent}", units = long.MinValue }), "units" },
        { "a 256-character idempotencyKey", "POST", Consume, Json(new { agentId = "{agent}", idempotencyKey = new string('k', 256) }), "idempotencyKey" },
        { "an empty idempotencyKey", "POST", Consume, """{"agentId":"{agent}","idempotencyKey":""}""", "idempotencyKey" },
        { "a blank idempotencyKey", "POST", Consume, """{"agentId":"{agent}","idempotencyKey":"   "}""", "idempotencyKey" },
        { "an idempotencyKey with a control character", "POST", Consume, """{"agentId":"{agent}","idempotencyKey":"job\u0007"}""", "idempotencyKey" },
        { "a 129-character agentId", "POST", Consume, Json(new { agentId = new string('a', 129) }), "agentId" },
        { "a blank agentId", "POST", Consume, """{"agentId":"  "}""", "agentId" },
        { "a 129-character userId", "POST", Consume, Json(new { agentId = "{agent}", userId = new string('u', 129) }), "userId" },
        { "an empty userId", "POST", Consume, """{"agentId":"{agent}","userId":""}""", "userId" },
        { "delta 0", "POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","delta":0,"reason":"r"}""", "delta" },
        { "delta 1000000001", "POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","delta":1000000001,"reason":"r"}""", "delta" },
        { "delta -1000000001", "POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","delta":-1000000001,"reason":"r"}""", "delta" },
        { "delta long.MaxValue", "POST", Adjust, Json(new { userId = "{subscriber}", agentId = "{agent}", delta = long.MaxValue, reason = "r" }), "delta" },
        { "an empty reason", "POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","delta":5,"reason":""}""", "reason" },
        { "a blank reason", "POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","delta":5,"reason":"    "}""", "reason" },
        { "a 501-character reason", "POST", Adjust, Json(new { userId = "{subscriber}", agentId = "{agent}", delta = 5, reason = new string('r', 501) }), "reason" },
        { "a reason with a control character", "POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","delta":5,"reason":"line\nbreak"}""", "reason" },
        { "a 129-character userId", "POST", Adjust, Json(new { userId = new string('u', 129), agentId = "{agent}", delta = 5, reason = "r" }), "userId" },
        { "a 129-character agentId", "POST", Adjust, Json(new { userId = "{subscriber}", agentId = new string('a', 129), delta = 5, reason = "r" }), "agentId" },
        { "21 plans", "PUT", PutAgent, Json(new { name = "Many", plans = Enumerable.Range(0, 21).Select(i => new { stripePriceId = $"price_{i}", periodQuota = 1 }) }), "plans" },
        { "21 plans on a new agent", "PUT", "/api/admin/agents/{unknownId}", Json(new { name = "Many", plans = Enumerable.Range(0, 21).Select(i => new { stripePriceId = $"price_{i}", periodQuota = 1 }) }), "plans" },
        { "a price id twice", "PUT", PutAgent, """{"name":"Twice","plans":[{"stripePriceId":"{price}","periodQuota":1},{"stripePriceId":"{price}","periodQuota":2}]}""", "plans" },
        { "a price id twice, padded", "PUT", PutAgent, """{"name":"Twice","plans":[{"stripePriceId":"price_x","periodQuota":1},{"stripePriceId":" price_x ","periodQuota":2}]}""", "plans" },
        { "a negative periodQuota", "PUT", PutAgent, """{"name":"Negative","plans":[{"stripePriceId":"{price}","periodQuota":-1}]}""", "plans[0].periodQuota" },
        { "a periodQuota over 1e12", "PUT", PutAgent, """{"name":"Huge","plans":[{"stripePriceId":"{price}","periodQuota":1000000000001}]}""", "plans[0].periodQuota" },
        { "a negative second periodQuota", "PUT", PutAgent, """{"name":"Negative","plans":[{"stripePriceId":"{price}","periodQuota":1},{"stripePriceId":"price_2","periodQuota":-5}]}""", "plans[1].periodQuota" },
        { "a 129-character name", "PUT", PutAgent, Json(new { name = new string('n', 129), plans = Array.Empty<object>() }), "name" },
        { "a blank name", "PUT", PutAgent, """{"name":"   ","plans":[]}""", "name" },
        { "a name with a control character", "PUT", PutAgent, """{"name":"Bell\u0007","plans":[]}""", "name" },
        { "a 129-character organizationId", "PUT", PutAgent, Json(new { name = "N", organizationId = new string('o', 129), plans = Array.Empty<object>() }), "organizationId" },
        { "a blank organizationId", "PUT", PutAgent, """{"name":"N","organizationId":" ","plans":[]}""", "organizationId" },
        { "a 129-character stripePriceId", "PUT", PutAgent, Json(new { name = "N", plans = new[] { new { stripePriceId = new string('p', 129), periodQuota = 1 } } }), "plans[0].stripePriceId" },
        { "a stripePriceId with a space", "PUT", PutAgent, """{"name":"N","plans":[{"stripePriceId":"price 1","periodQuota":1}]}""", "plans[0].stripePriceId" },
        { "a 129-character agentId in the path", "PUT", "/api/admin/agents/" + new string('a', 129), """{"name":"N","plans":[]}""", "agentId" },
        { "a 129-character agentId", "POST", Checkout, Json(new { agentId = new string('a', 129) }), "agentId" },
        { "a 129-character priceId", "POST", Checkout, Json(new { agentId = "{agent}", priceId = new string('p', 129) }), "priceId" },
        { "a blank priceId", "POST", Checkout, """{"agentId":"{agent}","priceId":" "}""", "priceId" },
    };

    /// <summary>Values of the wrong JSON type (numbers must be JSON numbers): refused by the binder, naming the field.</summary>
    public static TheoryData<string, string, string, string, string> WrongTypeCases() => new()
    {
        { "a string for units", "POST", Consume, """{"agentId":"{agent}","units":"5"}""", "units" },
        { "a fraction for units", "POST", Consume, """{"agentId":"{agent}","units":1.5}""", "units" },
        { "an exponent for units", "POST", Consume, """{"agentId":"{agent}","units":1e2}""", "units" },
        { "true for units", "POST", Consume, """{"agentId":"{agent}","units":true}""", "units" },
        { "units beyond a long", "POST", Consume, """{"agentId":"{agent}","units":99999999999999999999}""", "units" },
        { "a number for the agentId", "POST", Consume, """{"agentId":5}""", "agentId" },
        { "an array for the agentId", "POST", Consume, """{"agentId":["{agent}"]}""", "agentId" },
        { "an object for the userId", "POST", Consume, """{"agentId":"{agent}","userId":{"id":"{subscriber}"}}""", "userId" },
        { "a number for the idempotencyKey", "POST", Consume, """{"agentId":"{agent}","idempotencyKey":42}""", "idempotencyKey" },
        { "an array for the body", "POST", Consume, """[{"agentId":"{agent}"}]""", "body" },
        { "a string for the body", "POST", Consume, "\"{agent}\"", "body" },
        { "a string for delta", "POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","delta":"5","reason":"r"}""", "delta" },
        { "a fraction for delta", "POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","delta":0.5,"reason":"r"}""", "delta" },
        { "an exponent for delta", "POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","delta":1e10,"reason":"r"}""", "delta" },
        { "a number for the reason", "POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","delta":5,"reason":5}""", "reason" },
        { "true for the userId", "POST", Adjust, """{"userId":true,"agentId":"{agent}","delta":5,"reason":"r"}""", "userId" },
        { "plans as an object", "PUT", PutAgent, """{"name":"Object","plans":{"0":{"stripePriceId":"{price}","periodQuota":1}}}""", "plans" },
        { "plans as a string", "PUT", PutAgent, """{"name":"String","plans":"{price}"}""", "plans" },
        { "a plan as a string", "PUT", PutAgent, """{"name":"String plan","plans":["{price}"]}""", "plans[0]" },
        { "a string for periodQuota", "PUT", PutAgent, """{"name":"N","plans":[{"stripePriceId":"{price}","periodQuota":"5"}]}""", "plans[0].periodQuota" },
        { "a fraction for periodQuota", "PUT", PutAgent, """{"name":"N","plans":[{"stripePriceId":"{price}","periodQuota":2.5}]}""", "plans[0].periodQuota" },
        { "a number for the stripePriceId", "PUT", PutAgent, """{"name":"N","plans":[{"stripePriceId":7,"periodQuota":5}]}""", "plans[0].stripePriceId" },
        { "a number for the name", "PUT", PutAgent, """{"name":1,"plans":[]}""", "name" },
        { "a number for the organizationId", "PUT", PutAgent, """{"name":"N","organizationId":1,"plans":[]}""", "organizationId" },
        { "an array for the body", "PUT", PutAgent, """[{"name":"N","plans":[]}]""", "body" },
        { "a number for the agentId", "POST", Checkout, """{"agentId":1}""", "agentId" },
        { "an array for the priceId", "POST", Checkout, """{"agentId":"{agent}","priceId":["{price}"]}""", "priceId" },
    };

    public static TheoryData<string, string, string, string> SqlLikeCases() => new()
    {
        { "POST", Consume, Json(new { agentId = SqlOr }), "agentId" },
        { "POST", Consume, Json(new { agentId = "{agent}" + SqlDrop }), "agentId" },
        { "POST", Consume, Json(new { agentId = "{agent}", userId = SqlOr }), "userId" },
        { "POST", Consume, Json(new { agentId = "{agent}", userId = "{subscriber}/x" }), "userId" },
        { "POST", Checkout, Json(new { agentId = SqlDrop }), "agentId" },
        { "POST", Checkout, Json(new { agentId = "{agent}", priceId = SqlOr }), "priceId" },
        { "POST", Adjust, Json(new { userId = SqlOr, agentId = "{agent}", delta = 5, reason = "r" }), "userId" },
        { "POST", Adjust, Json(new { userId = "{subscriber}", agentId = SqlDrop, delta = 5, reason = "r" }), "agentId" },
        { "POST", Adjust, Json(new { userId = "{subscriber}/../x", agentId = "{agent}", delta = 5, reason = "r" }), "userId" },
        { "PUT", PutAgent, Json(new { name = "N", organizationId = SqlOr, plans = Array.Empty<object>() }), "organizationId" },
        { "PUT", PutAgent, Json(new { name = "N", plans = new[] { new { stripePriceId = SqlDrop, periodQuota = 1 } } }), "plans[0].stripePriceId" },
        { "PUT", "/api/admin/agents/" + Uri.EscapeDataString(SqlOr), """{"name":"N","plans":[]}""", "agentId" },
        { "PUT", "/api/admin/agents/" + Uri.EscapeDataString(SqlDrop), """{"name":"N","plans":[]}""", "agentId" },
        { "PUT", "/api/admin/agents/{agent}%2Fx", """{"name":"N","plans":[]}""", "agentId" },
    };

    /// <summary>GET routes whose path or query names a malformed id: 400 naming it, for a caller who may otherwise read.</summary>
    public static TheoryData<string, Who, string> BadQueryCases() => new()
    {
        { "/api/quota/" + Uri.EscapeDataString(SqlOr), Who.Subscriber, "agentId" },
        { "/api/quota/" + Uri.EscapeDataString(SqlDrop), Who.Subscriber, "agentId" },
        { "/api/quota/{agent}%2Fx", Who.Subscriber, "agentId" },
        { "/api/quota/" + new string('a', 129), Who.Subscriber, "agentId" },
        { "/api/quota/{agent}?userId=" + Uri.EscapeDataString(SqlOr), Who.Subscriber, "userId" },
        { "/api/quota/{agent}?userId=" + new string('u', 129), Who.Admin, "userId" },
        { "/api/quota/{agent}?userId=%00", Who.Admin, "userId" },
        { "/api/admin/users/" + Uri.EscapeDataString(SqlOr) + "/subscriptions", Who.Admin, "userId" },
        { "/api/admin/users/" + Uri.EscapeDataString(SqlDrop) + "/subscriptions", Who.Admin, "userId" },
        { "/api/admin/users/" + new string('u', 129) + "/subscriptions", Who.Admin, "userId" },
        { "/api/admin/stripe-events?limit=0", Who.Admin, "limit" },
        { "/api/admin/stripe-events?limit=-1", Who.Admin, "limit" },
        { "/api/admin/stripe-events?limit=1001", Who.Admin, "limit" },
    };

    /// <summary>Query values the binder cannot read as the parameter's type (a number, a boolean, one value).</summary>
    public static TheoryData<string, string> UnbindableQueryCases() => new()
    {
        { "/api/admin/stripe-events?limit=abc", "limit" },
        { "/api/admin/stripe-events?limit=1.5", "limit" },
        { "/api/admin/stripe-events?limit=99999999999", "limit" },
        { "/api/admin/stripe-events?limit=" + Uri.EscapeDataString(SqlOr), "limit" },
        { "/api/admin/stripe-events?processed=maybe", "processed" },
        { "/api/admin/stripe-events?processed=" + Uri.EscapeDataString(SqlOr), "processed" },
    };

    /// <summary>Well-formed ids of nothing: 404, and nothing changes.</summary>
    public static TheoryData<string, string, string> UnknownIdCases() => new()
    {
        { "POST", Consume, """{"agentId":"{unknownId}"}""" },
        { "POST", Consume, """{"agentId":"{unknownId}","units":1,"idempotencyKey":"unknown-agent"}""" },
        { "POST", Checkout, """{"agentId":"{unknownId}"}""" },
        { "POST", Checkout, """{"agentId":"{unknownId}","priceId":"{price}"}""" },
        { "POST", Checkout, """{"agentId":"{agent}","priceId":"{unknownId}"}""" },
        { "POST", Adjust, """{"userId":"{subscriber}","agentId":"{unknownId}","delta":5,"reason":"r"}""" },
        { "POST", Adjust, """{"userId":"{unknownId}","agentId":"{agent}","delta":5,"reason":"r"}""" },
        { "PUT", PutAgent, """{"name":"Moved","organizationId":"{unknownId}","plans":[{"stripePriceId":"{price}","periodQuota":1}]}""" },
        { "PUT", "/api/admin/agents/{unknownId}", """{"name":"Orphan","organizationId":"{unknownId}","plans":[]}""" },
    };

    public static TheoryData<string> BadSignatureCases() => new()
    {
        "missing",
        "empty",
        "garbage",
        "no timestamp",
        "a timestamp that is not a number",
        "two timestamps",
        "no v1",
        "v0 only",
        "a v1 that is not hex",
        "a short v1",
        "another secret",
        "another body",
        "stale",
        "from the future",
        "the secret without whsec",
    };

    /// <summary>Signed correctly, but not a Stripe event: 400 VALIDATION_FAILED, nothing stored.</summary>
    public static TheoryData<string, string> NotAnEventCases() => new()
    {
        { "an empty body", "" },
        { "not JSON", "not json" },
        { "truncated JSON", """{"id":"{eventId}","type":"customer.subscription.updated",""" },
        { "null", "null" },
        { "an array", "[]" },
        { "a string", "\"{eventId}\"" },
        { "an empty object", "{}" },
        { "no type", """{"id":"{eventId}","created":{now},"data":{"object":{}}}""" },
        { "no id", """{"type":"customer.subscription.updated","created":{now},"data":{"object":{}}}""" },
        { "no created", """{"id":"{eventId}","type":"customer.subscription.updated","data":{"object":{}}}""" },
        { "no data", """{"id":"{eventId}","type":"customer.subscription.updated","created":{now}}""" },
        { "no data.object", """{"id":"{eventId}","type":"customer.subscription.updated","created":{now},"data":{}}""" },
        { "data as a string", """{"id":"{eventId}","type":"customer.subscription.updated","created":{now},"data":"x"}""" },
        { "a number for the id", """{"id":5,"type":"customer.subscription.updated","created":{now},"data":{"object":{}}}""" },
        { "a null id", """{"id":null,"type":"customer.subscription.updated","created":{now},"data":{"object":{}}}""" },
        { "an empty id", """{"id":"","type":"customer.subscription.updated","created":{now},"data":{"object":{}}}""" },
        { "a 256-character id", "{\"id\":\"evt_" + new string('e', 252) + "\",\"type\":\"x.y\",\"created\":{now},\"data\":{\"object\":{}}}" },
        { "a number for the type", """{"id":"{eventId}","type":1,"created":{now},"data":{"object":{}}}""" },
        { "a string for created", """{"id":"{eventId}","type":"customer.subscription.updated","created":"{now}","data":{"object":{}}}""" },
        { "a fraction for created", """{"id":"{eventId}","type":"customer.subscription.updated","created":1.5,"data":{"object":{}}}""" },
        { "a created beyond a long", """{"id":"{eventId}","type":"customer.subscription.updated","created":1e30,"data":{"object":{}}}""" },
    };

    [Theory]
    [MemberData(nameof(MalformedJsonCases))]
    public async Task MalformedJsonIsAValidationProblemAndChangesNothing(string method, string endpoint, string body)
    {
        var problem = await RefusedAsync(method, endpoint, body, scenario: endpoint);
        Assert.Contains("JSON", problem.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EmptyBodyCases))]
    public async Task AnEmptyBodyIsAValidationProblemNamingEveryRequiredField(string method, string endpoint, string body, string requiredFields)
    {
        var problem = await RefusedAsync(method, endpoint, body, scenario: $"{endpoint} '{body}'");
        Assert.Equal(requiredFields.Split(',').Order(), FieldErrors(problem).Order());
    }

    [Theory]
    [MemberData(nameof(MissingFieldCases))]
    public async Task AMissingFieldIsAValidationProblemNamingItAndChangesNothing(string method, string endpoint, string body)
    {
        var problem = await RefusedAsync(method, endpoint, body, scenario: $"{endpoint} {body}");
        Assert.NotEmpty(FieldErrors(problem));
    }

    [Theory]
    [MemberData(nameof(OutOfRangeCases))]
    public async Task AnOutOfRangeFieldIsAValidationProblemNamingItAndChangesNothing(string scenario, string method, string endpoint, string body, string field)
    {
        var problem = await RefusedAsync(method, endpoint, body, scenario: $"{endpoint}: {scenario}");
        Assert.Contains(field, FieldErrors(problem));
    }

    [Theory]
    [MemberData(nameof(WrongTypeCases))]
    public async Task AValueOfTheWrongJsonTypeIsAValidationProblemNamingItAndChangesNothing(string scenario, string method, string endpoint, string body, string field)
    {
        var problem = await RefusedAsync(method, endpoint, body, scenario: $"{endpoint}: {scenario}");
        Assert.Contains(field, FieldErrors(problem));
    }

    [Theory]
    [MemberData(nameof(SqlLikeCases))]
    public async Task AnSqlLikeIdIsAValidationProblemAndChangesNothing(string method, string endpoint, string body, string field)
    {
        var problem = await RefusedAsync(method, endpoint, body, scenario: $"{endpoint} {body}");
        Assert.Contains(field, FieldErrors(problem));
        await AssertTablesExistAsync();
    }

    [Theory]
    [MemberData(nameof(BadQueryCases))]
    public async Task AMalformedIdOrQueryOnAReadIsAValidationProblemNamingIt(string path, Who who, string field)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var response = await SendAsync("GET", scene.Fill(path), who == Who.Admin ? api.AdminToken : scene.SubscriberToken, null);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED", path);
        Assert.Contains(field, FieldErrors(problem));
        Assert.Equal(before, await StateAsync(scene));
        await AssertTablesExistAsync();
    }

    [Theory]
    [MemberData(nameof(UnbindableQueryCases))]
    public async Task AnUnbindableQueryValueIsAValidationProblemAndChangesNothing(string path, string field)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var response = await SendAsync("GET", path, api.AdminToken, null);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED", path);
        Assert.Contains(field, problem.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync(scene));
    }

    /// <summary>
    /// api.md: VALIDATION_FAILED carries <c>details.errors</c> per field. A query value the binder cannot read (limit=abc,
    /// processed=maybe) is a 400 VALIDATION_FAILED whose message names the parameter, but whose <c>details</c> is empty:
    /// ProblemDetailsSetup only builds <c>details.errors</c> for a JSON body's <c>JsonException</c>.
    /// </summary>
    [Theory]
    [MemberData(nameof(UnbindableQueryCases))]
    public async Task AnUnbindableQueryValueNamesItsFieldInDetailsErrors(string path, string field)
    {
        await api.EnsureAdminAsync(postgres.ConnectionString);

        using var response = await SendAsync("GET", path, api.AdminToken, null);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED", path);
        Assert.Contains(field, FieldErrors(problem));
    }

    [Theory]
    [MemberData(nameof(UnknownIdCases))]
    public async Task AWellFormedButUnknownIdIsNotFoundAndChangesNothing(string method, string endpoint, string body)
    {
        await RefusedAsync(method, endpoint, body, scenario: $"{endpoint} {body}", status: HttpStatusCode.NotFound, code: "NOT_FOUND");
    }

    [Fact]
    public async Task TheQuotaOfAnUnknownAgentIsNotFoundForTheUserAndTheAdmin()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);
        var unknown = scene.Fill("{unknownId}");

        using var mine = await SendAsync("GET", $"/api/quota/{unknown}", scene.SubscriberToken, null);
        using var theirs = await SendAsync("GET", $"/api/quota/{unknown}?userId={scene.SubscriberId}", api.AdminToken, null);
        using var byService = await SendAsync("GET", $"/api/quota/{unknown}?userId={scene.SubscriberId}", null, null, apiKey: scene.ServiceKey);

        await AssertProblemAsync(mine, HttpStatusCode.NotFound, "NOT_FOUND", "mine");
        await AssertProblemAsync(theirs, HttpStatusCode.NotFound, "NOT_FOUND", "admin");
        await AssertProblemAsync(byService, HttpStatusCode.NotFound, "NOT_FOUND", "service key");
        Assert.Equal(before, await StateAsync(scene));
    }

    [Theory]
    [InlineData("evt_missing_{unknownId}")]
    [InlineData("' OR 1=1 --")]
    [InlineData("'; DROP TABLE stripe_events; --")]
    [InlineData("{event}'--")]
    [InlineData("%25")]
    public async Task ReplayingAnUnknownEventIsNotFoundAndChangesNothing(string id)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var response = await SendAsync("POST", $"/api/admin/stripe-events/{Uri.EscapeDataString(scene.Fill(id))}/replay", api.AdminToken, null);

        await AssertProblemAsync(response, HttpStatusCode.NotFound, "NOT_FOUND", id);
        Assert.Equal(before, await StateAsync(scene));
        await AssertTablesExistAsync();
    }

    [Theory]
    [InlineData(256)]
    [InlineData(1000)]
    public async Task ReplayingAnEventIdOverTheLimitIsAValidationProblem(int length)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var response = await SendAsync("POST", $"/api/admin/stripe-events/evt_{new string('e', length - 4)}/replay", api.AdminToken, null);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED", $"{length} characters");
        Assert.Contains("id", FieldErrors(problem));
        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task ReplayingAnEventIdWithAControlCharacterIsAValidationProblem()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var response = await SendAsync("POST", $"/api/admin/stripe-events/evt_%07bell/replay", api.AdminToken, null);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Contains("id", FieldErrors(problem));
        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task ReplayingAProcessedEventAppliesNothingAgain()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var response = await SendAsync("POST", scene.Fill(Replay), api.AdminToken, null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await AuthTestClient.Json(response);
        Assert.True(answer.GetProperty("processed").GetBoolean());
        Assert.Equal(before, await StateAsync(scene));
    }

    [Theory]
    [MemberData(nameof(BodyEndpointNames))]
    public async Task ABodyThatIsNotJsonIsAnUnsupportedMediaTypeAndChangesNothing(string method, string endpoint)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);
        var body = scene.Fill("""{"agentId":"{agent}","userId":"{subscriber}","delta":5,"reason":"r","name":"N","plans":[]}""");

        foreach (var contentType in new[] { "text/plain", "application/x-www-form-urlencoded", "application/xml" })
        {
            using var response = await SendAsync(method, scene.Fill(endpoint), TokenOf(scene, endpoint), body, contentType);

            await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", $"{endpoint} {contentType}");
        }

        Assert.Equal(before, await StateAsync(scene));
    }

    [Theory]
    [MemberData(nameof(CallerEndpointCases))]
    public async Task WithoutACredentialEveryCallerEndpointIsUnauthorizedBeforeTheBodyIsRead(string method, string endpoint, string? body)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        foreach (var sent in new[] { body is null ? null : scene.Fill(body), method == "GET" ? null : MalformedBodies[0] })
        {
            using var response = await SendAsync(method, scene.Fill(endpoint), null, sent);

            var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED", $"{endpoint} {sent}");
            Assert.EndsWith("redirect=" + Uri.EscapeDataString(scene.Fill(endpoint)), problem.GetProperty("details").GetProperty("signInUrl").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await StateAsync(scene));
    }

    [Theory]
    [MemberData(nameof(CallerEndpointCases))]
    public async Task AnInvalidCredentialIsUnauthorizedOnEveryCallerEndpoint(string method, string endpoint, string? body)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);
        var sent = body is null ? null : scene.Fill(body);

        using var badBearer = await SendAsync(method, scene.Fill(endpoint), "not-a-session-token", sent);
        using var badKey = await SendAsync(method, scene.Fill(endpoint), null, sent, apiKey: "tg_" + Guid.NewGuid().ToString("N"));
        using var sqlKey = await SendAsync(method, scene.Fill(endpoint), null, sent, apiKey: SqlOr);
        // An invalid x-api-key is a 401 even beside a valid admin session (no silent fall-through).
        using var badKeyWithSession = await SendAsync(method, scene.Fill(endpoint), api.AdminToken, sent, apiKey: "tg_short");

        foreach (var (name, response) in new[] { ("bearer", badBearer), ("key", badKey), ("sql key", sqlKey), ("key beside a session", badKeyWithSession) })
        {
            var problem = await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED", $"{endpoint}: {name}");
            Assert.Equal(JsonValueKind.String, problem.GetProperty("details").GetProperty("signInUrl").ValueKind);
        }

        Assert.Equal(before, await StateAsync(scene));
    }

    [Theory]
    [MemberData(nameof(AdminEndpointCases))]
    public async Task ANonAdminOnAnAdminRouteIsForbiddenNamingThePermissionBeforeTheBodyIsRead(string method, string endpoint, string? body, string permission)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);
        var path = scene.Fill(endpoint);

        var attempts = new List<(string Name, HttpResponseMessage Response)>();
        foreach (var sent in new[] { body is null ? null : scene.Fill(body), method == "GET" ? null : MalformedBodies[0], method == "GET" ? null : "" })
        {
            attempts.Add(($"subscriber '{sent}'", await SendAsync(method, path, scene.SubscriberToken, sent)));
            attempts.Add(($"publisher '{sent}'", await SendAsync(method, path, scene.PublisherToken, sent)));
        }

        attempts.Add(("outsider", await SendAsync(method, path, scene.OutsiderToken, body is null ? null : scene.Fill(body))));
        attempts.Add(("the publisher's organization key", await SendAsync(method, path, null, body is null ? null : scene.Fill(body), apiKey: scene.ServiceKey)));
        foreach (var (name, response) in attempts)
        {
            var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden, "FORBIDDEN", $"{method} {endpoint}: {name}");
            Assert.Equal(new[] { permission }, Required(problem));
            response.Dispose();
        }

        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task ASessionNamingAnotherUserCannotConsumeForIt()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        var attempts = new (string Name, string Token, string Body)[]
        {
            ("outsider for the subscriber", scene.OutsiderToken, Json(new { agentId = scene.AgentId, userId = scene.SubscriberId, units = 1 })),
            ("publisher (org owner) for the subscriber", scene.PublisherToken, Json(new { agentId = scene.AgentId, userId = scene.SubscriberId, units = 1 })),
            ("admin for the subscriber", api.AdminToken, Json(new { agentId = scene.AgentId, userId = scene.SubscriberId, units = 1 })),
            ("subscriber for the outsider", scene.SubscriberToken, Json(new { agentId = scene.AgentId, userId = scene.OutsiderId, units = 1, idempotencyKey = "other" })),
            ("subscriber for an unknown user", scene.SubscriberToken, scene.Fill("""{"agentId":"{agent}","userId":"{unknownId}"}""")),
        };
        foreach (var (name, token, body) in attempts)
        {
            using var response = await SendAsync("POST", Consume, token, body);

            var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden, "FORBIDDEN", name);
            Assert.Equal(new[] { "quota:consume" }, Required(problem));
        }

        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task KeysWithoutQuotaConsumeInThePublisherCannotConsume()
    {
        var scene = await SceneAsync();
        var otherOrganization = await Client.CreateOrganizationAsync(scene.PublisherToken);
        var (foreignKey, _) = await Client.CreateApiKeyAsync(scene.PublisherToken, new { name = "foreign", organizationId = otherOrganization });
        var (readOnlyKey, _) = await Client.CreateApiKeyAsync(scene.PublisherToken, new { name = "read only", organizationId = scene.OrganizationId, permissions = new { apiKey = new[] { "read" } } });
        var (personalLimited, _) = await Client.CreateApiKeyAsync(scene.SubscriberToken, new { name = "limited", permissions = new { apiKey = new[] { "read" } } });
        var before = await StateAsync(scene);
        var forSubscriber = Json(new { agentId = scene.AgentId, userId = scene.SubscriberId, units = 1 });

        using var foreign = await SendAsync("POST", Consume, null, forSubscriber, apiKey: foreignKey);
        using var readOnly = await SendAsync("POST", Consume, null, forSubscriber, apiKey: readOnlyKey);
        using var limitedOwn = await SendAsync("POST", Consume, null, Json(new { agentId = scene.AgentId, units = 1 }), apiKey: personalLimited);
        using var limitedForSelf = await SendAsync("POST", Consume, personalLimited, Json(new { agentId = scene.AgentId, userId = scene.SubscriberId }));
        using var foreignQuota = await SendAsync("GET", $"/api/quota/{scene.AgentId}?userId={scene.SubscriberId}", null, null, apiKey: foreignKey);
        using var peek = await SendAsync("GET", $"/api/quota/{scene.AgentId}?userId={scene.SubscriberId}", scene.OutsiderToken, null);

        foreach (var (name, response) in new[] { ("foreign org key", foreign), ("read-only org key", readOnly), ("limited personal key", limitedOwn),
            ("limited personal key as bearer naming itself", limitedForSelf), ("foreign key reading quota", foreignQuota), ("outsider reading the subscriber's quota", peek) })
        {
            var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden, "FORBIDDEN", name);
            Assert.Equal(new[] { "quota:consume" }, Required(problem));
        }

        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task AnOrganizationKeyMustNameTheUser()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var response = await SendAsync("POST", Consume, null, Json(new { agentId = scene.AgentId, units = 1 }), apiKey: scene.ServiceKey);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Contains("userId", FieldErrors(problem));
        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task CheckoutIsForASessionOnly()
    {
        var scene = await SceneAsync();
        var (personalKey, _) = await Client.CreateApiKeyAsync(scene.SubscriberToken, new { name = "personal" });
        var before = await StateAsync(scene);
        var body = Json(new { agentId = scene.AgentId });

        using var viaHeader = await SendAsync("POST", Checkout, null, body, apiKey: personalKey);
        using var viaBearer = await SendAsync("POST", Checkout, personalKey, MalformedBodies[0]);
        using var orgKey = await SendAsync("POST", Checkout, null, body, apiKey: scene.ServiceKey);

        foreach (var (name, response) in new[] { ("x-api-key", viaHeader), ("bearer key, malformed body", viaBearer), ("org key", orgKey) })
        {
            var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden, "FORBIDDEN", name);
            Assert.Equal(new[] { "session" }, Required(problem));
        }

        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task CheckoutWithoutAStripeSecretKeyIsUnavailableAndChangesNothing()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var first = await SendAsync("POST", Checkout, scene.SubscriberToken, Json(new { agentId = scene.AgentId }));
        using var withPrice = await SendAsync("POST", Checkout, scene.OutsiderToken, Json(new { agentId = scene.AgentId, priceId = scene.PriceId }));

        await AssertProblemAsync(first, HttpStatusCode.ServiceUnavailable, "UNAVAILABLE", "default plan");
        await AssertProblemAsync(withPrice, HttpStatusCode.ServiceUnavailable, "UNAVAILABLE", "named price");
        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task AnIdempotencyKeyInTheBodyDifferingFromTheHeaderIsAValidationProblem()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var differs = await SendAsync("POST", Consume, scene.SubscriberToken, Json(new { agentId = scene.AgentId, idempotencyKey = "body-key" }),
            headers: new() { ["Idempotency-Key"] = "header-key" });
        using var longHeader = await SendAsync("POST", Consume, scene.SubscriberToken, Json(new { agentId = scene.AgentId }),
            headers: new() { ["Idempotency-Key"] = new string('h', 256) });
        using var blankHeader = await SendAsync("POST", Consume, scene.SubscriberToken, Json(new { agentId = scene.AgentId }),
            headers: new() { ["Idempotency-Key"] = "   " });

        foreach (var (name, response) in new[] { ("differs", differs), ("256-character header", longHeader), ("blank header", blankHeader) })
        {
            var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED", name);
            Assert.Contains("idempotencyKey", FieldErrors(problem));
        }

        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task ReusingAnIdempotencyKeyWithAnotherBodyIsRefusedAndConsumesNothing()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var otherUnits = await SendAsync("POST", Consume, scene.SubscriberToken, Json(new { agentId = scene.AgentId, units = SeedUnits + 1, idempotencyKey = scene.SeedKey }));
        using var viaHeader = await SendAsync("POST", Consume, scene.SubscriberToken, Json(new { agentId = scene.AgentId, units = 1 }),
            headers: new() { ["Idempotency-Key"] = scene.SeedKey });
        using var replay = await SendAsync("POST", Consume, scene.SubscriberToken, Json(new { agentId = scene.AgentId, units = SeedUnits, idempotencyKey = scene.SeedKey }));

        foreach (var (name, response) in new[] { ("other units", otherUnits), ("header, other units", viaHeader) })
        {
            var problem = await AssertProblemAsync(response, (HttpStatusCode)422, "IDEMPOTENCY_KEY_REUSED", name);
            Assert.Equal(scene.SeedKey, problem.GetProperty("details").GetProperty("idempotencyKey").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var replayed = await AuthTestClient.Json(replay);
        Assert.True(replayed.GetProperty("replayed").GetBoolean());
        Assert.Equal(JsonValueKind.Number, replayed.GetProperty("used").ValueKind);
        Assert.Equal(SeedUnits, replayed.GetProperty("used").GetInt64());
        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task ConsumingPastTheLimitIsQuotaExceededWithNumbersAndConsumesNothing()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var over = await SendAsync("POST", Consume, scene.SubscriberToken, Json(new { agentId = scene.AgentId, units = PeriodQuota - SeedUnits + 1, idempotencyKey = "too-much" }));
        using var max = await SendAsync("POST", Consume, scene.SubscriberToken, Json(new { agentId = scene.AgentId, units = 1_000_000 }));

        foreach (var (name, response) in new[] { ("one over", over), ("a million", max) })
        {
            var details = (await AssertProblemAsync(response, HttpStatusCode.TooManyRequests, "QUOTA_EXCEEDED", name)).GetProperty("details");
            foreach (var number in new[] { "limit", "used", "requested" })
            {
                Assert.Equal(JsonValueKind.Number, details.GetProperty(number).ValueKind);
            }

            Assert.Equal(PeriodQuota, details.GetProperty("limit").GetInt64());
            Assert.Equal(SeedUnits, details.GetProperty("used").GetInt64());
            Assert.True(response.Headers.RetryAfter is not null, $"{name}: Retry-After");
        }

        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task ConsumingWithoutASubscriptionIsPaymentRequiredAndCreatesNoRow()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var plain = await SendAsync("POST", Consume, scene.OutsiderToken, Json(new { agentId = scene.AgentId }));
        using var keyed = await SendAsync("POST", Consume, scene.OutsiderToken, Json(new { agentId = scene.AgentId, units = 5, idempotencyKey = "no-subscription" }));
        using var quota = await SendAsync("GET", $"/api/quota/{scene.AgentId}", scene.OutsiderToken, null);

        foreach (var (name, response) in new[] { ("plain", plain), ("with a key", keyed) })
        {
            var details = (await AssertProblemAsync(response, HttpStatusCode.PaymentRequired, "PAYMENT_REQUIRED", name)).GetProperty("details");
            Assert.Equal("none", details.GetProperty("status").GetString());
            Assert.Equal(scene.AgentId, details.GetProperty("agentId").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, quota.StatusCode);
        var answer = await AuthTestClient.Json(quota);
        Assert.Equal(JsonValueKind.Number, answer.GetProperty("used").ValueKind);
        Assert.Equal(0, answer.GetProperty("limit").GetInt64());
        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task AnUnknownUserHasNoSubscriptionsAndTheListsChangeNothing()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var unknown = await SendAsync("GET", scene.Fill("/api/admin/users/{unknownId}/subscriptions"), api.AdminToken, null);
        using var mine = await SendAsync("GET", MySubscriptions, scene.OutsiderToken, null);
        using var agents = await SendAsync("GET", ListAgents, null, null);
        using var agentsWithBody = await SendAsync("GET", ListAgents, null, MalformedBodies[0]);

        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Equal("[]", await unknown.Content.ReadAsStringAsync());
        Assert.Equal("[]", await mine.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, agents.StatusCode);
        Assert.Contains((await AuthTestClient.Json(agents)).EnumerateArray(), a => a.GetProperty("id").GetString() == scene.AgentId);
        Assert.Equal(HttpStatusCode.OK, agentsWithBody.StatusCode);
        Assert.Equal(before, await StateAsync(scene));
    }

    [Theory]
    [MemberData(nameof(BadSignatureCases))]
    public async Task AWebhookWithABadSignatureIsInvalidSignatureAndStoresNothing(string scenario)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);
        // A real event that would cancel the scene's subscription, were it accepted.
        var eventId = "evt_bad_sig_" + Guid.NewGuid().ToString("N");
        var payload = BillingTestKit.SubscriptionEvent(eventId, "customer.subscription.deleted", scene.Now + 10, scene.SubscriberId, scene.AgentId, scene.PriceId, "canceled", scene.Now - 60, scene.Now + 3600);
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var good = Sign(BillingTestKit.WebhookSecret, now, payload);
        var v1 = good.Split(',')[1];
        var (header, body) = scenario switch
        {
            "missing" => ((string?)null, payload),
            "empty" => ("", payload),
            "garbage" => ("garbage", payload),
            "no timestamp" => (v1, payload),
            "a timestamp that is not a number" => ($"t=yesterday,{v1}", payload),
            "two timestamps" => ($"t={now},t={now - 1},{v1}", payload),
            "no v1" => ($"t={now}", payload),
            "v0 only" => ($"t={now},v0={v1[3..]}", payload),
            "a v1 that is not hex" => ($"t={now},v1={new string('z', 64)}", payload),
            "a short v1" => ($"t={now},{v1[..^2]}", payload),
            "another secret" => (Sign("whsec_someone_else", now, payload), payload),
            "another body" => (good, payload.Replace("canceled", "active", StringComparison.Ordinal)),
            "stale" => (Sign(BillingTestKit.WebhookSecret, now - 301, payload), payload),
            "from the future" => (Sign(BillingTestKit.WebhookSecret, now + 301, payload), payload),
            "the secret without whsec" => (Sign(BillingTestKit.WebhookSecret["whsec_".Length..], now, payload), payload),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };

        using var response = await PostWebhookAsync(body, header);

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "INVALID_SIGNATURE", scenario);
        Assert.Equal(JsonValueKind.String, problem.GetProperty("details").GetProperty("reason").ValueKind);
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM stripe_events WHERE id = $1", eventId));
        Assert.Equal(before, await StateAsync(scene));
    }

    [Theory]
    [MemberData(nameof(NotAnEventCases))]
    public async Task ASignedBodyThatIsNotAStripeEventIsAValidationProblemAndStoresNothing(string scenario, string template)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);
        var eventId = "evt_not_" + Guid.NewGuid().ToString("N");
        var body = template.Replace("{eventId}", eventId, StringComparison.Ordinal).Replace("{now}", scene.Now.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        using var response = await PostWebhookAsync(body, Sign(BillingTestKit.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED", scenario);
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM stripe_events WHERE id = $1", eventId));
        Assert.Equal(before, await StateAsync(scene));
    }

    /// <summary>
    /// Signed, with every member present, but a <c>created</c> no timestamp can hold. StripeWebhookApi.ReceiveAsync calls
    /// <c>DateTimeOffset.FromUnixTimeSeconds</c>, whose ArgumentOutOfRangeException its catch filter does not list: an
    /// unhandled 500 INTERNAL_ERROR instead of 400 VALIDATION_FAILED (nothing is stored).
    /// </summary>
    [Theory]
    [InlineData("a created after year 9999", """{"id":"{eventId}","type":"customer.subscription.updated","created":253402300800,"data":{"object":{}}}""")]
    [InlineData("a created before year 1", """{"id":"{eventId}","type":"customer.subscription.updated","created":-62135596801,"data":{"object":{}}}""")]
    [InlineData("a created of long.MaxValue", """{"id":"{eventId}","type":"invoice.paid","created":9223372036854775807,"data":{"object":{}}}""")]
    public async Task ASignedEventWithACreatedOutOfRangeIsAValidationProblem(string scenario, string template)
    {
        await AssertSignedOddEventRefusedAsync(scenario, template);
    }

    /// <summary>
    /// Signed, but a handled type whose <c>data.object</c> is not an object. ReceiveAsync only checks that data.object
    /// exists, so the event is stored; applying it then throws in StripeEventParser.Subscription (TryGetProperty on a
    /// null or string element): 500, a row in stripe_events that fails on every retry and replay. For types whose
    /// parser only walks paths (checkout.session.completed, invoice.*), it is stored and acknowledged 200 as "ignored".
    /// </summary>
    [Theory]
    [InlineData("a null data.object on customer.subscription.updated", """{"id":"{eventId}","type":"customer.subscription.updated","created":{now},"data":{"object":null}}""")]
    [InlineData("a string data.object on customer.subscription.deleted", """{"id":"{eventId}","type":"customer.subscription.deleted","created":{now},"data":{"object":"sub_123"}}""")]
    [InlineData("an array data.object on checkout.session.completed", """{"id":"{eventId}","type":"checkout.session.completed","created":{now},"data":{"object":[]}}""")]
    [InlineData("a number data.object on invoice.paid", """{"id":"{eventId}","type":"invoice.paid","created":{now},"data":{"object":5}}""")]
    public async Task ASignedEventWhoseDataObjectIsNotAnObjectIsAValidationProblemAndStoresNothing(string scenario, string template)
    {
        await AssertSignedOddEventRefusedAsync(scenario, template);
    }

    /// <summary>
    /// Valid JSON that PostgreSQL's jsonb cannot hold (<c>\u0000</c>: 22P05 unsupported Unicode escape sequence; a lone
    /// surrogate escape: 22P02 invalid input syntax for type json): the INSERT into stripe_events fails and the
    /// PostgresException escapes as a bare 500 INTERNAL_ERROR (which Stripe retries forever) instead of a 400. Nothing is stored.
    /// </summary>
    [Theory]
    [InlineData("a NUL in the customer id", "\\u0000")]
    [InlineData("a lone high surrogate in the customer id", "\\ud800")]
    [InlineData("a lone low surrogate in the customer id", "\\udfff")]
    public async Task ASignedEventWithTextPostgresCannotStoreIsAValidationProblem(string scenario, string escape)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);
        var eventId = "evt_text_" + Guid.NewGuid().ToString("N");
        var body = BillingTestKit.SubscriptionEvent(eventId, "customer.subscription.updated", scene.Now + 10, scene.SubscriberId, scene.AgentId, scene.PriceId, "canceled", scene.Now - 60, scene.Now + 3600)
            .Replace("\"customer\":\"cus_test\"", $"\"customer\":\"cus_{escape}\"", StringComparison.Ordinal);
        Assert.Contains(escape, body, StringComparison.Ordinal);

        using var response = await PostWebhookAsync(body, Sign(BillingTestKit.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body));

        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM stripe_events WHERE id = $1", eventId));
        Assert.Equal(before, await StateAsync(scene));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED", scenario);
    }

    /// <summary>An unsigned webhook is refused whatever it carries: before its body is parsed.</summary>
    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("{\"id\":\"evt_x\"")]
    public async Task AnUnsignedWebhookWithABadBodyIsStillInvalidSignature(string body)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);

        using var response = await PostWebhookAsync(body, null);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "INVALID_SIGNATURE", body);
        Assert.Equal(before, await StateAsync(scene));
    }

    [Fact]
    public async Task ADuplicateDeliveryIsAcknowledgedAndChangesNothing()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);
        // The scene's own event, delivered again: same id, same body.
        var payload = BillingTestKit.SubscriptionEvent(scene.EventId, "customer.subscription.created", scene.Now, scene.SubscriberId, scene.AgentId, scene.PriceId, "active", scene.Now - 60, scene.Now + 3600);
        // The same id with another body (a forged "update") must not replace what was stored.
        var forged = BillingTestKit.SubscriptionEvent(scene.EventId, "customer.subscription.deleted", scene.Now + 100, scene.SubscriberId, scene.AgentId, scene.PriceId, "canceled", scene.Now - 60, scene.Now + 3600);

        using var again = await PostWebhookAsync(payload, Sign(BillingTestKit.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), payload));
        using var sameId = await PostWebhookAsync(forged, Sign(BillingTestKit.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), forged));

        foreach (var response in new[] { again, sameId })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True((await AuthTestClient.Json(response)).GetProperty("duplicate").GetBoolean());
        }

        Assert.Equal(before, await StateAsync(scene));
        Assert.Equal("customer.subscription.created", await postgres.ScalarAsync<string>("SELECT type FROM stripe_events WHERE id = $1", scene.EventId));
    }

    /// <summary>Text Postgres cannot store (a lone surrogate) and JSON nested past the reader's depth: 400, never a 500.</summary>
    [Theory]
    [InlineData("POST", Consume, """{"agentId":"{agent}","idempotencyKey":"half \ud800 pair"}""")]
    [InlineData("POST", Consume, """{"agentId":"\udfff"}""")]
    [InlineData("POST", Adjust, """{"userId":"{subscriber}","agentId":"{agent}","delta":5,"reason":"half \ud800 pair"}""")]
    [InlineData("PUT", PutAgent, """{"name":"Half \ud800 pair","plans":[]}""")]
    [InlineData("PUT", PutAgent, """{"name":"N","plans":[{"stripePriceId":"price_\ud800","periodQuota":1}]}""")]
    [InlineData("POST", Checkout, """{"agentId":"{agent}","priceId":"\ud800"}""")]
    public async Task TextThatIsNotUnicodeIsAValidationProblemAndChangesNothing(string method, string endpoint, string body)
    {
        await RefusedAsync(method, endpoint, body, scenario: $"{endpoint} {body}");
    }

    [Theory]
    [InlineData("PUT", PutAgent)]
    [InlineData("POST", Consume)]
    [InlineData("POST", Adjust)]
    [InlineData("POST", Checkout)]
    public async Task JsonNestedTooDeeplyIsAValidationProblemAndChangesNothing(string method, string endpoint)
    {
        var deep = new string('[', 1000) + new string(']', 1000);
        var body = $$"""{"agentId":"{agent}","userId":"{subscriber}","delta":5,"reason":"r","name":"N","plans":{{deep}},"units":{{deep}},"priceId":{{deep}}}""";

        await RefusedAsync(method, endpoint, body, scenario: endpoint);
    }

    [Fact]
    public async Task ASignedEventNestedTooDeeplyIsAValidationProblemAndStoresNothing()
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);
        var eventId = "evt_deep_" + Guid.NewGuid().ToString("N");
        var deep = new string('[', 1000) + new string(']', 1000);
        var body = $$"""{"id":"{{eventId}}","type":"customer.subscription.updated","created":{{scene.Now}},"data":{"object":{"deep":""" + deep + "}}}";

        using var response = await PostWebhookAsync(body, Sign(BillingTestKit.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED");
        Assert.Equal(0L, await postgres.ScalarAsync<long>("SELECT count(*) FROM stripe_events WHERE id = $1", eventId));
        Assert.Equal(before, await StateAsync(scene));
    }

    /// <summary>Posts a signed odd event; asserts nothing was stored or changed, then that the answer was a 400.</summary>
    private async Task AssertSignedOddEventRefusedAsync(string scenario, string template)
    {
        var scene = await SceneAsync();
        var before = await StateAsync(scene);
        var eventId = "evt_odd_" + Guid.NewGuid().ToString("N");
        var body = template.Replace("{eventId}", eventId, StringComparison.Ordinal).Replace("{now}", scene.Now.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        using var response = await PostWebhookAsync(body, Sign(BillingTestKit.WebhookSecret, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), body));

        var answer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        Assert.True(0L == await postgres.ScalarAsync<long>("SELECT count(*) FROM stripe_events WHERE id = $1", eventId), $"{scenario}: stored; answered {answer}");
        Assert.Equal(before, await StateAsync(scene));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "VALIDATION_FAILED", scenario);
    }

    private static string Sign(string secret, long timestamp, string body) => BillingTestKit.Sign(secret, timestamp, body);

    /// <summary>The caller that passes the endpoint's access check: the subscriber for consume and checkout, else the admin.</summary>
    private string TokenOf(Scene scene, string endpoint) => endpoint is Consume or Checkout ? scene.SubscriberToken : api.AdminToken;

    private async Task AssertTablesExistAsync() =>
        Assert.True(await postgres.ScalarAsync<bool>(
            "SELECT to_regclass('agents') IS NOT NULL AND to_regclass('agent_plans') IS NOT NULL AND to_regclass('user_agent_subscriptions') IS NOT NULL " +
            "AND to_regclass('quota_idempotency') IS NOT NULL AND to_regclass('stripe_events') IS NOT NULL AND to_regclass('interactions') IS NOT NULL"));

    private AuthTestClient Client => new(api.Http(postgres.ConnectionString));

    private Task<HttpResponseMessage> SendAsync(
        string method, string path, string? token, string? body, string contentType = "application/json", string? apiKey = null,
        Dictionary<string, string>? headers = null) =>
        api.Http(postgres.ConnectionString).SendRawAsync(new HttpMethod(method), path, token, body, contentType, apiKey, headers);

    /// <summary>
    /// In a fresh scene the caller the endpoint admits (<see cref="TokenOf"/>) sends <paramref name="body"/> (placeholders
    /// filled, in the path too): the problem comes back, and nothing changed.
    /// </summary>
    private async Task<JsonElement> RefusedAsync(
        string method, string endpoint, string body, string? scenario = null, HttpStatusCode status = HttpStatusCode.BadRequest, string code = "VALIDATION_FAILED",
        string contentType = "application/json")
    {
        var scene = await SceneAsync();
        return await AssertRefusedAndUnchangedAsync(
            () => StateAsync(scene), () => SendAsync(method, scene.Fill(endpoint), TokenOf(scene, endpoint), scene.Fill(body), contentType), status, code, scenario);
    }

    private async Task<HttpResponseMessage> PostWebhookAsync(string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Webhook) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        return await api.Http(postgres.ConnectionString).SendAsync(request);
    }

    /// <summary>
    /// A fresh publisher with an organization and its quota:consume service key; an agent of that organization with a
    /// plan of <see cref="PeriodQuota"/> units; a subscriber made active by a signed webhook, who has consumed
    /// <see cref="SeedUnits"/> units with an idempotency key; and a user with no subscription.
    /// </summary>
    private async Task<Scene> SceneAsync()
    {
        await api.EnsureAdminAsync(postgres.ConnectionString);
        var client = Client;
        var publisher = await client.SignUpAsync(AuthTestClient.NewEmail("bill-publisher"));
        var organizationId = await client.CreateOrganizationAsync(publisher.Token);
        var (serviceKey, _) = await client.CreateApiKeyAsync(publisher.Token, new { name = "agent-backend", organizationId, permissions = new { quota = new[] { "consume" } } });
        var kit = new BillingTestKit(client, api.AdminToken);
        var (agentId, priceId) = await kit.AgentAsync(PeriodQuota, organizationId);
        var subscriber = await client.SignUpAsync(AuthTestClient.NewEmail("bill-subscriber"));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var eventId = "evt_scene_" + Guid.NewGuid().ToString("N");
        using (var activated = await kit.PostEventAsync(BillingTestKit.SubscriptionEvent(
            eventId, "customer.subscription.created", now, subscriber.UserId, agentId, priceId, "active", now - 60, now + 3600)))
        {
            Assert.True(activated.StatusCode == HttpStatusCode.OK, $"webhook: {(int)activated.StatusCode} {await activated.Content.ReadAsStringAsync()}");
        }

        var seedKey = "seed-" + Guid.NewGuid().ToString("N");
        using (var consumed = await kit.ConsumeAsync(subscriber.Token, agentId, SeedUnits, seedKey))
        {
            Assert.True(consumed.StatusCode == HttpStatusCode.OK, $"consume: {(int)consumed.StatusCode} {await consumed.Content.ReadAsStringAsync()}");
        }

        var outsider = await client.SignUpAsync(AuthTestClient.NewEmail("bill-outsider"));
        return new Scene(publisher.Token, organizationId, serviceKey, agentId, priceId, subscriber.Token, subscriber.UserId, outsider.Token, outsider.UserId,
            eventId, seedKey, now);
    }

    private async Task<State> StateAsync(Scene scene)
    {
        // One query, so the snapshot is one consistent read.
        var rows = (await postgres.ScalarAsync<string>(
            """
            SELECT concat_ws('|',
                (SELECT count(*) FROM agents), (SELECT count(*) FROM agent_plans), (SELECT count(*) FROM user_agent_subscriptions),
                (SELECT count(*) FROM quota_idempotency), (SELECT count(*) FROM stripe_events),
                (SELECT coalesce(sum(attempts), 0) FROM stripe_events), (SELECT count(*) FROM stripe_events WHERE processed_at IS NOT NULL),
                (SELECT count(*) FROM interactions WHERE kind = 'quota_adjusted'),
                (SELECT count(*) FROM interactions WHERE kind IN ('agent_updated', 'subscription_created', 'subscription_updated', 'subscription_canceled')),
                (SELECT count(*) FROM quota_periods),
                coalesce((SELECT status || ',' || quota_used || '/' || quota_limit || ',' || coalesce(price_id, '-') || ',' || current_period_end
                          FROM user_agent_subscriptions WHERE user_id = $1 AND agent_id = $2), '-'),
                coalesce((SELECT name || ',' || coalesce(organization_id, '-') || ',' || plans || ',' || updated_at FROM agents WHERE id = $2), '-'))
            """, scene.SubscriberId, scene.AgentId))!.Split('|');
        var counts = rows[..10].Select(r => long.Parse(r, CultureInfo.InvariantCulture)).ToArray();
        return new State(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5], counts[6], counts[7], counts[8], counts[9], rows[10], rows[11]);
    }

    private sealed record State(
        long Agents, long AgentPlans, long Subscriptions, long IdempotencyRecords, long StripeEvents, long StripeEventAttempts, long StripeEventsProcessed,
        long QuotaAdjustedInteractions, long OtherBillingInteractions, long QuotaPeriods, string Subscription, string Agent);

    private sealed record Scene(
        string PublisherToken, string OrganizationId, string ServiceKey, string AgentId, string PriceId, string SubscriberToken, string SubscriberId,
        string OutsiderToken, string OutsiderId, string EventId, string SeedKey, long Now)
    {
        /// <summary>Fills a path or body template's placeholders.</summary>
        public string Fill(string template) => template
            .Replace("{agent}", AgentId, StringComparison.Ordinal)
            .Replace("{price}", PriceId, StringComparison.Ordinal)
            .Replace("{org}", OrganizationId, StringComparison.Ordinal)
            .Replace("{subscriber}", SubscriberId, StringComparison.Ordinal)
            .Replace("{outsider}", OutsiderId, StringComparison.Ordinal)
            .Replace("{event}", EventId, StringComparison.Ordinal)
            .Replace("{unknownId}", "no-such-" + Guid.NewGuid().ToString("N"), StringComparison.Ordinal);
    }

    /// <summary>
    /// One host for the whole class (tests still isolate by fresh users and agents), with the webhook secret of
    /// <see cref="BillingTestKit"/>, no Stripe secret key, the bootstrap admin, and a client that keeps no cookies.
    /// </summary>
    public sealed class Api() : BadInputApi(BillingTestKit.Settings);
}
