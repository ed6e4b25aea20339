using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using BuzzKeyMgmt.Sandbox.Kms;
using static BuzzKeyMgmt.Sandbox.Tests.Regions.RegionClients;

namespace BuzzKeyMgmt.Sandbox.Tests.Accounts;

/// <summary>
/// Member accounts: a security team's production, staging and DR accounts, reached from the sandbox's users through their
/// roles (cross-account STS AssumeRole). Each account-Region has its own keys and its own KMS quotas, as on AWS.
/// </summary>
public sealed class MemberAccountTests
{
    private const string Member1 = "222200001111", Member2 = "222200002222";

    private static SandboxServer Start() =>
        SandboxServer.Start(new SandboxOptions { EnforceQuotas = true, MemberAccounts = [Member1, Member2] });

    private static async Task<AWSCredentials> AssumeAsync(SandboxServer sandbox, string account, string role = "Admin")
    {
        var op = sandbox.User("operator");
        using var sts = StsClient(sandbox, Primary, credentials: new BasicAWSCredentials(op.AccessKeyId, op.SecretAccessKey));
        var assumed = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = sandbox.RoleArnIn(account, role), RoleSessionName = "fleet-test" });
        Assert.StartsWith($"arn:aws:sts::{account}:assumed-role/BuzzKeyMgmt{role}/", assumed.AssumedRoleUser.Arn);
        return new SessionAWSCredentials(assumed.Credentials.AccessKeyId, assumed.Credentials.SecretAccessKey, assumed.Credentials.SessionToken);
    }

    [Fact]
    public async Task A_member_accounts_role_session_acts_in_that_account_and_sees_only_its_keys()
    {
        using var sandbox = Start();
        Assert.Equal([Member1, Member2], sandbox.MemberAccounts);
        sandbox.KmsIn(Member1, Primary).Seed(3, "alias/m1-", SeedMix.Plain);
        sandbox.KmsIn(Member2, Primary).Seed(5, "alias/m2-", SeedMix.Plain);
        sandbox.Kms.Seed(7, "alias/home-", SeedMix.Plain);

        var credentials = await AssumeAsync(sandbox, Member1);
        using var sts = StsClient(sandbox, Primary, credentials: credentials);
        Assert.Equal(Member1, (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Account);
        using var kms = KmsClient(sandbox, Primary, credentials: credentials);
        var keys = (await kms.ListKeysAsync(new ListKeysRequest { Limit = 1000 })).Keys;
        Assert.All(keys, k => Assert.StartsWith($"arn:aws:kms:{Primary}:{Member1}:key/", k.KeyArn));
        var aliases = (await kms.ListAliasesAsync(new ListAliasesRequest { Limit = 100 })).Aliases.Select(a => a.AliasName).ToList();
        Assert.Contains("alias/m1-1", aliases);
        Assert.DoesNotContain("alias/m2-1", aliases);
        Assert.DoesNotContain("alias/home-1", aliases);
        Assert.Equal(sandbox.KmsIn(Member1, Primary).KeyFacts().Select(f => f.KeyId).Order(), keys.Select(k => k.KeyId).Order());
        Assert.Equal(3, aliases.Count(a => a.StartsWith("alias/m1-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Quotas_are_per_account_Region_one_account_throttled_leaves_another_accounts_bucket_full()
    {
        using var sandbox = Start();
        using var first = KmsClient(sandbox, Primary, credentials: await AssumeAsync(sandbox, Member1));
        using var second = KmsClient(sandbox, Primary, credentials: await AssumeAsync(sandbox, Member2));

        // DeleteAlias: 5 per second per account-Region. A missing alias is NotFound, but the request takes a token first.
        int sent = 0;
        string? last = null;
        while (sent < 60 && last != "ThrottlingException")
        {
            last = await DeleteMissingAlias(first);
            sent++;
        }
        Assert.Equal("ThrottlingException", last);

        // The same Region in the other account has its own full bucket of 5.
        var others = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => DeleteMissingAlias(second)));
        Assert.All(others, o => Assert.Equal("NotFoundException", o));
    }

    [Fact]
    public void Member_accounts_are_checked_and_named_in_errors()
    {
        Assert.Throws<ArgumentException>(() => SandboxServer.Start(new SandboxOptions { MemberAccounts = ["12345"] }));
        Assert.Throws<ArgumentException>(() => SandboxServer.Start(new SandboxOptions { MemberAccounts = ["22220000111\n"] }));
        using var sandbox = Start();
        var e = Assert.Throws<ArgumentException>(() => sandbox.KmsIn("333300003333", Primary));
        Assert.Contains(Member1, e.Message);
        Assert.Throws<ArgumentException>(() => sandbox.RoleArnIn(Member1, "Root"));
        Assert.Equal($"arn:aws:iam::{Member2}:role/BuzzKeyMgmtEmergency", sandbox.RoleArnIn(Member2, "Emergency"));
    }

    private static async Task<string> DeleteMissingAlias(AmazonKeyManagementServiceClient kms)
    {
        try
        {
            await kms.DeleteAliasAsync(new DeleteAliasRequest { AliasName = "alias/not-there" });
            return "ok";
        }
        catch (AmazonKeyManagementServiceException e) { return e.ErrorCode; }
    }
}
