namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>Last known state of one KMS key, as recorded by the latest operation on it.</summary>
public sealed record KeyStatusRecord
{
    public string KeyId { get; init; } = "";
    public string? KeyArn { get; init; }
    public string? Alias { get; init; }
    public string Environment { get; init; } = "";
    public string KeyState { get; init; } = "";
    public string? KeySpec { get; init; }
    public string? KeyUsage { get; init; }
    public bool RotationEnabled { get; init; }
    public int? RotationPeriodDays { get; init; }
    public DateTimeOffset? CreatedAtUtc { get; init; }
    public DateTimeOffset? LastRotatedAtUtc { get; init; }
    public DateTimeOffset? DeletionDateUtc { get; init; }
    public string? LastOperation { get; init; }
    public Guid? LastOperationId { get; init; }
    public AuditOutcome? LastOutcome { get; init; }
    public DateTimeOffset UpdatedAtUtc { get; init; }
}

/// <summary>A key whose policy rotation date falls inside the asked window.</summary>
public sealed record KeyRotationDue(KeyStatusRecord Key, DateTimeOffset RotationDueAtUtc);
