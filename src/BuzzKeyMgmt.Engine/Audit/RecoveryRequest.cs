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
public sealed record RecoveryApproval(Guid RequestId, string ApprovedBy, DateTimeOffset ApprovedAtUtc);

/// <summary>A recovery request with its approvals so far.</summary>
public sealed record RecoveryRequest
{
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
    public IReadOnlyList<RecoveryApproval> Approvals { get; init; } = [];

    public bool IsApproved => Status is RecoveryRequestStatus.Approved or RecoveryRequestStatus.Completed;
}
