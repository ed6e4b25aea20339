using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Sts;

/// <summary>Who a caller is (GetCallerIdentity) and when session credentials stop working (sandbox clock).</summary>
public sealed class SessionTests : IDisposable
{
    // Own sandbox per test: these tests move the clock forward.
    private readonly SandboxFixture f = new();

    [Fact]
    public async Task GetCallerIdentity_shows_root_user_and_assumed_role_session()
    {
        using (var root = f.Sts(f.RootCredentials))
        {
            var id = await root.GetCallerIdentityAsync(new GetCallerIdentityRequest());
            Assert.Equal($"arn:aws:iam::{f.Server.AccountId}:root", id.Arn);
            Assert.Equal(f.Server.AccountId, id.Account);
        }
        using (var user = f.Sts(f.UserCredentials("approver2")))
        {
            var id = await user.GetCallerIdentityAsync(new GetCallerIdentityRequest());
            Assert.Equal($"arn:aws:iam::{f.Server.AccountId}:user/approver2", id.Arn);
            Assert.StartsWith("AIDA", id.UserId);
        }
        var (session, _) = await f.AssumeAsync(f.Server.RecoveryRoleArn, sessionName: "CHG-2026-0007");
        using var sts = f.Sts(session);
        var who = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal($"arn:aws:sts::{f.Server.AccountId}:assumed-role/BuzzKeyMgmtRecovery/CHG-2026-0007", who.Arn);
        Assert.EndsWith(":CHG-2026-0007", who.UserId);
        Assert.StartsWith("AROA", who.UserId);
    }

    [Fact]
    public async Task Session_expires_by_the_sandbox_clock_for_STS_and_KMS()
    {
        var (session, response) = await f.AssumeAsync(f.Server.AdminRoleArn, withMfa: false);
        using var sts = f.Sts(session);
        using var kms = f.Kms(session);
        Assert.NotNull((await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn);

        f.Server.Clock.Advance(TimeSpan.FromSeconds(901));
        Assert.True(f.Server.Clock.GetUtcNow() > response.Credentials.Expiration!.Value.ToUniversalTime());

        var stsError = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.GetCallerIdentityAsync(new GetCallerIdentityRequest()));
        Assert.Equal("ExpiredToken", stsError.ErrorCode);
        Assert.Equal(403, (int)stsError.StatusCode);
        Assert.Equal("The security token included in the request is expired", stsError.Message);

        var kmsError = await Assert.ThrowsAsync<AmazonKeyManagementServiceException>(() => kms.ListKeysAsync(new ListKeysRequest()));
        Assert.Equal("ExpiredTokenException", kmsError.ErrorCode);
        Assert.Equal(400, (int)kmsError.StatusCode);
        Assert.Equal("The security token included in the request is expired", kmsError.Message);
    }

    [Fact]
    public async Task Session_is_still_valid_just_before_expiry()
    {
        var (session, _) = await f.AssumeAsync(f.Server.AdminRoleArn, withMfa: false);
        f.Server.Clock.Advance(TimeSpan.FromSeconds(840));
        using var sts = f.Sts(session);
        var who = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Contains("BuzzKeyMgmtAdmin", who.Arn);
    }

    [Fact]
    public async Task Mfa_code_follows_the_sandbox_clock()
    {
        var before = f.Server.GetMfaCode(f.Server.User("operator").MfaSerial);
        f.Server.Clock.Advance(TimeSpan.FromMinutes(10));
        var user = f.Server.User("operator");
        using var sts = f.Sts(f.UserCredentials("operator"));
        // The code from 10 minutes (20 steps) earlier is outside the ±1 step window now.
        var stale = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = f.Server.EmergencyRoleArn, RoleSessionName = "INC-3", SerialNumber = user.MfaSerial, TokenCode = before,
        }));
        Assert.Equal("AccessDenied", stale.ErrorCode);
        var fresh = await sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = f.Server.EmergencyRoleArn, RoleSessionName = "INC-3", SerialNumber = user.MfaSerial, TokenCode = f.Server.GetMfaCode(user.MfaSerial),
        });
        Assert.NotNull(fresh.Credentials.SessionToken);
    }

    public void Dispose() => f.Dispose();
}
