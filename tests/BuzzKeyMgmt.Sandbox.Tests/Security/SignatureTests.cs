using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Security;

/// <summary>SigV4 verification: each way a request can fail authentication, answered with AWS's code per protocol.</summary>
public sealed class SignatureTests(SandboxFixture f) : IClassFixture<SandboxFixture>, IDisposable
{
    private readonly RawAws raw = new(f.Server);
    private const string Mismatch = "The request signature we calculated does not match the signature you provided. " +
        "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    [Fact]
    public async Task Wrong_secret_is_InvalidSignatureException_for_KMS_and_SignatureDoesNotMatch_for_STS()
    {
        var bad = new BasicAWSCredentials(f.Server.Root.AccessKeyId, "not-the-secret-" + new string('x', 25));
        using var kms = f.Kms(bad);
        var k = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.ListKeysAsync(new ListKeysRequest()));
        Assert.Equal("InvalidSignatureException", k.ErrorCode);
        Assert.Equal(400, (int)k.StatusCode);
        Assert.Equal(Mismatch, k.Message);

        using var sts = f.Sts(bad);
        var s = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal("SignatureDoesNotMatch", s.ErrorCode);
        Assert.Equal(403, (int)s.StatusCode);
        Assert.Equal(Mismatch, s.Message);
    }

    [Fact]
    public async Task Unknown_access_key_is_UnrecognizedClient_for_KMS_and_InvalidClientTokenId_for_STS()
    {
        var unknown = new BasicAWSCredentials("AKIAUNKNOWNUNKNOWN00", "secret");
        using var kms = f.Kms(unknown);
        var k = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.ListKeysAsync(new ListKeysRequest()));
        Assert.Equal("UnrecognizedClientException", k.ErrorCode);
        Assert.Equal("The security token included in the request is invalid.", k.Message);

        using var sts = f.Sts(unknown);
        var s = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal("InvalidClientTokenId", s.ErrorCode);
        Assert.Equal(403, (int)s.StatusCode);
    }

    [Fact]
    public async Task Tampered_session_token_is_rejected_as_invalid()
    {
        var (session, response) = await f.AssumeAsync(f.Server.AdminRoleArn, withMfa: false);
        var c = response.Credentials;
        using var sts = f.Sts(new SessionAWSCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken + "x"));
        var s = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal("InvalidClientTokenId", s.ErrorCode);
        using var noToken = f.Sts(new BasicAWSCredentials(c.AccessKeyId, c.SecretAccessKey));
        var n = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => noToken.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal("InvalidClientTokenId", n.ErrorCode);
        using var good = f.Sts(session);
        Assert.Contains("assumed-role", (await good.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);
    }

    [Fact]
    public async Task Unsigned_requests_are_missing_authentication_token()
    {
        var json = await raw.SendAsync("kms", "{}"u8.ToArray(), "application/x-amz-json-1.1", "TrentService.ListKeys", creds: null);
        Assert.Equal(400, json.Status);
        Assert.Contains("\"__type\":\"MissingAuthenticationTokenException\"", json.Body);
        var query = await raw.SendAsync("sts", "Action=GetCallerIdentity&Version=2011-06-15"u8.ToArray(), "application/x-www-form-urlencoded", null, creds: null);
        Assert.Equal(403, query.Status);
        Assert.Equal("MissingAuthenticationToken", query.QueryErrorCode);
    }

    [Fact]
    public async Task Request_time_more_than_five_minutes_off_is_rejected_both_ways()
    {
        var p = RawAws.Params(("Action", "GetCallerIdentity"), ("Version", "2011-06-15"));
        var late = await raw.QueryAsync("sts", p, signedAt: DateTimeOffset.UtcNow.AddMinutes(-6));
        Assert.Equal("SignatureDoesNotMatch", late.QueryErrorCode);
        Assert.StartsWith("Signature expired: ", late.QueryErrorMessage);
        Assert.EndsWith(" - 5 min.)", late.QueryErrorMessage);
        var early = await raw.QueryAsync("sts", p, signedAt: DateTimeOffset.UtcNow.AddMinutes(6));
        Assert.StartsWith("Signature not yet current: ", early.QueryErrorMessage);
        var fine = await raw.QueryAsync("sts", p, signedAt: DateTimeOffset.UtcNow.AddMinutes(-4));
        Assert.Equal(200, fine.Status);
        Assert.Equal(f.Server.Root.Arn, fine.Value("Arn"));
    }

    [Fact]
    public async Task Clock_advance_does_not_affect_signature_time_checks()
    {
        // SigV4 compares with real time; only sessions, keys and MFA follow the sandbox clock.
        using var sandbox = new SandboxFixture();
        sandbox.Server.Clock.Advance(TimeSpan.FromDays(3));
        using var sts = sandbox.Sts(sandbox.RootCredentials);
        Assert.Equal(sandbox.Server.Root.Arn, (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);
    }

    [Fact]
    public async Task Credential_scope_must_name_the_sandbox_region_and_the_right_service()
    {
        using var sts = new AmazonSecurityTokenServiceClient(f.RootCredentials, new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = f.Server.Endpoint, AuthenticationRegion = "eu-west-1", MaxErrorRetry = 0,
        });
        var e = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal("SignatureDoesNotMatch", e.ErrorCode);
        Assert.Contains("Credential should be scoped to a valid region", e.Message);

        // A KMS call signed for the "sns" service.
        var wrongService = await raw.SendAsync("sns", "{}"u8.ToArray(), "application/x-amz-json-1.1", "TrentService.ListKeys", raw.Root);
        Assert.Contains("\"__type\":\"InvalidSignatureException\"", wrongService.Body);
        Assert.Contains("Credential should be scoped to correct service: 'kms'", wrongService.Body);
    }

    [Fact]
    public async Task Body_changed_after_signing_fails_the_signature()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, f.Server.Endpoint + "/");
        var signedBody = "Action=GetCallerIdentity&Version=2011-06-15"u8.ToArray();
        request.Content = new ByteArrayContent("Action=GetCallerIdentity&Version=2011-06-15&X=1"u8.ToArray());
        request.Content.Headers.ContentType = new("application/x-www-form-urlencoded");
        TestSigner.Sign(request, signedBody, raw.Root, f.Server.Region, "sts");
        using var http = new HttpClient();
        var response = await http.SendAsync(request);
        Assert.Equal(403, (int)response.StatusCode);
        Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await response.Content.ReadAsStringAsync());
    }

    public void Dispose() => raw.Dispose();
}
