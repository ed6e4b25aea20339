using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Operations.Runner;

namespace BuzzKeyMgmt.Engine.Operations.Recovery;

/// <summary>Approves a recovery request as the operator's own identity; the store refuses the requester, a second
/// approval by the same person and an expired request. A change of the audit store only.</summary>
public sealed class KeyRecoveryApproval(Guid requestId) : KeyOperation<RecoveryRequest>
{
    private RecoveryRequest? _request;
    private RecoveryRequest? _approved;

    public override string AuditName => AuditOperations.Approve;
    public override KeyMgmtRole Role => KeyMgmtRole.None;
    public override string Purpose => "An approval";

    /// <summary>An unknown request is bad input: refused before anything is written.</summary>
    protected internal override void Validate(OperationRun run)
    {
        _request = run.Trail.Use(store => store.GetRecoveryRequest(requestId))
            ?? throw new KeyMgmtException(AuditErrorCodes.RecoveryRequestNotFound, FailureKind.ObjectNotFound, $"No recovery request {requestId}.");
        ChangeId = _request.ChangeId;
        Reason = $"approve recovery request {requestId}";
    }

    protected internal override Task<ResolvedKey> ResolveAsync(OperationRun run) =>
        Task.FromResult(new ResolvedKey(_request!.KeyId, _request.KeyArn, _request.Alias, null));

    protected internal override string Intent(OperationRun run) => $"Approve recovery request {requestId} for {run.Target.Display} under {_request!.ChangeId}";

    protected internal override Task ActAsync(OperationRun run)
    {
        _approved = run.StoreChange("approve", () => run.Trail.Use(store => store.ApproveRecoveryRequest(requestId, run.Session.BaseCallerArn, run.Now)));
        run.Say($"Approval recorded: {_approved.Approvals.Count} of {_approved.ApprovalsRequired}; request {_approved.Status}.");
        return Task.CompletedTask;
    }

    protected internal override Task<ReadBack> ReadBackAsync(OperationRun run) =>
        Task.FromResult(new ReadBack(_approved!.Approvals.Any(a => a.ApprovedBy == run.Session.BaseCallerArn), _approved.Status.ToString()));

    protected internal override object? Details(OperationRun run) => new
    {
        requestId, approvals = _approved?.Approvals.Count, _request?.ApprovalsRequired, status = _approved?.Status.ToString(),
    };

    protected internal override RecoveryRequest Result(OperationRun run) => _approved!;
}
