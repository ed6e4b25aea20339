namespace BuzzKeyMgmt.Sandbox.Identity;

/// <summary>What kind of caller signed a request.</summary>
internal enum CallerKind { Root, User, AssumedRole }

/// <summary>
/// One access key the sandbox accepts: a principal's long-term key, or a temporary key from AssumeRole with its
/// session token and expiry (sandbox time).
/// </summary>
internal sealed record CallerIdentity(
    CallerKind Kind,
    string Arn,
    string UserId,
    string AccessKeyId,
    string SecretAccessKey,
    string? SessionToken,
    DateTimeOffset? Expiration,
    string? RoleName,
    string? SourceIdentity,
    SandboxPrincipal? Principal)
{
    /// <summary>The account the caller acts in: its ARN's (a member account's, for a session of one of its roles).</summary>
    public string AccountId => Arn.Split(':') is { Length: > 4 } parts ? parts[4] : "";
}
