using System.Text.Json;
using BuzzKeyMgmt.Sandbox.Identity;
using BuzzKeyMgmt.Sandbox.Protocols;

namespace BuzzKeyMgmt.Sandbox.Routing;

/// <summary>
/// Which KMS actions each caller may perform: root everything; IAM users read only ("trainee": nothing); Admin read + rotation, create,
/// aliases, tags, and on drill keys (tagged Purpose=drill) Encrypt, Decrypt, GenerateDataKey and ScheduleKeyDeletion; Emergency read + DisableKey, ScheduleKeyDeletion; Recovery read + EnableKey, CancelKeyDeletion,
/// Encrypt, Decrypt, GenerateDataKey. Reads include GetPublicKey, Verify and VerifyMac (checking an audit digest changes
/// nothing). Sign and GenerateMac are allowed to the identities that write audit rows (the three roles, and the IAM
/// users other than "trainee", who request and approve recoveries as themselves) on a key tagged
/// BuzzKeyMgmtPurpose=audit-digest only (an aws:ResourceTag condition): they may sign the audit chain's digests, and
/// nothing else; whoever holds only the audit database cannot. Everything else is AccessDeniedException (400) worded as
/// IAM words it.
/// </summary>
internal static class KmsPermissions
{
    public static readonly IReadOnlySet<string> Read = Set("DescribeKey", "ListKeys", "ListAliases", "GetKeyRotationStatus", "ListKeyRotations", "ListResourceTags",
        "GetPublicKey", "Verify", "VerifyMac");

    /// <summary>Allowed to the identities that write audit rows, on the audit digest key only.</summary>
    private static readonly IReadOnlySet<string> DigestSigning = Set("Sign", "GenerateMac");

    /// <summary>Operations whose quota bucket depends on the key's spec (asymmetric cryptography).</summary>
    public static bool KeyDependent(string operation) => operation is "Sign" or "Verify";
    private static readonly IReadOnlySet<string> Admin = Set("EnableKeyRotation", "DisableKeyRotation", "RotateKeyOnDemand", "CreateKey",
        "CreateAlias", "DeleteAlias", "TagResource", "UntagResource");
    /// <summary>What Admin may also do, on a drill key only (tagged Purpose=drill: an aws:ResourceTag condition, as the
    /// drill's IAM statement in runbooks/quarterly-drill.md writes it): encrypt and decrypt the drill's probe, and retire
    /// the key when the drill ends. Revoking and restoring it still take the Emergency and Recovery roles.</summary>
    private static readonly IReadOnlySet<string> DrillKeyUse = Set("Encrypt", "Decrypt", "GenerateDataKey", "ScheduleKeyDeletion");

    /// <summary>The tag that marks a drill key.</summary>
    public const string DrillTagKey = "Purpose", DrillTagValue = "drill";
    private static readonly IReadOnlySet<string> Emergency = Set("DisableKey", "ScheduleKeyDeletion");
    private static readonly IReadOnlySet<string> Recovery = Set("EnableKey", "CancelKeyDeletion", "Encrypt", "Decrypt", "GenerateDataKey");
    private static readonly IReadOnlySet<string> AccountWide = Set("CreateKey", "ListKeys", "ListAliases", "GenerateRandom");

    /// <param name="isDigestKey">Whether the key the request names is tagged as the audit digest key (asked only for Sign
    /// and GenerateMac).</param>
    /// <param name="isDrillKey">Whether the key the request names is tagged Purpose=drill (asked only for Admin's drill uses).</param>
    public static bool IsAllowed(CallerIdentity caller, SandboxRole? role, string operation, Func<bool>? isDigestKey = null, Func<bool>? isDrillKey = null)
    {
        if (caller.Kind == CallerKind.Root) return true;
        if (caller.Kind == CallerKind.User && caller.Principal?.Name == IdentityStore.NoKmsUser) return false;
        if (Read.Contains(operation)) return true;
        if (DigestSigning.Contains(operation))
            return (caller.Kind == CallerKind.User || caller.Kind == CallerKind.AssumedRole && role is not null) && isDigestKey?.Invoke() == true;
        if (caller.Kind != CallerKind.AssumedRole || role is null) return false;
        return role.Kind switch
        {
            RoleKind.Admin => Admin.Contains(operation) || DrillKeyUse.Contains(operation) && isDrillKey?.Invoke() == true,
            RoleKind.Emergency => Emergency.Contains(operation),
            RoleKind.Recovery => Recovery.Contains(operation),
            _ => false,
        };
    }

    public static AwsError Denied(CallerIdentity caller, string operation, ReadOnlySpan<byte> body, string region, string accountId)
    {
        var resource = AccountWide.Contains(operation) ? "*" : ResourceOf(body, region, accountId);
        return new AwsError("AccessDeniedException",
            $"User: {caller.Arn} is not authorized to perform: kms:{operation} on resource: {resource} " +
            $"because no identity-based policy allows the kms:{operation} action", 400);
    }

    /// <summary>The key ARN the request names (KeyId as id, ARN or alias), or "*" when it names none.</summary>
    private static string ResourceOf(ReadOnlySpan<byte> body, string region, string accountId)
    {
        string? keyId = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.CurrentDepth >= 1)
                {
                    if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1
                        && (reader.ValueTextEquals("KeyId") || reader.ValueTextEquals("ResourceId") || reader.ValueTextEquals("TargetKeyId")))
                    {
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.String) { keyId = reader.GetString(); break; }
                    }
                    else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
                }
            }
        }
        catch (JsonException) { }
        if (string.IsNullOrEmpty(keyId)) return "*";
        if (keyId.StartsWith("arn:", StringComparison.Ordinal)) return keyId;
        return keyId.StartsWith("alias/", StringComparison.Ordinal)
            ? $"arn:aws:kms:{region}:{accountId}:{keyId}"
            : $"arn:aws:kms:{region}:{accountId}:key/{keyId}";
    }

    private static IReadOnlySet<string> Set(params string[] names) => new HashSet<string>(names, StringComparer.Ordinal);
}
