using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Amazon.Runtime;
using BuzzKeyMgmt.Engine.Aws;
using BuzzKeyMgmt.Sandbox;
using BuzzKeyMgmt.Sandbox.Realism;

namespace BuzzKeyMgmt.Engine.Tests.AwsQuery;

/// <summary>The signed awsQuery client against a real sandbox (SigV4 checked): typed IAM and SNS reads, AWS errors as
/// results, network failures, timeouts and stops as local codes, never an exception.</summary>
public sealed class AwsQueryClientTests : IDisposable
{
    private readonly SandboxServer server = SandboxServer.Start(new SandboxOptions { EnforceQuotas = false });

    private AWSCredentials Root => new BasicAWSCredentials(server.Root.AccessKeyId, server.Root.SecretAccessKey);
    private AWSCredentials User(string name) => new BasicAWSCredentials(server.User(name).AccessKeyId, server.User(name).SecretAccessKey);
    private AwsQueryClient Iam(AWSCredentials credentials, TimeSpan? timeout = null) => AwsQueryClient.ForIam(credentials, server.Region, server.Endpoint, timeout);
    private AwsQueryClient Sns(AWSCredentials credentials) => AwsQueryClient.ForSns(credentials, server.Region, server.Endpoint);

    [Fact]
    public async Task GetRole_returns_the_role_with_its_trust_policy_decoded()
    {
        using var iam = Iam(User("operator"));

        var outcome = await iam.GetRoleAsync("BuzzKeyMgmtRecovery");

        Assert.True(outcome.Succeeded, outcome.Describe());
        var role = outcome.Value!;
        Assert.Equal(server.RecoveryRoleArn, role.Arn);
        Assert.Equal("BuzzKeyMgmtRecovery", role.RoleName);
        Assert.StartsWith("AROA", role.RoleId);
        Assert.Equal("/", role.Path);
        Assert.Equal(3600, role.MaxSessionDuration);
        Assert.NotNull(role.CreateDate);
        using var policy = JsonDocument.Parse(role.AssumeRolePolicyDocument!);
        Assert.Equal($"arn:aws:iam::{server.AccountId}:root",
            policy.RootElement.GetProperty("Statement")[0].GetProperty("Principal").GetProperty("AWS").GetString());
        Assert.Equal(1, server.RequestCount("IAM.GetRole"));
    }

    [Fact]
    public async Task An_unknown_role_is_NoSuchEntity_and_trainee_is_AccessDenied_as_results()
    {
        using var root = Iam(Root);
        var missing = await root.GetRoleAsync("BuzzKeyMgmtNope");
        Assert.False(missing.Succeeded);
        Assert.Equal("NoSuchEntity", missing.ErrorCode);
        Assert.Equal(404, missing.StatusCode);
        Assert.Equal("The role with name BuzzKeyMgmtNope cannot be found.", missing.ErrorMessage);

        using var trainee = Iam(User("trainee"));
        var denied = await trainee.GetRoleAsync("BuzzKeyMgmtAdmin");
        Assert.True(denied.IsAccessDenied);
        Assert.Equal(403, denied.StatusCode);
        Assert.Contains("iam:GetRole", denied.ErrorMessage);
    }

    [Fact]
    public async Task ListMfaDevices_lists_the_callers_device_and_a_role_session_gets_ValidationError()
    {
        using var iam = Iam(User("approver2"));
        var own = await iam.ListMfaDevicesAsync();
        Assert.True(own.Succeeded, own.Describe());
        var device = Assert.Single(own.Value!);
        Assert.Equal(server.User("approver2").MfaSerial, device.SerialNumber);
        Assert.Equal("approver2", device.UserName);
        Assert.NotNull(device.EnableDate);

        using var sts = new Amazon.SecurityToken.AmazonSecurityTokenServiceClient(User("operator"),
            new Amazon.SecurityToken.AmazonSecurityTokenServiceConfig { ServiceURL = server.Endpoint, AuthenticationRegion = server.Region });
        var assumed = await sts.AssumeRoleAsync(new Amazon.SecurityToken.Model.AssumeRoleRequest { RoleArn = server.AdminRoleArn, RoleSessionName = "tests" });
        using var session = Iam(new SessionAWSCredentials(assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey, assumed.Credentials.SessionToken));
        var notAUser = await session.ListMfaDevicesAsync();
        Assert.Equal("ValidationError", notAUser.ErrorCode);   // the session token was accepted: the signature check passed
        Assert.Equal("Must specify userName when calling with non-User credentials", notAUser.ErrorMessage);
    }

