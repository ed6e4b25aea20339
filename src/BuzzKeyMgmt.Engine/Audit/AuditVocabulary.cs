namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>Phase of an audit row: every operation writes one Started and one Completed row sharing an OperationId.</summary>
public enum AuditPhase
{
    Started,
    Completed,
}

/// <summary>Outcome of an audit row. Started rows are always <see cref="Pending"/>.</summary>
public enum AuditOutcome
{
    Pending,
    Succeeded,
    Failed,
    Cancelled,
}

/// <summary>Well-known operation names (upper case, underscores). The list is open: any ^[A-Z_]{1,32}$ name is accepted.</summary>
public static class AuditOperations
{
    public const string Create = "CREATE";
    public const string Rotate = "ROTATE";
    public const string RotationPolicy = "ROTATE_POLICY";
    public const string Revoke = "REVOKE";
    public const string ScheduleDeletion = "SCHEDULE_DELETION";
    public const string CancelDeletion = "CANCEL_DELETION";
    public const string RecoveryRequest = "RECOVERY_REQUEST";
    public const string Approve = "APPROVE";
    public const string Recover = "RECOVER";
    public const string AccessTest = "ACCESS_TEST";
    public const string Drill = "DRILL";
    /// <summary>What was found of an operation that began and never ended (shares its OperationId; see IAuditStore.FindInterrupted).</summary>
    public const string Reconcile = "RECONCILE";

    /// <summary>Every operation this module writes, in the order above: what Get-KeyAuditLog -Operation accepts
    /// (case-insensitively) and what Tab offers.</summary>
    public static IReadOnlyList<string> Known { get; } =
    [
        Create, Rotate, RotationPolicy, Revoke, ScheduleDeletion, CancelDeletion, RecoveryRequest, Approve, Recover,
        AccessTest, Drill, Reconcile,
    ];

    /// <summary>The known operation <paramref name="name"/> names, in its canonical upper case; null when it is none of them.</summary>
    public static string? Canonical(string? name) =>
        name is null ? null : Known.FirstOrDefault(o => string.Equals(o, name, StringComparison.OrdinalIgnoreCase));
}
