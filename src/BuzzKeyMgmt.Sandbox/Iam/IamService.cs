using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using BuzzKeyMgmt.Sandbox.Http;
using BuzzKeyMgmt.Sandbox.Identity;
using BuzzKeyMgmt.Sandbox.Protocols;

namespace BuzzKeyMgmt.Sandbox.Iam;

/// <summary>
/// The emulated IAM (awsQuery 2010-05-08), read-only over the sandbox's own identities: GetRole and ListMFADevices. IAM is
/// a global service: requests are signed for us-east-1 (<see cref="SigningRegion"/>) whatever Region the sandbox serves,
/// and answered on the sandbox's one URL. Permissions as <see cref="IamPermissions"/> describes them; authorization is
/// decided before existence, as AWS does (a caller without permission learns nothing about what exists).
/// </summary>
internal sealed partial class IamService
{
    public const string Namespace = "https://iam.amazonaws.com/doc/2010-05-08/";
    public const string Version = "2010-05-08";
    /// <summary>The Region every IAM request is signed for (IAM's endpoint in the aws partition is us-east-1).</summary>
    public const string SigningRegion = "us-east-1";
    public static readonly IReadOnlySet<string> Actions = new HashSet<string>(StringComparer.Ordinal) { "GetRole", "ListMFADevices" };

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    private readonly IdentityStore _identities;
    private readonly DateTimeOffset _created;

    [GeneratedRegex(@"^[\w+=,.@-]+$")] private static partial Regex NamePattern();

    public IamService(IdentityStore identities, TimeProvider clock)
    {
        _identities = identities;
        Clock = clock;
        var now = clock.GetUtcNow();
        _created = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
    }

    /// <summary>The sandbox clock (session expiry for the IAM route's signature checks).</summary>
    public TimeProvider Clock { get; }

    public HttpResponseData Handle(string action, FormParameters p, CallerIdentity caller, string requestId) => action switch
    {
        "GetRole" => GetRole(p, caller, requestId),
        "ListMFADevices" => ListMfaDevices(p, caller, requestId),
        _ => QueryProtocol.Error(new AwsError("InvalidAction", $"Could not find operation {action} for version {Version}", 400), requestId),
    };

    private HttpResponseData GetRole(FormParameters p, CallerIdentity caller, string requestId)
    {
        var name = p["RoleName"];
        if (Invalid("roleName", name, required: true, 1, 64) is { } invalid) return QueryProtocol.Error(invalid, requestId);
        if (!IamPermissions.MayGetRole(caller))
            return QueryProtocol.Error(IamPermissions.Denied(caller, "GetRole", $"role {name}"), requestId);
        var role = _identities.RoleByName(name!);
        if (role is null)
            return QueryProtocol.Error(new AwsError("NoSuchEntity", $"The role with name {name} cannot be found.", 404), requestId);

        var sb = new StringBuilder(1024).Append("<Role>")
            .Element("Path", "/").Element("RoleName", role.Name).Element("RoleId", role.RoleId).Element("Arn", role.Arn)
            .Element("CreateDate", _created.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture))
            .Element("AssumeRolePolicyDocument", Uri.EscapeDataString(TrustPolicy(role)))
            .Element("MaxSessionDuration", role.MaxSessionSeconds.ToString(CultureInfo.InvariantCulture))
            .Append("<RoleLastUsed/>")
            .Append("</Role>");
        return QueryProtocol.Success("GetRole", Namespace, sb.ToString(), requestId);
    }

    private HttpResponseData ListMfaDevices(FormParameters p, CallerIdentity caller, string requestId)
    {
        var userName = p["UserName"];
        if (Invalid("userName", userName, required: false, 1, 128) is { } invalid) return QueryProtocol.Error(invalid, requestId);
        if (p["MaxItems"] is { } max && (!int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > 1000))
            return QueryProtocol.Error(new AwsError("ValidationError",
                $"1 validation error detected: Value '{max}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", 400), requestId);

        // Without a user name IAM lists the devices of the user that signed the request; a role session is not a user.
        if (userName is null && caller.Kind == CallerKind.AssumedRole)
            return QueryProtocol.Error(new AwsError("ValidationError", "Must specify userName when calling with non-User credentials", 400), requestId);
        var target = userName ?? caller.Principal!.Name;
        if (!IamPermissions.MayListMfaDevices(caller, target))
            return QueryProtocol.Error(IamPermissions.Denied(caller, "ListMFADevices", $"user {target}"), requestId);

        SandboxPrincipal? owner = userName is null ? caller.Principal : _identities.Users.FirstOrDefault(u => u.Name == userName);
        if (owner is null)
            return QueryProtocol.Error(new AwsError("NoSuchEntity", $"The user with name {userName} cannot be found.", 404), requestId);

        // Each sandbox principal has exactly one virtual device; one page always holds it.
        var sb = new StringBuilder(512).Append("<MFADevices><member>")
            .Element("UserName", owner.Name).Element("SerialNumber", owner.MfaSerial)
            .Element("EnableDate", _created.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture))
            .Append("</member></MFADevices>").Element("IsTruncated", "false");
        return QueryProtocol.Success("ListMFADevices", Namespace, sb.ToString(), requestId);
    }

    /// <summary>
    /// The role's trust policy: the account (arn:aws:iam::ACCT:root) may assume it and set a source identity; the
    /// Emergency and Recovery roles only with MFA (aws:MultiFactorAuthPresent), as the sandbox's STS enforces.
    /// </summary>
    internal string TrustPolicy(SandboxRole role)
    {
        var condition = role.RequiresMfa ? ",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}" : "";
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"," +
               $"\"Principal\":{{\"AWS\":\"arn:aws:iam::{_identities.AccountId}:root\"}}," +
               "\"Action\":[\"sts:AssumeRole\",\"sts:SetSourceIdentity\"]" + condition + "}]}";
    }

    /// <summary>IAM's model validation, worded as IAM words it ("1 validation error detected: …").</summary>
    private static AwsError? Invalid(string member, string? value, bool required, int min, int max)
    {
        if (value is null)
            return required ? Validation($"Value null at '{member}' failed to satisfy constraint: Member must not be null") : null;
        if (value.Length < min || value.Length > max)
            return Validation($"Value '{value}' at '{member}' failed to satisfy constraint: Member must have length " +
                              (value.Length < min ? $"greater than or equal to {min}" : $"less than or equal to {max}"));
        if (!NamePattern().IsMatch(value))
            return Validation($"Value '{value}' at '{member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");
        return null;
    }

    private static AwsError Validation(string problem) => new("ValidationError", "1 validation error detected: " + problem, 400);
}