    [Fact]
    public async Task GetTopicAttributes_reads_the_attribute_map_NotFound_and_AuthorizationError()
    {
        using var sns = Sns(User("operator"));
        var ok = await sns.GetTopicAttributesAsync(server.AlertTopicArn);
        Assert.True(ok.Succeeded, ok.Describe());
        Assert.Equal(server.AlertTopicArn, ok.Value!["TopicArn"]);
        Assert.Equal(server.AccountId, ok.Value["Owner"]);
        Assert.Equal("0", ok.Value["SubscriptionsConfirmed"]);
        Assert.Contains("SNS:Publish", ok.Value["Policy"]);

        var missing = await sns.GetTopicAttributesAsync(server.AlertTopicArn + "-nope");
        Assert.Equal("NotFound", missing.ErrorCode);
        Assert.Equal(404, missing.StatusCode);

        using var trainee = Sns(User("trainee"));
        var denied = await trainee.GetTopicAttributesAsync(server.AlertTopicArn);
        Assert.Equal("AuthorizationError", denied.ErrorCode);
        Assert.True(denied.IsAccessDenied);
    }

    [Fact]
    public async Task A_closed_port_is_a_NetworkError_result_not_an_exception()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var iam = AwsQueryClient.ForIam(Root, "us-east-1", $"http://127.0.0.1:{port}");

        var outcome = await iam.GetRoleAsync("BuzzKeyMgmtAdmin");

