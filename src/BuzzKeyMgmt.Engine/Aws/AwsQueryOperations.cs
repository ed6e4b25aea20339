using System.Globalization;
using System.Xml.Linq;

namespace BuzzKeyMgmt.Engine.Aws;

/// <summary>An IAM role as iam:GetRole returns it; <see cref="AssumeRolePolicyDocument"/> is the trust policy's JSON,
/// already URL-decoded (IAM sends it URL-encoded).</summary>
public sealed record IamRole(string RoleName, string Arn, string RoleId, string Path, DateTimeOffset? CreateDate,
    string? AssumeRolePolicyDocument, int? MaxSessionDuration);

/// <summary>An MFA device as iam:ListMFADevices returns it: a virtual device's SerialNumber is its ARN.</summary>
public sealed record MfaDevice(string UserName, string SerialNumber, DateTimeOffset? EnableDate);

/// <summary>A typed awsQuery read: the value, or AWS's (or a local) error code, message and HTTP status, as in
/// <see cref="AwsQueryResponse"/>.</summary>
public sealed record AwsQueryOutcome<T>(T? Value, string? ErrorCode, string? ErrorMessage, int? StatusCode) where T : class
{
    public bool Succeeded => Value is not null;
    public bool IsAccessDenied => ErrorCode is "AccessDenied" or "AuthorizationError" or "AccessDeniedException";
    public string Describe() => Succeeded ? "succeeded" : $"{ErrorCode}: {ErrorMessage}";

    internal static AwsQueryOutcome<T> From(AwsQueryResponse failed) => new(null, failed.ErrorCode, failed.ErrorMessage, failed.StatusCode);
    internal static AwsQueryOutcome<T> Unreadable(string message, int? status) => new(null, AwsQueryClient.UnreadableResponse, message, status);
}

/// <summary>The typed reads made through <see cref="AwsQueryClient"/>: iam:GetRole, iam:ListMFADevices (every page) and
/// sns:GetTopicAttributes. None throws for AWS or network errors.</summary>
public static class AwsQueryOperations
{
    private const int MaxPages = 20;

    public static async Task<AwsQueryOutcome<IamRole>> GetRoleAsync(this AwsQueryClient iam, string roleName, CancellationToken cancellationToken = default)
    {
        Require(iam, "iam");
        ArgumentException.ThrowIfNullOrWhiteSpace(roleName);
        var response = await iam.CallAsync("GetRole", [new("RoleName", roleName)], cancellationToken).ConfigureAwait(false);
        if (!response.Succeeded) return AwsQueryOutcome<IamRole>.From(response);
        var role = Child(response.Result!, "Role");
        string? Text(string name) => role is null ? null : Child(role, name)?.Value;
        if (role is null || Text("Arn") is not { Length: > 0 } arn || Text("RoleName") is not { Length: > 0 } name)
            return AwsQueryOutcome<IamRole>.Unreadable("GetRole answered without a role ARN and name.", response.StatusCode);
        var policy = Text("AssumeRolePolicyDocument");
        return new(new IamRole(name, arn, Text("RoleId") ?? "", Text("Path") ?? "/", Date(Text("CreateDate")),
                string.IsNullOrEmpty(policy) ? null : Uri.UnescapeDataString(policy.Trim()),
                int.TryParse(Text("MaxSessionDuration"), NumberStyles.None, CultureInfo.InvariantCulture, out var max) ? max : null),
            null, null, response.StatusCode);
    }

    /// <summary>The MFA devices of <paramref name="userName"/>, or of the signing IAM user when null (a role session
    /// gets AWS's ValidationError: it is not a user). Follows Marker pages.</summary>
    public static async Task<AwsQueryOutcome<IReadOnlyList<MfaDevice>>> ListMfaDevicesAsync(this AwsQueryClient iam, string? userName = null,
        CancellationToken cancellationToken = default)
    {
        Require(iam, "iam");
        var devices = new List<MfaDevice>();
        string? marker = null;
        int? status = null;
        for (int page = 0; page < MaxPages; page++)
        {
            var parameters = new List<KeyValuePair<string, string>>();
            if (userName is not null) parameters.Add(new("UserName", userName));
            if (marker is not null) parameters.Add(new("Marker", marker));
            var response = await iam.CallAsync("ListMFADevices", parameters, cancellationToken).ConfigureAwait(false);
            if (!response.Succeeded) return AwsQueryOutcome<IReadOnlyList<MfaDevice>>.From(response);
            status = response.StatusCode;
            var list = Child(response.Result!, "MFADevices");
            if (list is null) return AwsQueryOutcome<IReadOnlyList<MfaDevice>>.Unreadable("ListMFADevices answered without MFADevices.", status);
            foreach (var member in list.Elements().Where(e => e.Name.LocalName == "member"))
            {
                var serial = Child(member, "SerialNumber")?.Value;
                if (string.IsNullOrEmpty(serial)) continue;
                devices.Add(new MfaDevice(Child(member, "UserName")?.Value ?? "", serial, Date(Child(member, "EnableDate")?.Value)));
            }
            var truncated = string.Equals(Child(response.Result!, "IsTruncated")?.Value, "true", StringComparison.OrdinalIgnoreCase);
            marker = Child(response.Result!, "Marker")?.Value;
            if (!truncated || string.IsNullOrEmpty(marker)) break;
        }
        return new(devices, null, null, status);
    }

    /// <summary>The topic's attributes (TopicArn, Owner, Policy, DisplayName, Subscriptions*, EffectiveDeliveryPolicy …).</summary>
    public static async Task<AwsQueryOutcome<IReadOnlyDictionary<string, string>>> GetTopicAttributesAsync(this AwsQueryClient sns, string topicArn,
        CancellationToken cancellationToken = default)
    {
        Require(sns, "sns");
        ArgumentException.ThrowIfNullOrWhiteSpace(topicArn);
        var response = await sns.CallAsync("GetTopicAttributes", [new("TopicArn", topicArn)], cancellationToken).ConfigureAwait(false);
        if (!response.Succeeded) return AwsQueryOutcome<IReadOnlyDictionary<string, string>>.From(response);
        var attributes = Child(response.Result!, "Attributes");
        if (attributes is null)
            return AwsQueryOutcome<IReadOnlyDictionary<string, string>>.Unreadable("GetTopicAttributes answered without Attributes.", response.StatusCode);
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in attributes.Elements().Where(e => e.Name.LocalName == "entry"))
            if (Child(entry, "key")?.Value is { Length: > 0 } key) map[key] = Child(entry, "value")?.Value ?? "";
        return new(map, null, null, response.StatusCode);
    }

    private static void Require(AwsQueryClient client, string service)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (client.Service != service)
            throw new ArgumentException($"This read needs a '{service}' client; this one signs for '{client.Service}'.", nameof(client));
    }

    private static XElement? Child(XElement parent, string name) => parent.Elements().FirstOrDefault(e => e.Name.LocalName == name);

    private static DateTimeOffset? Date(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d) ? d : null;
}
