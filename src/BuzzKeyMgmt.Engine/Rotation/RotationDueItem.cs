namespace BuzzKeyMgmt.Engine.Rotation;

/// <summary>Why a key is listed by Get-KeyRotationDue. The first five are rotation findings; the last four are keys that
/// are not rotation failures but are listed apart, with their own reason, when their material is old.</summary>
public enum RotationDueReason
{
    /// <summary>The policy's due date (last rotation, or creation, plus the policy period) has passed.</summary>
    Overdue,

    /// <summary>Overdue, and the key's material was never rotated since the key was created.</summary>
    NeverRotated,

    /// <summary>Due within the asked horizon (-Within days), not yet overdue.</summary>
    DueWithin,

    /// <summary>Automatic rotation is off: the key will become overdue.</summary>
    RotationDisabled,

    /// <summary>Automatic rotation is on, but its period is longer than the policy's.</summary>
    PeriodLongerThanPolicy,

    /// <summary>The key is Disabled: KMS does not rotate it, and it encrypts nothing.</summary>
    KeyDisabled,

    /// <summary>The key is pending deletion.</summary>
    PendingDeletion,

    /// <summary>An AWS managed key: AWS rotates it every year; its rotation cannot be changed.</summary>
    AwsManaged,

    /// <summary>An asymmetric, HMAC, imported-material or custom-key-store key: KMS cannot rotate it automatically
    /// (replace it with a new key instead).</summary>
    CannotRotate,
}

/// <summary>
/// One key whose rotation needs attention, judged by the policy's period from KMS's own rotation data (GetKeyRotationStatus
/// and the newest rotation in ListKeyRotations, on-demand rotations included). Pipes onward by KeyId
/// (Set-KeyRotationPolicy, Invoke-KeyRotation), which act only on what <see cref="Action"/> says can be done.
/// </summary>
public sealed class RotationDueItem
{
    public required string KeyId { get; init; }
    public string? Arn { get; init; }
    public string? Alias { get; init; }
    public required string Environment { get; init; }

    /// <summary>The account the key is in (from its ARN).</summary>
    public string? AccountId => Kms.ArnParts.Account(Arn);

    /// <summary>The Region the key is in (from its ARN).</summary>
    public string? Region => Kms.ArnParts.Region(Arn);
    public required string State { get; init; }
    public RotationDueReason Reason { get; init; }

    /// <summary>The newest rotation of the key's material (automatic or on demand); null when never rotated.</summary>
    public DateTimeOffset? LastRotationDate { get; init; }

    /// <summary>When the current material reaches the policy's period: last rotation (or creation) plus the period.</summary>
    public DateTimeOffset DueDate { get; init; }

    /// <summary>Days past <see cref="DueDate"/> (negative: days left).</summary>
    public int DaysOverdue { get; init; }

    public bool? RotationEnabled { get; init; }

    /// <summary>KMS's automatic rotation period (null when rotation is off).</summary>
    public int? RotationPeriodDays { get; init; }

    /// <summary>The policy's period the key is judged by.</summary>
    public int PolicyPeriodDays { get; init; }

    public DateTimeOffset? NextRotationDate { get; init; }
    public DateTimeOffset? CreationDate { get; init; }
    public string? KeySpec { get; init; }
    public string? KeyManager { get; init; }

    /// <summary>What fixes it: "EnableRotation" (turn on or shorten automatic rotation: Set-KeyRotationPolicy),
    /// "Rotate" (rotate now: Invoke-KeyRotation), or "None" (a key that is not rotated by policy action).</summary>
    public required string Action { get; init; }

    public override string ToString() => $"{Alias ?? KeyId}: {Reason}";
}
