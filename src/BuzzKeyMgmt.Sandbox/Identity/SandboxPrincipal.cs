namespace BuzzKeyMgmt.Sandbox.Identity;

/// <summary>
/// A long-term identity the sandbox issued: the account root or an IAM user, with its own access key and its own
/// virtual MFA device (TOTP, SHA-1, 30 s, 6 digits; <see cref="MfaSecretBase32"/> is what an authenticator app would scan).
/// </summary>
public sealed record SandboxPrincipal(
    string Name,
    string Arn,
    string UserId,
    string AccessKeyId,
    string SecretAccessKey,
    string MfaSerial,
    string MfaSecretBase32);
