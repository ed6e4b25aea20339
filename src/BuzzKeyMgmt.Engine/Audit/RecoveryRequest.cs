namespace BuzzKeyMgmt.Engine.Audit;

public enum RecoveryRequestStatus
{
    Pending,
    Approved,
    Completed,
    Expired,
    Cancelled,
}

/// <summary>What a requester asks for; the store adds expiry and the approvals required from the policy.</summary>
public sealed record NewRecoveryRequest
{
    public Guid RequestId { get; init; } = Guid.NewGuid();
    public string KeyId { get; init; } = "";
    public string? KeyArn { get; init; }
    public string? Alias { get; init; }
    public string ChangeId { get; init; } = "";
    public string Reason { get; init; } = "";

    /// <summary>STS caller ARN of the requester.</summary>
    public string RequestedBy { get; init; } = "";
    public DateTimeOffset RequestedAtUtc { get; init; }
}

/// <summary>One approval of a recovery request (unique per request and approver).</summary>
public sealed record RecoveryApproval(Guid RequestId, string ApprovedBy, DateTimeOffset ApprovedAtUtc)
{
    /// <summary>"approver at time": how an approval reads in a CSV cell (the list joins them with ";").</summary>
    public override string ToString() => $"{ApprovedBy} at {ApprovedAtUtc.UtcDateTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture)}";
}

/// <summary>A recovery request with its approvals so far.</summary>
public sealed record RecoveryRequest : Anchoring.IAuditAnchored
{
    private FlatList<RecoveryApproval> _approvals = FlatList<RecoveryApproval>.Empty;

    public Guid RequestId { get; init; }
    public string KeyId { get; init; } = "";
    public string? KeyArn { get; init; }
    public string? Alias { get; init; }
    public string ChangeId { get; init; } = "";
    public string Reason { get; init; } = "";
    public string RequestedBy { get; init; } = "";
    public DateTimeOffset RequestedAtUtc { get; init; }
    public DateTimeOffset ExpiresAtUtc { get; init; }
    public int ApprovalsRequired { get; init; }
    public RecoveryRequestStatus Status { get; init; }
    public IReadOnlyList<RecoveryApproval> Approvals { get => _approvals; init => _approvals = FlatList<RecoveryApproval>.Of(value); }

    /// <summary>The audit chain head the Completed row of the request or approval that returned this reached (Sequence,
    /// RowHash); null when it was journaled, and for requests read from the store.</summary>
    public Anchoring.AuditChainHead? ChainHead { get; private set; }

    /// <summary>The signed chain digest covering <see cref="ChainHead"/>, kept outside the audit store; null when none was written.</summary>
    public Anchoring.AuditDigest? Digest { get; private set; }

    void Anchoring.IAuditAnchored.Anchor(Anchoring.AuditChainHead? chainHead, Anchoring.AuditDigest? digest)
    {
        ChainHead = chainHead;
        Digest = digest;
    }

    public bool IsApproved => Status is RecoveryRequestStatus.Approved or RecoveryRequestStatus.Completed;
}

/// <summary>
/// Filters for <see cref="IAuditStore.FindRecoveryRequests"/>; all optional, combined with AND. Results come newest
/// <see cref="RecoveryRequest.RequestedAtUtc"/> first, each with its approvals.
/// </summary>
public sealed record RecoveryRequestQuery
{
    /// <summary>The largest (and default) <see cref="Last"/>.</summary>
    public const int MaxLast = 10000;

    public Guid? RequestId { get; init; }

    /// <summary>Matches the request's KeyId, KeyArn or Alias (case-insensitively).</summary>
    public string? KeyId { get; init; }

    /// <summary>Matches the request's change id (case-insensitively).</summary>
    public string? ChangeId { get; init; }

    /// <summary>
    /// Only requests whose status is one of these; null: any status. With <see cref="AsOfUtc"/> the filter applies to
    /// the derived status (a Pending or Approved request past its expiry counts as Expired). An empty set is refused:
    /// use null for any status.
    /// </summary>
    public IReadOnlySet<RecoveryRequestStatus>? Statuses { get; init; }

    /// <summary>
    /// When set, a request stored as Pending or Approved whose ExpiresAtUtc is at or before this instant is returned
    /// (and filtered) as <see cref="RecoveryRequestStatus.Expired"/>, the same boundary at which an approval is
    /// refused. Nothing is written: the stored status stays as it is until the store next changes the request. When
    /// null, the stored status is returned as it is. It does not filter on when a request was made.
    /// </summary>
    public DateTimeOffset? AsOfUtc { get; init; }

    /// <summary>At most this many requests (the newest), 1 to <see cref="MaxLast"/>; default <see cref="MaxLast"/>.</summary>
    public int Last { get; init; } = MaxLast;

    internal void Validate()
    {
        if (RequestId == Guid.Empty) Refuse("RequestId must not be the empty GUID (use null for any request).");
        if (KeyId is not null && (string.IsNullOrWhiteSpace(KeyId) || KeyId.Length > 2048))
            Refuse("KeyId must be a key id, key ARN or alias of 1-2048 characters (use null for any key).");
        if (ChangeId is not null && (string.IsNullOrWhiteSpace(ChangeId) || ChangeId.Length > 64))
            Refuse("ChangeId must be 1-64 characters (use null for any change).");
        if (Statuses is not null)
        {
            if (Statuses.Count == 0) Refuse("Statuses must not be empty (use null for any status).");
            foreach (var status in Statuses)
                if (!Enum.IsDefined(status)) Refuse($"Statuses contains the unknown status {(int)status}.");
        }
        if (Last is < 1 or > MaxLast) Refuse($"Last must be between 1 and {MaxLast}.");
    }

    private static void Refuse(string message) =>
        throw new AuditStoreException(AuditErrorCodes.InvalidRecoveryRequest, "Invalid recovery request query: " + message);
}
