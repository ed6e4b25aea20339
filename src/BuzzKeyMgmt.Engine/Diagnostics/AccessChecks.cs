using System.Text.RegularExpressions;
using Amazon.Runtime;
using Amazon.SecurityToken.Model;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Aws;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Engine.Diagnostics;

/// <summary>
/// What the environment's caller can actually do with what the environment names, checked against AWS rather than read
/// from the file:
/// <list type="bullet">
/// <item>"Admin role": STS AssumeRole without MFA, as Connect-KeyManagement -Role Admin does (a 15-minute session, not
/// used further); refused → Fail, with iam:GetRole telling a missing role from an untrusting one where permitted.</item>
/// <item>"Emergency role", "Recovery role" (they need MFA, so they are not assumed): iam:GetRole → exists and its trust
/// policy trusts the caller (its ARN, its role, its account or "*"); Warn "not verified" when the caller may not read it.</item>
/// <item>"MFA device": iam:ListMFADevices (the caller's own) lists the configured serial.</item>
/// <item>"Alert topic": sns:GetTopicAttributes in the topic's Region.</item>
/// </list>
/// Each Fail names the fix: the key of the environments file to correct, or the policy to change. The calls run
/// concurrently, each with the <see cref="AwsQueryClient"/> timeout.
/// </summary>
internal static partial class AccessChecks
{
    public const string AdminRole = "Admin role";
    public const string EmergencyRole = "Emergency role";
    public const string RecoveryRole = "Recovery role";
    public const string MfaDevice = "MFA device";
    public const string AlertTopic = "Alert topic";

    /// <summary>The Admin check's session: the shortest STS allows.</summary>
    internal const int ProbeSessionSeconds = 900;

