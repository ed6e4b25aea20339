using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Runner;

namespace BuzzKeyMgmt.Engine.Operations.Recovery;

/// <summary>Records a request to recover a revoked key under a change, by the operator's own identity (the requester
/// may not approve it). A change of the audit store only: no AWS role is needed, and it is refused while the store is
/// down (the store is the approval record).</summary>
public sealed class KeyRecoveryRequest : KeyOperation<RecoveryRequest>
{
    private RecoveryRequest? _created;

    public KeyRecoveryRequest(KeyReference key, string changeId, string reason)
    {
        Key = key;
        ChangeId = changeId;
        Reason = reason;
    }

    public override string AuditName => AuditOperations.RecoveryRequest;
    public override KeyMgmtRole Role => KeyMgmtRole.None;
    public override string Purpose => "A recovery request";

    protected internal override void Validate(OperationRun run)
    {
        Policy.OperatorInput.RequireReason(Reason);
        RecoveryRules.RequireChangeId(run, ChangeId!);
    }

    /// <summary>Recovery is for revoked keys: a key that is not Disabled or PendingDeletion, or has no revocation on record,
    /// is refused here, before the request (or any audit row) is written and before anyone is asked to approve.</summary>
    protected internal override Task AdmitAsync(OperationRun run)
    {
        var key = run.Target.Metadata!;
        if (key.KeyState != Amazon.KeyManagementService.KeyState.Disabled && key.KeyState != Amazon.KeyManagementService.KeyState.PendingDeletion)
            throw RecoveryRules.Refused("KeyNotRevoked",
                $"{run.Target.Display} is {key.KeyState}, not revoked: recovery brings back a Disabled or PendingDeletion key that Revoke-EncryptionKey revoked. Nothing was requested.");
        if (run.Trail.Use(store => store.GetRevokedSince(key.KeyId)) is null)
            throw RecoveryRules.Refused("NoRevocationOnRecord",
                $"{run.Target.Display} is {key.KeyState} but has no revocation in the audit log: only a key revoked by this module can be recovered. Nothing was requested.");
        return Task.CompletedTask;
    }

    protected internal override string Intent(OperationRun run) => $"Request recovery of {run.Target.Display} under {ChangeId}";

    protected internal override Task ActAsync(OperationRun run)
    {
        _created = run.StoreChange("request", () => run.Trail.Use(store => store.CreateRecoveryRequest(new NewRecoveryRequest
        {
            KeyId = run.Target.KeyId, KeyArn = run.Target.Arn, Alias = run.Target.Alias, ChangeId = ChangeId!, Reason = Reason!,
            RequestedBy = run.Session.BaseCallerArn, RequestedAtUtc = run.Now,
        })));
        run.Say($"Recovery request {_created.RequestId} recorded: {_created.ApprovalsRequired} approvals needed by {_created.ExpiresAtUtc:u}.");
        return Task.CompletedTask;
    }

    protected internal override Task<ReadBack> ReadBackAsync(OperationRun run)
    {
        var stored = run.Trail.Use(store => store.GetRecoveryRequest(_created!.RequestId));
        return Task.FromResult(new ReadBack(stored is not null, stored?.Status.ToString()));
    }

    protected internal override object? Details(OperationRun run) =>
        _created is null ? null : new { requestId = _created.RequestId, _created.ApprovalsRequired, _created.ExpiresAtUtc };

    protected internal override RecoveryRequest Result(OperationRun run) => _created!;
}
