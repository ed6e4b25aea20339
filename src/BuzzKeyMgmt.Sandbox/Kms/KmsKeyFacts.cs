namespace BuzzKeyMgmt.Sandbox.Kms;

/// <summary>
/// What one key is at an instant of the sandbox clock, read in process (no HTTP, no quotas), as the KMS calls would
/// answer at that instant: DescribeKey (state, spec, usage, manager, origin, creation date), GetKeyRotationStatus
/// (<see cref="KeyRotationEnabled"/>, <see cref="RotationPeriodInDays"/>, <see cref="NextRotationDate"/>,
/// <see cref="OnDemandRotationStartDate"/>) and the newest entry of ListKeyRotations (<see cref="LastRotationDate"/>,
/// <see cref="LastRotationType"/>). For benchmarks and tests that compute the truth independently of the module.
/// </summary>
/// <param name="KeyId">The key id (a GUID).</param>
/// <param name="Arn">The key ARN.</param>
/// <param name="Aliases">The key's alias names, in name order.</param>
/// <param name="KeyState">Enabled, Disabled or PendingDeletion.</param>
/// <param name="KeySpec">SYMMETRIC_DEFAULT, RSA_2048/3072/4096, ECC_NIST_P256 or HMAC_256.</param>
/// <param name="KeyUsage">ENCRYPT_DECRYPT, SIGN_VERIFY or GENERATE_VERIFY_MAC.</param>
/// <param name="KeyManager">CUSTOMER or AWS.</param>
/// <param name="Origin">AWS_KMS (the only origin the sandbox creates).</param>
/// <param name="CreationDate">When the key was created.</param>
/// <param name="CanRotate">Whether the key's spec allows rotation at all (symmetric keys only).</param>
/// <param name="KeyRotationEnabled">GetKeyRotationStatus's KeyRotationEnabled: false while pending deletion and for keys
/// that cannot rotate; unchanged while disabled; true for AWS managed keys.</param>
/// <param name="RotationPeriodInDays">The period GetKeyRotationStatus reports (only when <see cref="KeyRotationEnabled"/>).</param>
/// <param name="NextRotationDate">The next automatic rotation GetKeyRotationStatus reports (only when
/// <see cref="KeyRotationEnabled"/>; for a disabled key it may lie in the past: it rotates when enabled again).</param>
/// <param name="OnDemandRotationStartDate">When the on-demand rotation in progress was requested, or null.</param>
/// <param name="LastRotationDate">The newest completed rotation (any type), or null when the key never rotated.</param>
/// <param name="LastRotationType">AUTOMATIC or ON_DEMAND for <see cref="LastRotationDate"/>, or null.</param>
/// <param name="RotationCount">Completed rotations (ListKeyRotations' entries with the default ROTATIONS_ONLY).</param>
/// <param name="OnDemandRotations">On-demand rotations requested so far (counted against the lifetime limit).</param>
public sealed record KmsKeyFacts(
    string KeyId,
    string Arn,
    IReadOnlyList<string> Aliases,
    string KeyState,
    string KeySpec,
    string KeyUsage,
    string KeyManager,
    string Origin,
    DateTimeOffset CreationDate,
    bool CanRotate,
    bool KeyRotationEnabled,
    int? RotationPeriodInDays,
    DateTimeOffset? NextRotationDate,
    DateTimeOffset? OnDemandRotationStartDate,
    DateTimeOffset? LastRotationDate,
    string? LastRotationType,
    int RotationCount,
    int OnDemandRotations);
