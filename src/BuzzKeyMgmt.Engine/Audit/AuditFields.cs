namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>
/// The content of one audit row: who, where, what, why, outcome. <see cref="AuditEntry"/> is what callers append,
/// <see cref="AuditRecord"/> is what the store returns (the same content plus its place in the hash chain).
/// </summary>
public abstract record AuditFields
{
    /// <summary>Unique id of this row; replaying a journaled row is idempotent by this id.</summary>
    public Guid AuditId { get; init; } = Guid.NewGuid();

    /// <summary>Shared by the Started and Completed rows of one operation.</summary>
    public Guid OperationId { get; init; }

    public DateTimeOffset OccurredAtUtc { get; init; }
    public string Environment { get; init; } = "";
    public string Operation { get; init; } = "";
    public AuditPhase Phase { get; init; }
    public AuditOutcome Outcome { get; init; }
    public string? KeyId { get; init; }
    public string? KeyArn { get; init; }
    public string? Alias { get; init; }
    public string? IncidentId { get; init; }
    public string? ChangeId { get; init; }
    public string? Reason { get; init; }
    public bool IsEmergency { get; init; }

    /// <summary>STS caller ARN of the operator.</summary>
    public string? OperatorArn { get; init; }

    /// <summary>Operating-system user name of the operator.</summary>
    public string? OperatorName { get; init; }

    public string? ClientHost { get; init; }
    public string? ClientAddress { get; init; }

    /// <summary>Approvals of the operation as free text (typically a JSON array of approver ARNs).</summary>
    public string? Approvals { get; init; }

    public long? DurationMs { get; init; }
    public string? ErrorCode { get; init; }
    public string? ErrorMessage { get; init; }
    public string? AlertMessageId { get; init; }

    /// <summary>Free JSON text, e.g. per-step timings.</summary>
    public string? Details { get; init; }
}

/// <summary>An audit row to append. The store assigns Sequence, PreviousHash and RowHash.</summary>
public sealed record AuditEntry : AuditFields
{
    public AuditEntry() { }

    /// <summary>Copies the content of another row (its chain position is not part of the content).</summary>
    public AuditEntry(AuditFields content) : base(content) { }
}

/// <summary>An audit row as stored: immutable, with its place in the tamper-evident chain.</summary>
public sealed record AuditRecord : AuditFields
{
    public AuditRecord(AuditFields content, long sequence, string previousHash, string rowHash)
        : base(content)
    {
        Sequence = sequence;
        PreviousHash = previousHash;
        RowHash = rowHash;
    }

    /// <summary>Gapless position in the chain, starting at 1.</summary>
    public long Sequence { get; init; }

    /// <summary>RowHash of the row before (64 zeros for the first row).</summary>
    public string PreviousHash { get; init; }

    /// <summary>Lowercase hex SHA-256 of the row's canonical form (see <see cref="AuditHasher"/>).</summary>
    public string RowHash { get; init; }

    /// <summary>Strips the chain position, e.g. to replay the row elsewhere.</summary>
    public AuditEntry ToEntry() => new(this);
}
