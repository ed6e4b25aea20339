using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using BuzzKeyMgmt.Sandbox.Realism;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Host;

/// <summary>
/// Per-target request counts ("KMS.DescribeKey", "STS.AssumeRole", "SNS.Publish"): every routed request counts, whether it then
/// succeeds or is refused (fault, permission, MFA); requests failing their signature do not.
/// </summary>
public sealed class RequestCountTests : IDisposable
{
    // Own sandbox per test: counts start at zero.
    private readonly SandboxFixture f = new();
    private readonly RawAws raw;

    public RequestCountTests() => raw = new RawAws(f.Server);

    private string SeedKey()
    {
        f.Server.SeedKeys(1, "alias/counted-", rotationMix: false);   // in process: not an HTTP request, not counted
        return "alias/counted-1";
    }

    [KmsFact]
    public async Task Three_DescribeKey_and_one_ListKeys_give_exactly_those_counts()
    {
        var alias = SeedKey();
        Assert.Empty(f.Server.RequestCounts());
        using var kms = f.Kms(f.RootCredentials);

        for (int i = 0; i < 3; i++) await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = alias });
        await kms.ListKeysAsync(new ListKeysRequest());

        Assert.Equal(new Dictionary<string, long> { ["KMS.DescribeKey"] = 3, ["KMS.ListKeys"] = 1 }, f.Server.RequestCounts());
        Assert.Equal(3, f.Server.RequestCount("KMS.DescribeKey"));
        Assert.Equal(1, f.Server.RequestCount("kms.ListKeys"));
        Assert.Equal(0, f.Server.RequestCount("KMS.DisableKey"));
    }

    [KmsFact]
    public async Task Requests_refused_by_a_fault_or_a_permission_are_counted()
    {
        var alias = SeedKey();
        var rule = f.Server.Faults.Add(FaultRule.Times("KMS.DescribeKey", FaultKind.Throttling, 1));
        using var kms = f.Kms(f.RootCredentials);
        var throttled = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = alias }));
        Assert.Equal("ThrottlingException", throttled.ErrorCode);
        Assert.Equal(1, rule.Applied);
        Assert.Equal(1, f.Server.RequestCount("KMS.DescribeKey"));

        using var trainee = f.Kms(f.UserCredentials("trainee"));
        var denied = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => trainee.DescribeKeyAsync(new DescribeKeyRequest { KeyId = alias }));
        Assert.Equal("AccessDeniedException", denied.ErrorCode);
        Assert.Equal(2, f.Server.RequestCount("KMS.DescribeKey"));
    }

    [Fact]
    public async Task Sts_and_Sns_requests_are_counted_by_action_including_refused_AssumeRole()
    {
        var rule = f.Server.Faults.Add(FaultRule.Times("STS.AssumeRole", FaultKind.InternalError, 1));
        using (var sts = f.Sts(f.UserCredentials("operator")))
        {
            await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest
            {
                RoleArn = f.Server.AdminRoleArn, RoleSessionName = "faulted",
            }));
            await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        }
        Assert.Equal(1, rule.Applied);
        await MfaAssert.RefusedAsync(() => f.AssumeWithCodeAsync(MfaSteps.Wrong(f.Server.User("operator"), f.Server.Clock)));
        await f.AssumeAsync(f.Server.EmergencyRoleArn);
        var published = await raw.QueryAsync("sns", RawAws.Params(("Action", "Publish"), ("Version", "2010-03-31"),
            ("TopicArn", f.Server.AlertTopicArn), ("Message", "counted")));
        Assert.Equal(200, published.Status);

        Assert.Equal(new Dictionary<string, long> { ["SNS.Publish"] = 1, ["STS.AssumeRole"] = 3, ["STS.GetCallerIdentity"] = 1 },
            f.Server.RequestCounts());
    }

    [Fact]
    public async Task Requests_failing_their_signature_or_naming_no_known_action_are_not_counted()
    {
        var bad = new BasicAWSCredentials(f.Server.Root.AccessKeyId, "not-the-secret-" + new string('x', 25));
        using (var kms = f.Kms(bad))
            await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.ListKeysAsync(new ListKeysRequest()));
        using (var sts = f.Sts(bad))
            await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        var unknown = await raw.QueryAsync("sts", RawAws.Params(("Action", "GetSessionToken"), ("Version", "2011-06-15")));
        Assert.Equal("InvalidAction", unknown.QueryErrorCode);

        Assert.Empty(f.Server.RequestCounts());
        Assert.Equal(0, f.Server.RequestCount("STS.GetCallerIdentity"));
    }

    [KmsFact]
    public async Task Concurrent_requests_are_each_counted_once()
    {
        var alias = SeedKey();
        const int clients = 8, each = 50;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            using var kms = f.Kms(f.RootCredentials);
            for (int i = 0; i < each; i++) await kms.DescribeKeyAsync(new DescribeKeyRequest { KeyId = alias });
        }));

        Assert.Equal(clients * each, f.Server.RequestCount("KMS.DescribeKey"));
    }

    [Fact]
    public async Task RequestCounts_is_a_snapshot()
    {
        using var sts = f.Sts(f.RootCredentials);
        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        var before = f.Server.RequestCounts();

        await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal(1, before["STS.GetCallerIdentity"]);
        Assert.Equal(2, f.Server.RequestCounts()["STS.GetCallerIdentity"]);
    }

    [Theory]
    [InlineData("KMS.Describekey")]
    [InlineData("DescribeKey")]
    [InlineData("KMS.")]
    [InlineData("EC2.RunInstances")]
    [InlineData("STS.GetSessionToken")]
    public void A_target_naming_no_sandbox_operation_is_an_ArgumentException_not_zero(string target)
    {
        var e = Assert.Throws<ArgumentException>(() => f.Server.RequestCount(target));
        Assert.Contains(target, e.Message);
    }

    public void Dispose()
    {
        raw.Dispose();
        f.Dispose();
    }
}
