using Amazon.Runtime;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Diagnostics;
using BuzzKeyMgmt.Sandbox;
using BuzzKeyMgmt.Sandbox.Realism;

namespace BuzzKeyMgmt.Engine.Tests.Diagnostics;

/// <summary>
/// The role, MFA device and alert topic checks of Test-KeyMgmtEnvironment -Environment against a real sandbox (STS, IAM,
/// SNS over HTTP with SigV4 checked): what exists and trusts the caller passes; what does not exist fails naming the
/// setting to fix; what the caller may not read warns "not verified" with why.
/// </summary>
public sealed class AccessChecksTests : IDisposable
{
    private const string File = "/etc/buzzkeymgmt/environments.json";
    private readonly SandboxServer server = SandboxServer.Start(new SandboxOptions { EnforceQuotas = false });

    private KeyMgmtEnvironment Lab(string user = "operator", string? admin = "", string? emergency = "", string? recovery = "", string? serial = "",
        string? topic = "", AWSCredentials? credentials = null)
    {
        var u = server.User(user);
        return new KeyMgmtEnvironment
        {
            Name = "lab", Region = server.Region, AccountId = server.AccountId, Source = File, EndpointUrl = server.Endpoint,
            AdminRoleArn = admin == "" ? server.AdminRoleArn : admin,
            EmergencyRoleArn = emergency == "" ? server.EmergencyRoleArn : emergency,
            RecoveryRoleArn = recovery == "" ? server.RecoveryRoleArn : recovery,
            MfaSerialNumber = serial == "" ? u.MfaSerial : serial,
            AlertTopicArn = topic == "" ? server.AlertTopicArn : topic,
            BaseCredentials = credentials ?? new BasicAWSCredentials(u.AccessKeyId, u.SecretAccessKey),
        };
    }

    private static async Task<Dictionary<string, EnvironmentCheck>> Run(KeyMgmtEnvironment environment)
    {
        var connectivity = await ConnectivityChecks.RunAsync(environment, CancellationToken.None);
        var checks = await AccessChecks.RunAsync(environment, connectivity.Credentials, connectivity.Caller, CancellationToken.None);
        Assert.Equal(["Admin role", "Emergency role", "Recovery role", "MFA device", "Alert topic"], checks.Select(c => c.Name));
        return checks.ToDictionary(c => c.Name);
    }

    private string Acct => server.AccountId;

    [Fact]
    public async Task The_sandboxs_own_roles_device_and_topic_pass_and_each_was_asked_of_AWS()
    {
        var checks = await Run(Lab());

        Assert.All(checks.Values, c => Assert.True(c.Status == CheckStatus.Pass, c.ToString()));
        Assert.Contains("assumed it without MFA", checks["Admin role"].Detail);
        Assert.Contains($"lets arn:aws:iam::{Acct}:root assume it with MFA", checks["Emergency role"].Detail);
        Assert.Contains(server.RecoveryRoleArn, checks["Recovery role"].Detail);
        Assert.Contains($"{server.User("operator").MfaSerial} is one of", checks["MFA device"].Detail);
        Assert.Contains("exists", checks["Alert topic"].Detail);
        Assert.Equal(1, server.RequestCount("STS.AssumeRole"));
        Assert.Equal(2, server.RequestCount("IAM.GetRole"));
        Assert.Equal(1, server.RequestCount("IAM.ListMFADevices"));
        Assert.Equal(1, server.RequestCount("SNS.GetTopicAttributes"));
    }

    [Fact]
    public async Task Nonexistent_role_ARNs_MFA_serial_and_topic_fail_each_naming_the_setting_to_fix()
    {
        var checks = await Run(Lab(admin: $"arn:aws:iam::{Acct}:role/NoSuchAdmin", emergency: $"arn:aws:iam::{Acct}:role/NoSuchEmergency",
            recovery: $"arn:aws:iam::{Acct}:role/NoSuchRecovery", serial: $"arn:aws:iam::{Acct}:mfa/nobody",
            topic: $"arn:aws:sns:{server.Region}:{Acct}:no-such-topic"));

        Assert.All(checks.Values, c => Assert.True(c.Status == CheckStatus.Fail, c.ToString()));
        Assert.Contains("role does not exist", checks["Admin role"].Detail);
        Assert.Contains($"fix environments.lab.roles.admin in {File}", checks["Admin role"].Detail);
        Assert.Contains("role does not exist", checks["Emergency role"].Detail);
        Assert.Contains($"fix environments.lab.roles.emergency in {File}", checks["Emergency role"].Detail);
        Assert.Contains($"fix environments.lab.roles.recovery in {File}", checks["Recovery role"].Detail);
        Assert.Contains("is not one of", checks["MFA device"].Detail);
        Assert.Contains($"yours: {server.User("operator").MfaSerial}", checks["MFA device"].Detail);
        Assert.Contains($"environments.lab.mfaSerialNumber in {File}", checks["MFA device"].Detail);
        Assert.Contains("topic does not exist", checks["Alert topic"].Detail);
        Assert.Contains($"fix environments.lab.alertTopicArn in {File}", checks["Alert topic"].Detail);
    }

