using System.Net;
using System.Text;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;
using static BuzzKeyMgmt.Sandbox.Tests.Regions.RegionClients;

namespace BuzzKeyMgmt.Sandbox.Tests.Regions;

/// <summary>
/// <see cref="SandboxServer.KmsOnlyEndpoint"/>: like a KMS VPC endpoint, it serves KMS exactly as the main endpoint does and
/// answers anything else with KMS's bare UnknownOperationException, which the AWS SDK's STS client reports with an empty
/// error code (the reported "GetCallerIdentity: : The service returned an error with HTTP Body: {"__type":"UnknownOperationException"}").
/// </summary>
public sealed class KmsOnlyEndpointTests(SandboxFixture f) : IClassFixture<SandboxFixture>
{
    private const string UnknownOperationBody = "{\"__type\":\"UnknownOperationException\"}";

    [Fact]
    public async Task Serves_KMS_with_the_same_keys_in_every_Region()
    {
        Assert.Matches(@"^http://127\.0\.0\.1:\d+$", f.Server.KmsOnlyEndpoint);
        Assert.NotEqual(f.Server.Endpoint, f.Server.KmsOnlyEndpoint);

        using var main = KmsClient(f.Server, Primary);
        using var vpce = KmsClient(f.Server, Primary, f.Server.KmsOnlyEndpoint);
        var made = (await main.CreateKeyAsync(new CreateKeyRequest { Description = "via main" })).KeyMetadata;
        var seen = (await vpce.DescribeKeyAsync(new DescribeKeyRequest { KeyId = made.KeyId })).KeyMetadata;
        Assert.Equal(made.Arn, seen.Arn);
        Assert.Equal("via main", seen.Description);
        await vpce.DisableKeyAsync(new DisableKeyRequest { KeyId = made.KeyId });
        Assert.Equal(Amazon.KeyManagementService.KeyState.Disabled, (await main.DescribeKeyAsync(new DescribeKeyRequest { KeyId = made.KeyId })).KeyMetadata.KeyState);

        using var vpceWest = KmsClient(f.Server, Second, f.Server.KmsOnlyEndpoint);
        Assert.StartsWith("arn:aws:kms:eu-west-2:", (await vpceWest.CreateKeyAsync(new CreateKeyRequest())).KeyMetadata.Arn);
        await Assert.ThrowsAsync<NotFoundException>(() => vpceWest.DescribeKeyAsync(new DescribeKeyRequest { KeyId = made.KeyId }));
    }

