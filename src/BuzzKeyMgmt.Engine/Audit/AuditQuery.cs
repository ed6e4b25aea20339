namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>Filters for reading the audit trail; all optional, combined with AND. Results come newest first. Key
/// references, incident and change ids, operations and environments compare case-insensitively.</summary>
public sealed record AuditQuery
{
    /// <summary>Matches the row's KeyId, KeyArn or Alias.</summary>
    public string? KeyId { get; init; }
    public string? Operation { get; init; }
    public string? IncidentId { get; init; }
    public string? ChangeId { get; init; }
    public Guid? OperationId { get; init; }
    public string? Environment { get; init; }

    /// <summary>Inclusive lower bound on OccurredAtUtc.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Exclusive upper bound on OccurredAtUtc.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>At most this many rows (the newest). Null: no limit.</summary>
    public int? Last { get; init; }

    public static AuditQuery All { get; } = new();

    internal void Validate()
    {
        if (Last is <= 0) throw new AuditStoreException(AuditErrorCodes.InvalidAuditEntry, "Last must be a positive number of rows.");
        if (Since is not null && Until is not null && Until < Since)
            throw new AuditStoreException(AuditErrorCodes.InvalidAuditEntry, "Until must not be earlier than Since.");
    }
}
