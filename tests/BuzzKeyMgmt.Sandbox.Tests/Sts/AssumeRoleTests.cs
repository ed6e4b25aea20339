using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Sts;

/// <summary>STS AssumeRole through the real AWS SDK: MFA rules per role, parameter validation, session identity.</summary>
public sealed class AssumeRoleTests(SandboxFixture f) : IClassFixture<SandboxFixture>
{
    [Fact]
    public async Task Emergency_with_the_users_current_mfa_code_returns_temporary_credentials()
    {
        var (_, response) = await f.AssumeAsync(f.Server.EmergencyRoleArn, sessionName: "INC-2026-0042");

        Assert.StartsWith("ASIA", response.Credentials.AccessKeyId);
        Assert.False(string.IsNullOrEmpty(response.Credentials.SessionToken));
        Assert.Equal($"arn:aws:sts::{f.Server.AccountId}:assumed-role/BuzzKeyMgmtEmergency/INC-2026-0042", response.AssumedRoleUser.Arn);
        Assert.EndsWith(":INC-2026-0042", response.AssumedRoleUser.AssumedRoleId);
        Assert.Equal("operator", response.SourceIdentity);
        var lifetime = response.Credentials.Expiration!.Value.ToUniversalTime() - f.Server.Clock.GetUtcNow().UtcDateTime;
        Assert.InRange(lifetime.TotalSeconds, 800, 901);
    }

    [Fact]
    public async Task Wrong_mfa_code_is_AccessDenied_403_with_AWS_message()
    {
        using var sts = f.Sts(f.UserCredentials("approver1"));
        var user = f.Server.User("approver1");
        var wrong = ((int.Parse(f.Server.GetMfaCode(user.MfaSerial)) + 500_000) % 1_000_000).ToString("D6");
        var e = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = f.Server.RecoveryRoleArn, RoleSessionName = "CHG-1", SerialNumber = user.MfaSerial, TokenCode = wrong,
        }));
        Assert.Equal("AccessDenied", e.ErrorCode);
        Assert.Equal(403, (int)e.StatusCode);
        Assert.Equal("MultiFactorAuthentication failed with invalid MFA one time pass code.", e.Message);
    }

    [Fact]
    public async Task Another_users_mfa_device_is_rejected_even_with_its_valid_code()
    {
        using var sts = f.Sts(f.UserCredentials("operator"));
        var other = f.Server.User("approver2");
        var e = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = f.Server.EmergencyRoleArn, RoleSessionName = "INC-1", SerialNumber = other.MfaSerial, TokenCode = f.Server.GetMfaCode(other.MfaSerial),
        }));
        Assert.Equal("AccessDenied", e.ErrorCode);
    }

    [Theory]
    [InlineData("Emergency")]
    [InlineData("Recovery")]
    public async Task Missing_mfa_for_an_mfa_role_is_not_authorized(string role)
    {
        var roleArn = role == "Emergency" ? f.Server.EmergencyRoleArn : f.Server.RecoveryRoleArn;
        using var sts = f.Sts(f.UserCredentials("operator"));
        var e = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() =>
            sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = roleArn, RoleSessionName = "INC-1" }));
        Assert.Equal("AccessDenied", e.ErrorCode);
        Assert.Equal($"User: arn:aws:iam::{f.Server.AccountId}:user/operator is not authorized to perform: sts:AssumeRole on resource: {roleArn}", e.Message);
    }

    [Fact]
    public async Task Admin_needs_no_mfa_and_root_may_assume_it()
    {
        using var sts = f.Sts(f.RootCredentials);
        var r = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = f.Server.AdminRoleArn, RoleSessionName = "CHG-7" });
        Assert.Equal($"arn:aws:sts::{f.Server.AccountId}:assumed-role/BuzzKeyMgmtAdmin/CHG-7", r.AssumedRoleUser.Arn);
    }

    [Fact]
    public async Task Root_uses_its_own_mfa_device_for_emergency()
    {
        using var sts = f.Sts(f.RootCredentials);
        var r = await sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = f.Server.EmergencyRoleArn, RoleSessionName = "INC-9", SerialNumber = f.Server.MfaSerial, TokenCode = f.Server.GetMfaCode(),
        });
        Assert.EndsWith("assumed-role/BuzzKeyMgmtEmergency/INC-9", r.AssumedRoleUser.Arn);
    }

    [Fact]
    public async Task A_role_session_cannot_assume_another_role()
    {
        var (session, _) = await f.AssumeAsync(f.Server.AdminRoleArn, withMfa: false);
        using var sts = f.Sts(session);
        var e = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() =>
            sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = f.Server.AdminRoleArn, RoleSessionName = "chain" }));
        Assert.Equal("AccessDenied", e.ErrorCode);
    }

    [Fact]
    public async Task Unknown_role_is_not_authorized()
    {
        using var sts = f.Sts(f.UserCredentials("operator"));
        var arn = $"arn:aws:iam::{f.Server.AccountId}:role/SomethingElse";
        var e = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() =>
            sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = arn, RoleSessionName = "x1" }));
        Assert.Equal("AccessDenied", e.ErrorCode);
        Assert.Contains(arn, e.Message);
    }

    [Theory]
    [InlineData("a", null, "Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2")]
    [InlineData("has space", null, "Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*")]
    [InlineData("ok-name", 899, "Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900")]
    [InlineData("ok-name", 43201, "Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200")]
    public async Task Parameter_constraints_give_ValidationError_with_AWS_wording(string session, int? duration, string expected)
    {
        using var sts = f.Sts(f.RootCredentials);
        var e = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = f.Server.AdminRoleArn, RoleSessionName = session, DurationSeconds = duration,
        }));
        Assert.Equal("ValidationError", e.ErrorCode);
        Assert.Equal(400, (int)e.StatusCode);
        Assert.Equal("1 validation error detected: " + expected, e.Message);
    }

    [Fact]
    public async Task Several_violations_are_listed_together()
    {
        using var sts = f.Sts(f.RootCredentials);
        var e = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = f.Server.AdminRoleArn, RoleSessionName = "x", SerialNumber = "short", TokenCode = "12ab", SourceIdentity = "aws:me",
        }));
        Assert.Equal("ValidationError", e.ErrorCode);
        Assert.StartsWith("6 validation errors detected: ", e.Message);
        Assert.Contains("'serialNumber' failed to satisfy constraint: Member must have length greater than or equal to 9", e.Message);
        Assert.Contains("'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6", e.Message);
        Assert.Contains("'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*", e.Message);
        Assert.Contains("Value 'aws:me' at 'sourceIdentity' failed to satisfy constraint: Member must not start with 'aws:'", e.Message);
    }

    [Fact]
    public async Task Duration_above_the_roles_one_hour_maximum_is_rejected()
    {
        using var sts = f.Sts(f.RootCredentials);
        var e = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => sts.AssumeRoleAsync(new AssumeRoleRequest
        {
            RoleArn = f.Server.AdminRoleArn, RoleSessionName = "long", DurationSeconds = 3601,
        }));
        Assert.Equal("ValidationError", e.ErrorCode);
        Assert.Equal("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", e.Message);
    }
}
