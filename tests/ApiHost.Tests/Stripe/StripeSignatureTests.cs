using System.Text;
using System.Text.Json;
using Stripe;
using Tollgate.ApiHost.Stripe;
using Xunit;

namespace Tollgate.ApiHost.Tests.Stripe;

/// <summary>
/// <see cref="StripeWebhookVerifier"/> (Stripe.net's verification over every configured secret) against headers made
/// by Stripe's own npm package (<c>stripe</c>, <c>webhooks.generateTestHeaderString</c>), and Stripe.net's
/// <see cref="EventUtility.GenerateSignatureHeader"/> (what the load tester signs with) checked by the npm package's
/// <c>webhooks.constructEvent</c> (Compat/stripe-sign.mjs).
/// </summary>
public sealed class StripeSignatureTests
{
    private const string Secret = "whsec_test_tollgate_5e1f2a";
    private const string OldSecret = "whsec_test_tollgate_old_77";
    private const string OtherSecret = "whsec_test_someone_else";

    // CRLF between tokens, non-ASCII (2-, 3- and 4-byte UTF-8) in values: any re-encoding or newline change breaks the HMAC.
    private const string Payload = "{\r\n  \"id\": \"evt_1Tollgate\",\r\n  \"object\": \"event\",\r\n  \"type\": \"invoice.paid\",\r\n"
        + "  \"data\": {\"object\": {\"description\": \"Agent plan — naïve café 🚀\"}}\r\n}";

    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_780_000_000);
    private const string Body = Payload;

    [Fact]
    public async Task AHeaderFromStripesPackageIsValidOverTheExactBytesOnly()
    {
        var header = await NpmHeaderAsync(Secret, Now.ToUnixTimeSeconds());

        Assert.Matches("^t=1780000000,v1=[0-9a-f]{64}$", header);
        Assert.Equal(StripeSignatureResult.Valid, StripeWebhookVerifier.Verify(header, Body, [Secret], Now));
        Assert.Equal(StripeSignatureResult.Mismatch,
            StripeWebhookVerifier.Verify(header, Payload.Replace("\r\n", "\n", StringComparison.Ordinal), [Secret], Now));
        Assert.Equal(StripeSignatureResult.Mismatch, StripeWebhookVerifier.Verify(header, Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(Payload)), [Secret], Now));
    }

    [Fact]
    public async Task StripeNetSignsAsStripesPackageDoes()
    {
        Assert.Equal(await NpmHeaderAsync(Secret, Now.ToUnixTimeSeconds()), EventUtility.GenerateSignatureHeader(Body, Secret, Now.ToUnixTimeSeconds()));
    }

    [Fact]
    public async Task AWrongSecretIsAMismatch()
    {
        var header = await NpmHeaderAsync(Secret, Now.ToUnixTimeSeconds());

        Assert.Equal(StripeSignatureResult.Mismatch, StripeWebhookVerifier.Verify(header, Body, [OtherSecret], Now));
        Assert.Equal(StripeSignatureResult.Mismatch, StripeWebhookVerifier.Verify(header, Body, [], Now));
        Assert.Equal(StripeSignatureResult.Mismatch, StripeWebhookVerifier.Verify(header, Body, [""], Now));
    }

    [Fact]
    public async Task ATamperedBodyIsAMismatch()
    {
        var header = await NpmHeaderAsync(Secret, Now.ToUnixTimeSeconds());
        var tampered = Payload.Replace("invoice.paid", "invoice.payd", StringComparison.Ordinal);

        Assert.Equal(StripeSignatureResult.Mismatch, StripeWebhookVerifier.Verify(header, tampered, [Secret], Now));
        Assert.Equal(StripeSignatureResult.Mismatch, StripeWebhookVerifier.Verify(header, Body + "\n", [Secret], Now));
    }

    [Fact]
    public async Task ATimestampMoreThanTheToleranceAwayEitherSideIsStale()
    {
        var now = Now.ToUnixTimeSeconds();

        Assert.Equal(StripeSignatureResult.Stale, StripeWebhookVerifier.Verify(await NpmHeaderAsync(Secret, now - 301), Body, [Secret], Now));
        Assert.Equal(StripeSignatureResult.Stale, StripeWebhookVerifier.Verify(await NpmHeaderAsync(Secret, now + 301), Body, [Secret], Now));
        Assert.Equal(StripeSignatureResult.Valid, StripeWebhookVerifier.Verify(await NpmHeaderAsync(Secret, now - 300), Body, [Secret], Now));
        Assert.Equal(StripeSignatureResult.Valid, StripeWebhookVerifier.Verify(await NpmHeaderAsync(Secret, now + 300), Body, [Secret], Now));
        Assert.Equal(StripeSignatureResult.Valid,
            StripeWebhookVerifier.Verify(await NpmHeaderAsync(Secret, now - 3_000), Body, [Secret], Now, toleranceSeconds: 3_600));
    }

    [Fact]
    public void AForgedStaleHeaderIsReportedAsAMismatch()
    {
        var forged = EventUtility.GenerateSignatureHeader(Body, OtherSecret, Now.ToUnixTimeSeconds() - 10_000);

        Assert.Equal(StripeSignatureResult.Mismatch, StripeWebhookVerifier.Verify(forged, Body, [Secret], Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void NoHeaderIsMissing(string? header) =>
        Assert.Equal(StripeSignatureResult.Missing, StripeWebhookVerifier.Verify(header, Body, [Secret], Now));

    [Theory]
    [InlineData("garbage")]
    [InlineData(",,,")]
    [InlineData("v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd")]
    [InlineData("t=abc,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd")]
    [InlineData("t=-5,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd")]
    [InlineData("t=,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd")]
    [InlineData("t=1780000000,t=1780000001,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd")]
    [InlineData("t=99999999999999999999999,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd")]
    public void AHeaderWithoutAParsableTimestampIsMalformed(string header) =>
        Assert.Equal(StripeSignatureResult.Malformed, StripeWebhookVerifier.Verify(header, Body, [Secret], Now));

    [Fact]
    public async Task OnlyAV0SignatureIsNoSignature()
    {
        var header = await NpmHeaderAsync(Secret, Now.ToUnixTimeSeconds(), scheme: "v0");

        Assert.StartsWith("t=1780000000,v0=", header, StringComparison.Ordinal);
        Assert.Equal(StripeSignatureResult.NoSignature, StripeWebhookVerifier.Verify(header, Body, [Secret], Now));
        Assert.Equal(StripeSignatureResult.NoSignature, StripeWebhookVerifier.Verify("t=1780000000", Body, [Secret], Now));
        Assert.Equal(StripeSignatureResult.NoSignature, StripeWebhookVerifier.Verify(header + ",v2=abc,x=y", Body, [Secret], Now));
    }

    [Fact]
    public async Task AV1ThatIsNotHexOfTheRightLengthIsJustANonMatch()
    {
        var valid = await NpmHeaderAsync(Secret, Now.ToUnixTimeSeconds());
        var t = $"t={Now.ToUnixTimeSeconds()}";

        Assert.Equal(StripeSignatureResult.Mismatch, StripeWebhookVerifier.Verify($"{t},v1=zz", Body, [Secret], Now));
        Assert.Equal(StripeSignatureResult.Mismatch, StripeWebhookVerifier.Verify($"{t},v1={new string('g', 64)}", Body, [Secret], Now));
        Assert.Equal(StripeSignatureResult.Mismatch, StripeWebhookVerifier.Verify($"{t},v1=", Body, [Secret], Now));
        Assert.Equal(StripeSignatureResult.Mismatch, StripeWebhookVerifier.Verify(valid + "00", Body, [Secret], Now));
        Assert.Equal(StripeSignatureResult.Valid, StripeWebhookVerifier.Verify($"{t},v1=zz,{valid[(t.Length + 1)..]}", Body, [Secret], Now));
    }

    [Fact]
    public async Task DuringRotationEitherSecretValidatesAHeaderCarryingBothSignatures()
    {
        var t = Now.ToUnixTimeSeconds();
        var withOld = await NpmHeaderAsync(OldSecret, t);
        var withNew = await NpmHeaderAsync(Secret, t);
        var both = withOld + "," + withNew[withNew.IndexOf(",v1=", StringComparison.Ordinal)..][1..];
        var withV0 = both + ",v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39";

        Assert.Matches("^t=1780000000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$", both);
        Assert.Equal(StripeSignatureResult.Valid, StripeWebhookVerifier.Verify(both, Body, [OldSecret], Now));
        Assert.Equal(StripeSignatureResult.Valid, StripeWebhookVerifier.Verify(both, Body, [Secret], Now));
        Assert.Equal(StripeSignatureResult.Valid, StripeWebhookVerifier.Verify(both, Body, [OtherSecret, Secret], Now));
        Assert.Equal(StripeSignatureResult.Valid, StripeWebhookVerifier.Verify(withV0, Body, [Secret, OldSecret], Now));
        Assert.Equal(StripeSignatureResult.Mismatch, StripeWebhookVerifier.Verify(both, Body, [OtherSecret], Now));
        // One secret configured, header signed with the other only.
        Assert.Equal(StripeSignatureResult.Valid, StripeWebhookVerifier.Verify(withNew, Body, [OldSecret, Secret], Now));
    }

    [Fact]
    public async Task StripesConstructEventAcceptsStripeNetsHeaderAndRejectsATamperedBody()
    {
        var header = EventUtility.GenerateSignatureHeader(Body, Secret, DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        var accepted = await NpmVerifyAsync(Payload, header, Secret);
        Assert.True(accepted.ExitCode == 0, $"constructEvent rejected our header {header}: {accepted.Output}");
        Assert.Contains("\"id\":\"evt_1Tollgate\"", accepted.Output, StringComparison.Ordinal);

        var rejected = await NpmVerifyAsync(Payload.Replace("\r\n", "\n", StringComparison.Ordinal), header, Secret);
        Assert.True(rejected.ExitCode == 1, $"constructEvent accepted a changed body (exit {rejected.ExitCode}): {rejected.Output}");
        Assert.Contains("No signatures found matching the expected signature", rejected.Output, StringComparison.Ordinal);
    }

    private static async Task<string> NpmHeaderAsync(string secret, long timestamp, string? scheme = null)
    {
        var input = new Dictionary<string, object> { ["mode"] = "sign", ["payload"] = Payload, ["secret"] = secret, ["timestamp"] = timestamp };
        if (scheme is not null)
        {
            input["scheme"] = scheme;
        }

        var (exitCode, output) = await RunScriptAsync(input);
        Assert.True(exitCode == 0, $"stripe-sign.mjs exited {exitCode}: {output}");
        return output.Trim();
    }

    private static Task<(int ExitCode, string Output)> NpmVerifyAsync(string payload, string header, string secret) =>
        RunScriptAsync(new Dictionary<string, object> { ["mode"] = "verify", ["payload"] = payload, ["header"] = header, ["secret"] = secret });

    private static async Task<(int ExitCode, string Output)> RunScriptAsync(Dictionary<string, object> input)
    {
        await NodeScript.EnsurePackageAsync("stripe");
        var (exitCode, stdout, stderr) = await NodeScript.RunAsync("node", ["stripe-sign.mjs"], JsonSerializer.Serialize(input), TimeSpan.FromSeconds(60));
        return (exitCode, stdout + stderr);
    }
}