    [Fact]
    public async Task Trainee_may_assume_Admin_but_not_read_IAM_or_the_topic_so_those_warn_not_verified_with_why()
    {
        var checks = await Run(Lab(user: "trainee"));

        Assert.Equal(CheckStatus.Pass, checks["Admin role"].Status);
        foreach (var name in new[] { "Emergency role", "Recovery role" })
        {
            Assert.Equal(CheckStatus.Warn, checks[name].Status);
            Assert.Contains("not verified: the caller may not call iam:GetRole (AccessDenied:", checks[name].Detail);
        }
        Assert.Equal(CheckStatus.Warn, checks["MFA device"].Status);
        Assert.Contains("not verified: the caller may not call iam:ListMFADevices", checks["MFA device"].Detail);
        Assert.Equal(CheckStatus.Warn, checks["Alert topic"].Status);
        Assert.Contains("not verified: the caller may not call sns:GetTopicAttributes (AuthorizationError:", checks["Alert topic"].Detail);
    }

    [Fact]
    public async Task A_role_ARN_with_the_wrong_path_fails_naming_the_real_ARN()
    {
        var checks = await Run(Lab(emergency: $"arn:aws:iam::{Acct}:role/ops/BuzzKeyMgmtEmergency"));
        Assert.Equal(CheckStatus.Fail, checks["Emergency role"].Status);
        Assert.Contains($"the role named BuzzKeyMgmtEmergency is {server.EmergencyRoleArn}", checks["Emergency role"].Detail);
    }

    [Fact]
    public async Task An_existing_Admin_role_that_needs_MFA_fails_saying_Admin_is_assumed_without_MFA()
    {
        var checks = await Run(Lab(admin: server.EmergencyRoleArn));
        Assert.Equal(CheckStatus.Fail, checks["Admin role"].Status);
        Assert.Contains("requires MFA, and Admin is assumed without MFA", checks["Admin role"].Detail);
    }

    [Fact]
    public async Task A_role_in_another_account_is_not_verified_as_GetRole_reads_only_the_callers_account()
    {
        var checks = await Run(Lab(recovery: "arn:aws:iam::999988887777:role/BuzzKeyMgmtRecovery"));
        Assert.Equal(CheckStatus.Warn, checks["Recovery role"].Status);
        Assert.Contains("in account 999988887777", checks["Recovery role"].Detail);
        Assert.Equal(1, server.RequestCount("IAM.GetRole"));   // Emergency only
    }

    [Fact]
    public async Task Unset_settings_warn_naming_the_key_to_set_and_malformed_ones_fail_without_a_call()
    {
        var checks = await Run(Lab(admin: null, emergency: "not-an-arn", recovery: null, serial: null, topic: "key-alerts"));
        Assert.Equal(CheckStatus.Warn, checks["Admin role"].Status);
        Assert.Contains($"set environments.lab.roles.admin in {File}", checks["Admin role"].Detail);
        Assert.Equal(CheckStatus.Fail, checks["Emergency role"].Status);
        Assert.Contains("is not an IAM role ARN", checks["Emergency role"].Detail);
        Assert.Equal(CheckStatus.Warn, checks["MFA device"].Status);
        Assert.Contains("no mfaSerialNumber", checks["MFA device"].Detail);
        Assert.Equal(CheckStatus.Fail, checks["Alert topic"].Status);
        Assert.Contains("is not an SNS topic ARN", checks["Alert topic"].Detail);
        Assert.Equal(0, server.RequestCount("STS.AssumeRole") + server.RequestCount("IAM.GetRole") + server.RequestCount("SNS.GetTopicAttributes"));
    }

    [Fact]
    public async Task Without_working_credentials_each_check_warns_not_verified()
    {
        var checks = await AccessChecks.RunAsync(Lab(), null, null, CancellationToken.None);
        Assert.All(checks, c =>
        {
            Assert.Equal(CheckStatus.Warn, c.Status);
            Assert.Contains("not verified: no working credentials", c.Detail);
        });
    }

    [Fact]
    public async Task A_role_session_as_the_caller_cannot_list_MFA_devices_so_the_device_is_not_verified()
    {
        using var sts = new Amazon.SecurityToken.AmazonSecurityTokenServiceClient(new BasicAWSCredentials(server.User("operator").AccessKeyId,
            server.User("operator").SecretAccessKey), new Amazon.SecurityToken.AmazonSecurityTokenServiceConfig { ServiceURL = server.Endpoint, AuthenticationRegion = server.Region });
        var assumed = (await sts.AssumeRoleAsync(new Amazon.SecurityToken.Model.AssumeRoleRequest { RoleArn = server.AdminRoleArn, RoleSessionName = "ci" })).Credentials;

        var checks = await Run(Lab(credentials: new SessionAWSCredentials(assumed.AccessKeyId, assumed.SecretAccessKey, assumed.SessionToken)));

        Assert.Equal(CheckStatus.Warn, checks["MFA device"].Status);
        Assert.Contains("is a role session, not an IAM user", checks["MFA device"].Detail);
    }

    [Fact]
    public async Task IAM_out_of_reach_leaves_roles_and_device_not_verified_while_SNS_out_of_reach_fails_the_topic()
    {
        server.Faults.Add(FaultRule.WithProbability("IAM.*", FaultKind.DropConnection, 1.0));
        server.Faults.Add(FaultRule.WithProbability("SNS.GetTopicAttributes", FaultKind.DropConnection, 1.0));

        var checks = await Run(Lab());

        Assert.Equal(CheckStatus.Pass, checks["Admin role"].Status);   // STS still answers
        foreach (var name in new[] { "Emergency role", "Recovery role", "MFA device" })
        {
            Assert.Equal(CheckStatus.Warn, checks[name].Status);
            Assert.Contains("not verified", checks[name].Detail);
            Assert.Contains("could not be reached", checks[name].Detail);
        }
        Assert.Equal(CheckStatus.Fail, checks["Alert topic"].Status);
        Assert.Contains("Alerts would wait in the outbox", checks["Alert topic"].Detail);
    }

    public void Dispose() => server.Dispose();
}
