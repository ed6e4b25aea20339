using System.Globalization;
using System.Text.Json;
using BuzzKeyMgmt.Sandbox.Realism;
using BuzzKeyMgmt.Sandbox.Tests.Infrastructure;

namespace BuzzKeyMgmt.Sandbox.Tests.Iam;

/// <summary>
/// The sandbox's IAM (awsQuery 2010-05-08, signed for us-east-1 with AWSSDK.Core's SigV4 primitives, as the module's engine
/// signs; there is no AWSSDK.IdentityManagement here): GetRole and ListMFADevices in AWS's shapes, errors in AWS's
/// ErrorResponse shape, permissions per sandbox user.
/// </summary>
public sealed class IamReadTests(SandboxFixture f) : IClassFixture<SandboxFixture>, IDisposable
{
    private const string IamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/";
    private readonly RawAws raw = new(f.Server);

    private TestSigner.Credentials User(string name) => new(f.Server.User(name).AccessKeyId, f.Server.User(name).SecretAccessKey);

    private Task<RawAws.Answer> Iam(TestSigner.Credentials creds, params (string, string)[] parameters) =>
        raw.SdkQueryAsync("iam", "us-east-1", RawAws.Params([("Version", "2010-05-08"), .. parameters]), creds);

    private static void AssertError(RawAws.Answer a, int status, string code, string message)
    {
        Assert.Equal(status, a.Status);
        Assert.Equal("ErrorResponse", a.Xml.Name.LocalName);
        var error = Assert.Single(a.Xml.Elements(), e => e.Name.LocalName == "Error");
        Assert.Equal(["Type", "Code", "Message"], error.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(status >= 500 ? "Receiver" : "Sender", error.Elements().First().Value);
        Assert.Equal(code, a.QueryErrorCode);
        Assert.Equal(message, a.QueryErrorMessage);
        Assert.False(string.IsNullOrEmpty(a.Xml.Elements().Single(e => e.Name.LocalName == "RequestId").Value));
    }

    [Fact]
    public async Task GetRole_returns_the_role_with_its_url_encoded_trust_policy_requiring_MFA_for_Emergency()
    {
        var a = await Iam(raw.Root, ("Action", "GetRole"), ("RoleName", "BuzzKeyMgmtEmergency"));

        Assert.Equal(200, a.Status);
        Assert.Equal("text/xml", a.ContentType);
        Assert.Equal("GetRoleResponse", a.Xml.Name.LocalName);
        Assert.Equal(IamNamespace, a.Xml.Name.NamespaceName);
        var role = a.Xml.Descendants().Single(e => e.Name.LocalName == "Role");
        Assert.Equal(["Path", "RoleName", "RoleId", "Arn", "CreateDate", "AssumeRolePolicyDocument", "MaxSessionDuration", "RoleLastUsed"],
            role.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("/", a.Value("Path"));
        Assert.Equal("BuzzKeyMgmtEmergency", a.Value("RoleName"));
        Assert.Equal(f.Server.EmergencyRoleArn, a.Value("Arn"));
        Assert.StartsWith("AROA", a.Value("RoleId"));
        Assert.Equal("3600", a.Value("MaxSessionDuration"));
        Assert.True(DateTimeOffset.TryParseExact(a.Value("CreateDate"), "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out _));

        var encoded = a.Value("AssumeRolePolicyDocument")!;
        Assert.DoesNotContain("{", encoded);   // URL-encoded (RFC 3986), as IAM sends policies
        using var policy = JsonDocument.Parse(Uri.UnescapeDataString(encoded));
        var statement = policy.RootElement.GetProperty("Statement")[0];
        Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
        Assert.Equal($"arn:aws:iam::{f.Server.AccountId}:root", statement.GetProperty("Principal").GetProperty("AWS").GetString());
        Assert.Contains("sts:AssumeRole", statement.GetProperty("Action").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("true", statement.GetProperty("Condition").GetProperty("Bool").GetProperty("aws:MultiFactorAuthPresent").GetString());
    }

    [Fact]
    public async Task GetRole_Admin_trusts_the_account_without_an_MFA_condition_and_operator_may_read_it()
    {
        var a = await Iam(User("operator"), ("Action", "GetRole"), ("RoleName", "BuzzKeyMgmtAdmin"));

        Assert.Equal(200, a.Status);
        Assert.Equal(f.Server.AdminRoleArn, a.Value("Arn"));
        using var policy = JsonDocument.Parse(Uri.UnescapeDataString(a.Value("AssumeRolePolicyDocument")!));
        Assert.False(policy.RootElement.GetProperty("Statement")[0].TryGetProperty("Condition", out _));
    }

    [Fact]
    public async Task GetRole_of_an_unknown_role_is_NoSuchEntity_404()
    {
        var a = await Iam(raw.Root, ("Action", "GetRole"), ("RoleName", "BuzzKeyMgmtNope"));
        AssertError(a, 404, "NoSuchEntity", "The role with name BuzzKeyMgmtNope cannot be found.");
    }

    [Fact]
    public async Task GetRole_by_trainee_is_AccessDenied_403_before_existence_is_revealed()
    {
        var trainee = f.Server.User("trainee");
        foreach (var name in new[] { "BuzzKeyMgmtAdmin", "BuzzKeyMgmtNope" })
        {
            var a = await Iam(User("trainee"), ("Action", "GetRole"), ("RoleName", name));
            AssertError(a, 403, "AccessDenied",
                $"User: {trainee.Arn} is not authorized to perform: iam:GetRole on resource: role {name} because no identity-based policy allows the iam:GetRole action");
        }
    }

    [Fact]
    public async Task GetRole_from_a_role_session_is_AccessDenied()
    {
        var (session, response) = await f.AssumeAsync(f.Server.AdminRoleArn, withMfa: false);
        var c = session.GetCredentials();
        var a = await Iam(new TestSigner.Credentials(c.AccessKey, c.SecretKey, c.Token), ("Action", "GetRole"), ("RoleName", "BuzzKeyMgmtAdmin"));
        Assert.Equal(403, a.Status);
        Assert.Equal("AccessDenied", a.QueryErrorCode);
        Assert.StartsWith($"User: {response.AssumedRoleUser.Arn} is not authorized", a.QueryErrorMessage);
    }

    [Theory]
    [InlineData(null, "1 validation error detected: Value null at 'roleName' failed to satisfy constraint: Member must not be null")]
    [InlineData("bad name", "1 validation error detected: Value 'bad name' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+")]
    public async Task GetRole_with_a_missing_or_malformed_name_is_ValidationError(string? name, string message)
    {
        var a = name is null ? await Iam(raw.Root, ("Action", "GetRole")) : await Iam(raw.Root, ("Action", "GetRole"), ("RoleName", name));
        AssertError(a, 400, "ValidationError", message);
    }

    [Fact]
    public async Task ListMFADevices_without_UserName_lists_the_callers_own_device()
    {
        var op = f.Server.User("operator");
        var a = await Iam(User("operator"), ("Action", "ListMFADevices"));

        Assert.Equal(200, a.Status);
        Assert.Equal("ListMFADevicesResponse", a.Xml.Name.LocalName);
        Assert.Equal(IamNamespace, a.Xml.Name.NamespaceName);
        var member = Assert.Single(a.Xml.Descendants().Single(e => e.Name.LocalName == "MFADevices").Elements());
        Assert.Equal("member", member.Name.LocalName);
        Assert.Equal(["UserName", "SerialNumber", "EnableDate"], member.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("operator", a.Value("UserName"));
        Assert.Equal(op.MfaSerial, a.Value("SerialNumber"));
        Assert.Equal("false", a.Value("IsTruncated"));
    }

    [Fact]
    public async Task ListMFADevices_for_another_user_is_AccessDenied_for_users_and_allowed_for_root()
    {
        var op = f.Server.User("operator");
        var denied = await Iam(User("operator"), ("Action", "ListMFADevices"), ("UserName", "approver1"));
        AssertError(denied, 403, "AccessDenied",
            $"User: {op.Arn} is not authorized to perform: iam:ListMFADevices on resource: user approver1 because no identity-based policy allows the iam:ListMFADevices action");

        var byRoot = await Iam(raw.Root, ("Action", "ListMFADevices"), ("UserName", "approver1"));
        Assert.Equal(200, byRoot.Status);
        Assert.Equal(f.Server.User("approver1").MfaSerial, byRoot.Value("SerialNumber"));

        var own = await Iam(raw.Root, ("Action", "ListMFADevices"));
        Assert.Equal(f.Server.MfaSerial, own.Value("SerialNumber"));
    }

    [Fact]
    public async Task ListMFADevices_for_an_unknown_user_is_NoSuchEntity_for_root()
    {
        var a = await Iam(raw.Root, ("Action", "ListMFADevices"), ("UserName", "nobody"));
        AssertError(a, 404, "NoSuchEntity", "The user with name nobody cannot be found.");
    }

    [Fact]
    public async Task ListMFADevices_by_trainee_is_AccessDenied_even_for_itself()
    {
        var a = await Iam(User("trainee"), ("Action", "ListMFADevices"));
        Assert.Equal(403, a.Status);
        Assert.Equal("AccessDenied", a.QueryErrorCode);
        Assert.Contains("iam:ListMFADevices on resource: user trainee", a.QueryErrorMessage);
    }

    [Fact]
    public async Task ListMFADevices_from_a_role_session_without_UserName_is_ValidationError()
    {
        var (session, _) = await f.AssumeAsync(f.Server.AdminRoleArn, withMfa: false);
        var c = session.GetCredentials();
        var a = await Iam(new TestSigner.Credentials(c.AccessKey, c.SecretKey, c.Token), ("Action", "ListMFADevices"));
        AssertError(a, 400, "ValidationError", "Must specify userName when calling with non-User credentials");
    }

    [Fact]
    public async Task An_unknown_IAM_action_or_version_is_InvalidAction()
    {
        var a = await Iam(raw.Root, ("Action", "CreateRole"), ("RoleName", "x"));
        AssertError(a, 400, "InvalidAction", "Could not find operation CreateRole for version 2010-05-08");
        var b = await raw.SdkQueryAsync("iam", "us-east-1", RawAws.Params(("Action", "GetRole"), ("Version", "2011-06-15"), ("RoleName", "x")), raw.Root);
        Assert.Equal("InvalidAction", b.QueryErrorCode);
    }

    [Fact]
    public async Task The_independent_test_signer_agrees_with_the_SDKs_for_IAM()
    {
        var a = await raw.QueryAsync("iam", RawAws.Params(("Action", "GetRole"), ("Version", "2010-05-08"), ("RoleName", "BuzzKeyMgmtRecovery")),
            signingRegion: "us-east-1");
        Assert.Equal(200, a.Status);
        Assert.Equal(f.Server.RecoveryRoleArn, a.Value("Arn"));
    }

    public void Dispose() => raw.Dispose();
}

/// <summary>IAM is global: whatever Region the sandbox serves, IAM requests are signed for us-east-1, and only those.</summary>
public sealed class IamSigningRegionTests : IDisposable
{
    private readonly SandboxServer server = SandboxServer.Start(new SandboxOptions { Region = "eu-west-2", EnforceQuotas = false });
    private readonly RawAws raw;

    public IamSigningRegionTests() => raw = new RawAws(server);

    [Fact]
    public async Task A_sandbox_in_eu_west_2_answers_IAM_signed_for_us_east_1_and_refuses_IAM_signed_for_its_own_Region()
    {
        var parameters = RawAws.Params(("Action", "GetRole"), ("Version", "2010-05-08"), ("RoleName", "BuzzKeyMgmtAdmin"));
        var global = await raw.SdkQueryAsync("iam", "us-east-1", parameters, raw.Root);
        Assert.Equal(200, global.Status);
        Assert.Equal(server.AdminRoleArn, global.Value("Arn"));

        var regional = await raw.SdkQueryAsync("iam", "eu-west-2", parameters, raw.Root);
        Assert.Equal(403, regional.Status);
        Assert.Equal("SignatureDoesNotMatch", regional.QueryErrorCode);
        Assert.Equal("Credential should be scoped to a valid region, not 'eu-west-2'. ", regional.QueryErrorMessage);
        Assert.Equal(1, server.RequestCount("IAM.GetRole"));   // the refused one was never routed
    }

    public void Dispose()
    {
        raw.Dispose();
        server.Dispose();
    }
}

/// <summary>IAM requests are counted and hit by fault rules like the other services ("IAM.GetRole", "IAM.*").</summary>
public sealed class IamCountAndFaultTests : IDisposable
{
    private readonly SandboxFixture f = new();
    private readonly RawAws raw;

    public IamCountAndFaultTests() => raw = new RawAws(f.Server);

    private Task<RawAws.Answer> GetRole(string name = "BuzzKeyMgmtAdmin") =>
        raw.SdkQueryAsync("iam", "us-east-1", RawAws.Params(("Action", "GetRole"), ("Version", "2010-05-08"), ("RoleName", name)), raw.Root);

    [Fact]
    public async Task GetRole_and_ListMFADevices_are_counted_refused_ones_included()
    {
        Assert.Equal(0, f.Server.RequestCount("IAM.GetRole"));
        await GetRole();
        await GetRole("BuzzKeyMgmtNope");   // NoSuchEntity: still counted
        await raw.SdkQueryAsync("iam", "us-east-1", RawAws.Params(("Action", "ListMFADevices"), ("Version", "2010-05-08")), raw.Root);

        Assert.Equal(2, f.Server.RequestCount("IAM.GetRole"));
        Assert.Equal(1, f.Server.RequestCount("iam.ListMFADevices"));
        Assert.Equal(new Dictionary<string, long> { ["IAM.GetRole"] = 2, ["IAM.ListMFADevices"] = 1 }, f.Server.RequestCounts());
        Assert.Throws<ArgumentException>(() => f.Server.RequestCount("IAM.CreateRole"));
    }

    [Theory]
    [InlineData(FaultKind.Throttling, 400, "Throttling")]
    [InlineData(FaultKind.InternalError, 500, "ServiceFailure")]
    [InlineData(FaultKind.DependencyTimeout, 503, "ServiceUnavailable")]
    public async Task Injected_faults_answer_with_IAMs_codes_then_the_next_call_succeeds(FaultKind kind, int status, string code)
    {
        var rule = f.Server.Faults.Add(FaultRule.Times("IAM.GetRole", kind, 1));
        var failed = await GetRole();
        Assert.Equal(status, failed.Status);
        Assert.Equal(code, failed.QueryErrorCode);
        Assert.Equal(1, rule.Applied);
        Assert.Equal(200, (await GetRole()).Status);
    }

    public void Dispose()
    {
        raw.Dispose();
        f.Dispose();
    }
}