        Assert.Equal(AwsQueryClient.NetworkError, outcome.ErrorCode);
        Assert.Contains($"127.0.0.1:{port}", outcome.ErrorMessage);
        Assert.Null(outcome.StatusCode);
    }

    [Fact]
    public async Task A_slow_answer_is_a_Timeout_within_the_clients_timeout()
    {
        server.Faults.Add(FaultRule.Latency("IAM.GetRole", TimeSpan.FromSeconds(5)));
        using var iam = Iam(Root, TimeSpan.FromMilliseconds(400));
        var watch = Stopwatch.StartNew();

        var outcome = await iam.GetRoleAsync("BuzzKeyMgmtAdmin");

        Assert.Equal(AwsQueryClient.TimeoutError, outcome.ErrorCode);
        Assert.Contains("within 0.4 s", outcome.ErrorMessage);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_stop_is_Canceled_not_Timeout()
    {
        server.Faults.Add(FaultRule.Latency("SNS.GetTopicAttributes", TimeSpan.FromSeconds(5)));
        using var sns = Sns(Root);
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var response = await sns.CallAsync("GetTopicAttributes", [new("TopicArn", server.AlertTopicArn)], stop.Token);

        Assert.Equal(AwsQueryClient.Canceled, response.ErrorCode);
        Assert.True(response.IsLocalFailure);
    }

    [Fact]
    public async Task An_injected_throttle_is_an_AWS_error_result()
    {
        server.Faults.Add(FaultRule.Times("IAM.ListMFADevices", FaultKind.Throttling, 1));
        using var iam = Iam(Root);
        var throttled = await iam.ListMfaDevicesAsync();
        Assert.Equal("Throttling", throttled.ErrorCode);
        Assert.Equal(400, throttled.StatusCode);
        Assert.False(throttled.IsAccessDenied);
        Assert.True((await iam.ListMfaDevicesAsync()).Succeeded);
    }

    [Theory]
    [InlineData("us-east-1", "https://iam.amazonaws.com/", "us-east-1")]
    [InlineData("eu-west-2", "https://iam.amazonaws.com/", "us-east-1")]
    [InlineData("ap-southeast-2", "https://iam.amazonaws.com/", "us-east-1")]
    [InlineData("cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1")]
    [InlineData("us-gov-east-1", "https://iam.us-gov.amazonaws.com/", "us-gov-west-1")]
    public void IAM_is_one_global_endpoint_per_partition(string region, string endpoint, string signingRegion)
    {
        var (uri, signing) = AwsQueryClient.IamEndpoint(region);
        Assert.Equal(endpoint, uri.ToString());
        Assert.Equal(signingRegion, signing);
        using var client = AwsQueryClient.ForIam(Root, region);
        Assert.Equal(endpoint, client.Endpoint.ToString());
        Assert.Equal(signingRegion, client.SigningRegion);
        Assert.Equal("iam", client.Service);
    }

    [Fact]
    public void SNS_goes_to_the_topics_Region_unless_an_endpoint_is_given()
    {
        using var sns = AwsQueryClient.ForSns(Root, "eu-west-2");
        Assert.Equal("https://sns.eu-west-2.amazonaws.com/", sns.Endpoint.ToString());
        Assert.Equal("eu-west-2", sns.SigningRegion);
        using var local = AwsQueryClient.ForSns(Root, "eu-west-2", server.Endpoint);
        Assert.Equal(server.Endpoint + "/", local.Endpoint.ToString());
    }

    [Fact]
    public async Task An_IAM_read_on_an_SNS_client_is_a_programming_error()
    {
        using var sns = Sns(Root);
        await Assert.ThrowsAsync<ArgumentException>(() => sns.GetRoleAsync("BuzzKeyMgmtAdmin"));
    }

    [Theory]
    [InlineData(200, "not xml", "UnreadableResponse")]
    [InlineData(502, "<html>bad gateway</html>", "Http502")]
    [InlineData(503, "Service Unavailable", "Http503")]
    [InlineData(200, "<GetRoleResponse><Other/></GetRoleResponse>", "UnreadableResponse")]
    public void Answers_that_are_not_the_expected_XML_are_local_codes(int status, string body, string code)
    {
        var response = AwsQueryClient.Parse("GetRole", status, body, "header-id");
        Assert.False(response.Succeeded);
        Assert.Equal(code, response.ErrorCode);
        Assert.Equal(status, response.StatusCode);
    }

    public void Dispose() => server.Dispose();
}

/// <summary>An environment in another Region: IAM is still signed for us-east-1, and the sandbox (serving eu-west-2) takes it.</summary>
public sealed class AwsQueryClientRegionTests
{
    [Fact]
    public async Task IAM_for_an_eu_west_2_environment_is_signed_for_us_east_1_and_answered()
    {
        using var server = SandboxServer.Start(new SandboxOptions { Region = "eu-west-2", EnforceQuotas = false });
        using var iam = AwsQueryClient.ForIam(new BasicAWSCredentials(server.Root.AccessKeyId, server.Root.SecretAccessKey), "eu-west-2", server.Endpoint);

        Assert.Equal("us-east-1", iam.SigningRegion);
        var outcome = await iam.GetRoleAsync("BuzzKeyMgmtAdmin");
        Assert.True(outcome.Succeeded, outcome.Describe());
        Assert.Equal(server.AdminRoleArn, outcome.Value!.Arn);
    }
}

/// <summary>ServiceEndpoints' IAM member: set by the one-for-all shorthand (the sandbox), null (public) otherwise.</summary>
public sealed class AwsQueryServiceEndpointsTests
{
    [Fact]
    public void The_one_for_all_URL_covers_IAM_and_the_public_endpoints_leave_it_null()
    {
        var all = ServiceEndpoints.All("http://127.0.0.1:4566");
        Assert.Equal("http://127.0.0.1:4566", all.Iam);
        Assert.Equal("http://127.0.0.1:4566", all.For(AwsService.Iam));
        Assert.Null(ServiceEndpoints.Public.For(AwsService.Iam));
        Assert.Null(new ServiceEndpoints(Kms: "https://vpce-kms.example").Iam);
    }
}