    [Fact]
    public async Task Checks_signatures_and_permissions_as_the_main_endpoint_does()
    {
        using var vpce = KmsClient(f.Server, Primary, f.Server.KmsOnlyEndpoint, new BasicAWSCredentials("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        var bad = await Assert.ThrowsAsync<Amazon.KeyManagementService.AmazonKeyManagementServiceException>(() => vpce.ListKeysAsync(new ListKeysRequest()));
        Assert.Equal("UnrecognizedClientException", bad.ErrorCode);
        using var trainee = KmsClient(f.Server, Primary, f.Server.KmsOnlyEndpoint, f.UserCredentials("trainee"));
        var denied = await Assert.ThrowsAsync<Amazon.KeyManagementService.AmazonKeyManagementServiceException>(() => trainee.ListKeysAsync(new ListKeysRequest()));
        Assert.Equal("AccessDeniedException", denied.ErrorCode);
        using var unserved = KmsClient(f.Server, "ap-south-1", f.Server.KmsOnlyEndpoint);
        var region = await Assert.ThrowsAsync<Amazon.KeyManagementService.AmazonKeyManagementServiceException>(() => unserved.ListKeysAsync(new ListKeysRequest()));
        Assert.Equal("InvalidSignatureException", region.ErrorCode);
    }

    [Theory]
    [InlineData("sts", "GetCallerIdentity", "2011-06-15")]
    [InlineData("sts", "AssumeRole", "2011-06-15")]
    [InlineData("sns", "Publish", "2010-03-31")]
    [InlineData("sns", "ListTopics", "2010-03-31")]
    public async Task Refuses_awsQuery_requests_with_a_bare_UnknownOperationException(string service, string action, string version)
    {
        using var raw = new RawAws(f.Server, Primary, f.Server.KmsOnlyEndpoint);
        var before = f.Server.Messages.Count;
        var a = await raw.QueryAsync(service, RawAws.Params(("Action", action), ("Version", version),
            ("TopicArn", f.Server.AlertTopicArn), ("Message", "must not arrive"), ("RoleArn", f.Server.AdminRoleArn), ("RoleSessionName", "x")));
        Assert.Equal(400, a.Status);
        Assert.Equal("application/x-amz-json-1.1", a.ContentType);
        Assert.Equal(UnknownOperationBody, a.Body);
        Assert.True(a.Message.Headers.Contains("x-amzn-RequestId"));
        Assert.Equal(before, f.Server.Messages.Count);

        // The same request to the main endpoint is served.
        using var mainRaw = new RawAws(f.Server, Primary);
        var served = await mainRaw.QueryAsync(service, RawAws.Params(("Action", action), ("Version", version)));
        Assert.Equal("text/xml", served.ContentType);
    }

    [Fact]
    public async Task Refuses_even_unsigned_or_GET_query_requests_the_same_way_and_does_not_count_them()
    {
        using var fresh = new SandboxFixture();
        using var http = new HttpClient();
        var unsigned = await http.PostAsync(fresh.Server.KmsOnlyEndpoint + "/",
            new StringContent("Action=GetCallerIdentity&Version=2011-06-15", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
        Assert.Equal(UnknownOperationBody, await unsigned.Content.ReadAsStringAsync());
        var get = await http.GetAsync(fresh.Server.KmsOnlyEndpoint + "/?Action=GetCallerIdentity&Version=2011-06-15");
        Assert.Equal(HttpStatusCode.BadRequest, get.StatusCode);
        Assert.Equal("application/x-amz-json-1.1", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(UnknownOperationBody, await get.Content.ReadAsStringAsync());

        using var sts = StsClient(fresh.Server, Primary, fresh.Server.KmsOnlyEndpoint);
        await Assert.ThrowsAnyAsync<AmazonServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal(0, fresh.Server.RequestCount("STS.GetCallerIdentity"));
        Assert.Empty(fresh.Server.RequestCounts());
    }

    [Fact]
    public async Task The_SDK_STS_client_reports_GetCallerIdentity_there_with_an_empty_error_code_and_400()
    {
        using var sts = StsClient(f.Server, Primary, f.Server.KmsOnlyEndpoint);
        var e = await Assert.ThrowsAnyAsync<AmazonServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.True(string.IsNullOrEmpty(e.ErrorCode), $"ErrorCode was '{e.ErrorCode}'");
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Contains("The service returned an error with HTTP Body: " + UnknownOperationBody, e.Message);

        // The same client against the main endpoint works: only the endpoint differs.
        using var ok = StsClient(f.Server, Primary);
        Assert.Equal(f.Server.Root.Arn, (await ok.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);
    }

    [Fact]
    public async Task A_request_broken_at_the_framing_level_gets_a_KMS_JSON_error_there()
    {
        var port = new Uri(f.Server.KmsOnlyEndpoint).Port;
        var reply = await RawSocket.SendAsync(port, Encoding.ASCII.GetBytes(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: abc\r\n\r\n"));
        Assert.NotNull(reply);
        Assert.Equal(400, reply!.Status);
        Assert.StartsWith("application/x-amz-json-1.1", reply.Headers["Content-Type"]);
        Assert.StartsWith("{\"__type\":", reply.Body);
    }

    [Fact]
    public async Task Stop_closes_both_listeners()
    {
        var sandbox = SandboxServer.Start(new SandboxOptions { EnforceQuotas = false });
        using (var kms = KmsClient(sandbox, Primary, sandbox.KmsOnlyEndpoint))
            Assert.NotEmpty((await kms.ListKeysAsync(new ListKeysRequest())).Keys);
        sandbox.Stop();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(sandbox.Endpoint + "/"));
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(sandbox.KmsOnlyEndpoint + "/"));
        sandbox.Dispose(); // a second stop is harmless
    }
}