    [GeneratedRegex(@"^arn:(?<partition>aws|aws-cn|aws-us-gov):iam::(?<account>[0-9]{12}):role/(?:[\x21-\x7E]*/)?(?<name>[A-Za-z0-9_+=,.@-]{1,64})\z")]
    private static partial Regex RoleArnPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_+=/:,.@-]{9,256}\z")]
    private static partial Regex SerialPattern();

    public static async Task<IReadOnlyList<EnvironmentCheck>> RunAsync(KeyMgmtEnvironment environment, AWSCredentials? credentials,
        DiagnosticCaller? caller, CancellationToken cancellation)
    {
        var endpoints = environment.Endpoints;
        using var iam = credentials is null ? null : AwsQueryClient.ForIam(credentials, environment.Region, endpoints.Iam);
        var context = new Context(environment, credentials, caller, iam);
        var checks = await Task.WhenAll(
            AdminAsync(context, cancellation),
            MfaRoleAsync(context, KeyMgmtRole.Emergency, cancellation),
            MfaRoleAsync(context, KeyMgmtRole.Recovery, cancellation),
            MfaDeviceAsync(context, cancellation),
            AlertTopicAsync(context, cancellation)).ConfigureAwait(false);
        cancellation.ThrowIfCancellationRequested();
        return checks;
    }

    private sealed record Context(KeyMgmtEnvironment Environment, AWSCredentials? Credentials, DiagnosticCaller? Caller, AwsQueryClient? Iam)
    {
        /// <summary>"environments.NAME.KEY in FILE", or the sandbox's registration for environments of this session.</summary>
        public string Setting(string key) => Environment.Source == "session"
            ? $"environments.{Environment.Name}.{key} (registered by this session, e.g. Start-KeyMgmtSandbox)"
            : $"environments.{Environment.Name}.{key} in {Environment.Source}";
    }

    private static string CheckName(KeyMgmtRole role) => role switch
    {
        KeyMgmtRole.Admin => AdminRole,
        KeyMgmtRole.Emergency => EmergencyRole,
        _ => RecoveryRole,
    };

    private static string Key(KeyMgmtRole role) => "roles." + role.ToString().ToLowerInvariant();

    /// <summary>The configured role ARN parsed, or the check that says why there is nothing to verify.</summary>
    private static (Match? Arn, EnvironmentCheck? Check) Prepare(Context c, KeyMgmtRole role)
    {
        var name = CheckName(role);
        var arn = c.Environment.RoleArn(role);
        if (arn is null)
            return (null, EnvironmentCheck.Warn(name, $"no role ARN: Connect-KeyManagement -Role {role} cannot connect; set {c.Setting(Key(role))}"));
        var match = RoleArnPattern().Match(arn);
        if (!match.Success)
            return (null, EnvironmentCheck.Fail(name, $"'{arn}' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>): fix {c.Setting(Key(role))}"));
        if (c.Caller is null || c.Credentials is null)
            return (null, EnvironmentCheck.Warn(name, $"{arn} not verified: no working credentials to check it with (see the Credentials check)"));
        return (match, null);
    }

    private static async Task<EnvironmentCheck> AdminAsync(Context c, CancellationToken cancellation)
    {
        var (match, early) = Prepare(c, KeyMgmtRole.Admin);
        if (early is not null) return early;
        var arn = match!.Value;
        var @operator = OperatorName.FromArn(c.Caller!.Arn);
        var session = OperatorName.SessionName(@operator, "diagnostics", c.Environment.Clock.GetUtcNow());
        using var sts = AwsClients.Sts(c.Credentials!, c.Environment.Region, c.Environment.Endpoints.Sts, maxErrorRetry: 1);
        try
        {
            await sts.AssumeRoleAsync(new AssumeRoleRequest
            {
                RoleArn = arn, RoleSessionName = session, DurationSeconds = ProbeSessionSeconds, SourceIdentity = OperatorName.SourceIdentity(@operator),
            }, cancellation).ConfigureAwait(false);
            return EnvironmentCheck.Pass(AdminRole, $"{arn}: {c.Caller.Arn} assumed it without MFA (sts:AssumeRole, session '{session}', 15 minutes, not used further)");
        }
        catch (AmazonServiceException ex) when (ex.ErrorCode is "AccessDenied" or "AccessDeniedException")
        {
            return await AdminRefusedAsync(c, match, ex.Message, cancellation).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex) when (ex.StatusCode != 0 && ex.ErrorCode is not ("InvalidClientTokenId" or "SignatureDoesNotMatch" or "ExpiredToken"))
        {
            return EnvironmentCheck.Warn(AdminRole, $"{arn} not verified: STS answered {ex.ErrorCode}: {ex.Message}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return EnvironmentCheck.Fail(AdminRole, $"{arn}: " + AwsErrors.Translate(ex, "AssumeRole", environment: c.Environment.Name).Message);
        }
    }

    /// <summary>STS refused the Admin role: iam:GetRole (where permitted) tells a missing role from one that does not trust the caller.</summary>
    private static async Task<EnvironmentCheck> AdminRefusedAsync(Context c, Match arn, string refusal, CancellationToken cancellation)
    {
        var setting = c.Setting(Key(KeyMgmtRole.Admin));
        var trustFix = $"its trust policy must allow sts:AssumeRole and sts:SetSourceIdentity to {c.Caller!.Arn} (or arn:aws:iam::{c.Caller.Account}:root) without MFA";
        var role = arn.Groups["account"].Value == c.Caller.Account ? await c.Iam!.GetRoleAsync(arn.Groups["name"].Value, cancellation).ConfigureAwait(false) : null;
        if (role?.ErrorCode == "NoSuchEntity")
            return EnvironmentCheck.Fail(AdminRole, $"{arn.Value}: role does not exist in account {c.Caller.Account} (STS: AccessDenied; iam:GetRole: NoSuchEntity): fix {setting}");
        if (role?.Value is { } found)
        {
            if (!string.Equals(found.Arn, arn.Value, StringComparison.Ordinal))
                return EnvironmentCheck.Fail(AdminRole, $"{arn.Value}: STS refused it; the role's ARN is {found.Arn}: fix {setting}");
            var trust = TrustPolicy.Evaluate(found.AssumeRolePolicyDocument, c.Caller.Arn, c.Caller.Account);
            if (trust.Readable && (!trust.Allowed || trust.Denied))
                return EnvironmentCheck.Fail(AdminRole, $"{arn.Value}: STS refused AssumeRole ({refusal}); the role exists but its trust policy " +
                    (trust.Denied ? "denies" : "does not trust") + $" {c.Caller.Arn}: {trustFix}");
            if (trust.Readable && trust.RequiresMfa)
                return EnvironmentCheck.Fail(AdminRole, $"{arn.Value}: STS refused AssumeRole ({refusal}); its trust policy requires MFA, and Admin is assumed without MFA: " +
                    "drop the MFA condition from the Admin role's trust policy, or name a role meant for Admin in " + setting);
            return EnvironmentCheck.Fail(AdminRole, $"{arn.Value}: STS refused AssumeRole ({refusal}) although its trust policy names {trust.MatchedPrincipal ?? "the caller"}" +
                Conditions(trust) + $": the caller's IAM policy must allow sts:AssumeRole and sts:SetSourceIdentity on {arn.Value}");
        }
        return EnvironmentCheck.Fail(AdminRole, $"{arn.Value}: STS refused AssumeRole ({refusal}): check that {setting} names an existing role, " +
            $"that {trustFix}, and that the caller's IAM policy allows sts:AssumeRole on it" +
            (role is null ? "" : $" (iam:GetRole could not tell which: {role.Describe()})"));
    }

    private static async Task<EnvironmentCheck> MfaRoleAsync(Context c, KeyMgmtRole kind, CancellationToken cancellation)
    {
        var name = CheckName(kind);
        var (match, early) = Prepare(c, kind);
        if (early is not null) return early;
        var arn = match!.Value;
        var setting = c.Setting(Key(kind));
        var account = match.Groups["account"].Value;
        if (account != c.Caller!.Account)
            return EnvironmentCheck.Warn(name, $"{arn} not verified: the role is in account {account} and the caller ({c.Caller.Arn}) in {c.Caller.Account}; " +
                "iam:GetRole reads only the caller's own account (Connect-KeyManagement -Role " + kind + " will try it)");

        var role = await c.Iam!.GetRoleAsync(match.Groups["name"].Value, cancellation).ConfigureAwait(false);
        if (role.Value is { } found)
        {
            if (!string.Equals(found.Arn, arn, StringComparison.Ordinal))
                return EnvironmentCheck.Fail(name, $"{arn}: no such role; the role named {found.RoleName} is {found.Arn}: fix {setting}");
            var trust = TrustPolicy.Evaluate(found.AssumeRolePolicyDocument, c.Caller.Arn, c.Caller.Account);
            if (!trust.Readable)
                return EnvironmentCheck.Warn(name, $"{arn} exists; its trust policy not verified: {trust.Problem}");
            var fix = $"add {c.Caller.Arn} (or arn:aws:iam::{c.Caller.Account}:root) to the role's trust policy for sts:AssumeRole with MFA, or fix {setting}";
            if (trust.Denied)
                return EnvironmentCheck.Fail(name, $"{arn} exists, but its trust policy denies {c.Caller.Arn} sts:AssumeRole: {fix}");
            if (!trust.Allowed)
                return EnvironmentCheck.Fail(name, $"{arn} exists, but its trust policy does not trust {c.Caller.Arn} or account {c.Caller.Account}: {fix}");
            if (!trust.RequiresMfa)
                return EnvironmentCheck.Warn(name, $"{arn} exists and trusts {trust.MatchedPrincipal}{Conditions(trust)}, but its trust policy does not require MFA: " +
                    "add \"Condition\": {\"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"}} so it cannot be assumed without MFA");
            return EnvironmentCheck.Pass(name, $"{arn} exists (iam:GetRole); its trust policy lets {trust.MatchedPrincipal} assume it with MFA" + Conditions(trust));
        }
        if (role.ErrorCode == "NoSuchEntity")
            return EnvironmentCheck.Fail(name, $"{arn}: role does not exist in account {account} (iam:GetRole: NoSuchEntity): fix {setting}");
        if (role.IsAccessDenied)
            return EnvironmentCheck.Warn(name, $"{arn} not verified: the caller may not call iam:GetRole ({role.ErrorCode}: {role.ErrorMessage}); " +
                $"grant iam:GetRole on {arn} to check it here, or try it with Connect-KeyManagement -Role {kind}");
        return EnvironmentCheck.Warn(name, $"{arn} not verified: {IamTrouble(c, role.ErrorCode, role.ErrorMessage)}");
    }

    private static async Task<EnvironmentCheck> MfaDeviceAsync(Context c, CancellationToken cancellation)
    {
        var serial = c.Environment.MfaSerialNumber;
        var setting = c.Setting("mfaSerialNumber");
        if (serial is null)
            return EnvironmentCheck.Warn(MfaDevice, $"no mfaSerialNumber for '{c.Environment.Name}': Emergency and Recovery need one; set {setting} (or pass -MfaSerialNumber at Connect-KeyManagement)");
        if (!SerialPattern().IsMatch(serial))
            return EnvironmentCheck.Fail(MfaDevice, $"'{serial}' is not an MFA serial (a device ARN like arn:aws:iam::<account>:mfa/<name>, or a hardware serial): fix {setting}");
        if (c.Caller is null || c.Iam is null)
            return EnvironmentCheck.Warn(MfaDevice, $"{serial} not verified: no working credentials to check it with (see the Credentials check)");

        var devices = await c.Iam.ListMfaDevicesAsync(null, cancellation).ConfigureAwait(false);
        if (devices.Value is { } list)
        {
            if (list.Any(d => string.Equals(d.SerialNumber, serial, StringComparison.Ordinal)))
                return EnvironmentCheck.Pass(MfaDevice, $"{serial} is one of {c.Caller.Arn}'s MFA devices (iam:ListMFADevices)");
            var yours = list.Count == 0 ? $"{c.Caller.Arn} has no MFA device: assign one in IAM, then set {setting} to its serial"
                : $"yours: {string.Join(", ", list.Select(d => d.SerialNumber))}; set {setting} to one of them";
            return EnvironmentCheck.Fail(MfaDevice, $"{serial} is not one of {c.Caller.Arn}'s MFA devices, so STS will refuse its codes: {yours}");
        }
        if (devices.ErrorCode == "ValidationError" && c.Caller.Arn.Contains(":assumed-role/", StringComparison.Ordinal))
            return EnvironmentCheck.Warn(MfaDevice, $"{serial} not verified: the caller {c.Caller.Arn} is a role session, not an IAM user, and IAM lists MFA devices per user ({devices.ErrorMessage})");
        if (devices.IsAccessDenied)
            return EnvironmentCheck.Warn(MfaDevice, $"{serial} not verified: the caller may not call iam:ListMFADevices ({devices.ErrorCode}: {devices.ErrorMessage}); " +
                "grant iam:ListMFADevices on your own user to check it here");
        return EnvironmentCheck.Warn(MfaDevice, $"{serial} not verified: {IamTrouble(c, devices.ErrorCode, devices.ErrorMessage)}");
    }

    private static async Task<EnvironmentCheck> AlertTopicAsync(Context c, CancellationToken cancellation)
    {
        var topic = c.Environment.AlertTopicArn;
        var setting = c.Setting("alertTopicArn");
        if (topic is null)
            return EnvironmentCheck.Warn(AlertTopic, $"no alertTopicArn for '{c.Environment.Name}': revocations and recoveries are not alerted; set {setting}");
        var region = AlertSender.TopicRegion(topic);
        if (region is null || topic.Split(':') is not [_, _, _, _, var owner, _] || owner.Length != 12)
            return EnvironmentCheck.Fail(AlertTopic, $"'{topic}' is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>): fix {setting}");
        if (c.Caller is null || c.Credentials is null)
            return EnvironmentCheck.Warn(AlertTopic, $"{topic} not verified: no working credentials to check it with (see the Credentials check)");

        using var sns = AwsQueryClient.ForSns(c.Credentials, region, c.Environment.Endpoints.Sns);
        var attributes = await sns.GetTopicAttributesAsync(topic, cancellation).ConfigureAwait(false);
        if (attributes.Value is { } map)
        {
            var topicOwner = map.GetValueOrDefault("Owner") ?? owner;
            var subscriptions = $"{map.GetValueOrDefault("SubscriptionsConfirmed") ?? "?"} confirmed and {map.GetValueOrDefault("SubscriptionsPending") ?? "?"} pending subscription(s)";
            if (topicOwner != c.Caller.Account)
                return EnvironmentCheck.Warn(AlertTopic, $"{topic} exists ({subscriptions}), owned by account {topicOwner}; the caller is in {c.Caller.Account}: " +
                    "publishing across accounts needs the topic's access policy to allow sns:Publish to your account (not evaluated here)");
            return EnvironmentCheck.Pass(AlertTopic, $"{topic} exists in {region}, owner {topicOwner}, {subscriptions}; {c.Caller.Arn} may read it (sns:GetTopicAttributes)");
        }
        if (attributes.ErrorCode == "NotFound")
            return EnvironmentCheck.Fail(AlertTopic, $"{topic}: topic does not exist in {region} (sns:GetTopicAttributes: {attributes.ErrorMessage}): fix {setting}, or create the topic");
        if (attributes.IsAccessDenied)
            return EnvironmentCheck.Warn(AlertTopic, $"{topic} not verified: the caller may not call sns:GetTopicAttributes ({attributes.ErrorCode}: {attributes.ErrorMessage}); " +
                $"grant sns:GetTopicAttributes on {topic} to check it here (alerts need sns:Publish on it)");
        if (attributes.ErrorCode is AwsQueryClient.NetworkError or AwsQueryClient.TimeoutError)
            return EnvironmentCheck.Fail(AlertTopic, $"{topic}: {attributes.ErrorMessage} Alerts would wait in the outbox until SNS can be reached: check the network path to SNS in {region}");
        return EnvironmentCheck.Warn(AlertTopic, $"{topic} not verified: SNS answered {attributes.ErrorCode}: {attributes.ErrorMessage}");
    }

    private static string IamTrouble(Context c, string? code, string? message) => code switch
    {
        AwsQueryClient.NetworkError or AwsQueryClient.TimeoutError =>
            $"{message} (IAM is global, at {c.Iam!.Endpoint}; the module's operations do not need it)",
        _ => $"IAM answered {code}: {message}",
    };

    private static string Conditions(TrustVerdict trust) =>
        trust.OtherConditions.Count == 0 ? "" : $" (conditions not evaluated here: {string.Join(", ", trust.OtherConditions)})";
}
