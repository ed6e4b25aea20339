using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Runner;
using BuzzKeyMgmt.Engine.Policy;

namespace BuzzKeyMgmt.Engine.Operations.Recovery;

/// <summary>
/// Brings a revoked key back, as a description for <see cref="OperationRunner"/>. Before touching the key it checks an
/// approved, unexpired request under the change, a revocation that began inside the recovery window, a key that still
/// exists in a revoked state with its material intact; then, as the Recovery role (MFA), cancels a pending deletion,
/// enables, reads back Enabled and proves the key works (GenerateDataKey + Decrypt); the request is then Completed.
/// </summary>
public sealed class Restore : KeyOperation<RecoveryResult>
{
    private PolicySettings? _policy;
    private RecoveryRequest? _request;
    private bool _cancelled;
    private bool _accessPassed;

    public Restore(KeyReference key, string changeId, string? mfaCode)
    {
        Key = key;
        ChangeId = changeId;
        Reason = $"restore under {changeId}";
        MfaCode = mfaCode;
    }

    public override string AuditName => AuditOperations.Recover;
    public override KeyMgmtRole Role => KeyMgmtRole.Recovery;
    public override string Purpose => "Recovery";

    protected internal override void Validate(OperationRun run) => _policy = RecoveryRules.RequireChangeId(run, ChangeId!);

    protected internal override KeyMgmtException NotFound(OperationRun run) =>
        RecoveryRules.Refused("KeyDeleted", $"{Key!.Value} no longer exists: a deleted key cannot be recovered.");

    protected internal override string Intent(OperationRun run) => $"Restore {run.Target.Display} under {ChangeId}";

    protected internal override Task CheckAsync(OperationRun run)
    {
        var key = run.Target.Metadata!;
        _request = RecoveryRules.ApprovedRequest(run, key.KeyId, ChangeId!);
        var since = RecoveryRules.RequireRecentRevocation(run, key.KeyId, _policy!.RecoveryWindowDays);
        if (key.KeyState != KeyState.Disabled && key.KeyState != KeyState.PendingDeletion)
            throw RecoveryRules.Refused("KeyNotRevoked", $"{run.Target.Display} is {key.KeyState}: only a Disabled or PendingDeletion key is restored.");
        if (key.Origin != OriginType.AWS_KMS)
            throw RecoveryRules.Refused("KeyMaterialNotIntact", $"{run.Target.Display} has origin {key.Origin}: its key material cannot be verified as intact.");
        run.Say($"Checks passed: request {_request.RequestId} approved by {string.Join(", ", _request.Approvals.Select(a => a.ApprovedBy))}; revoked since {since:u}.");
        return Task.CompletedTask;
    }

    /// <summary>The approvers of the request the key was restored under (the RECOVER row's Approvals column).</summary>
    protected internal override string? Approvals(OperationRun run) =>
        _request is null ? null : System.Text.Json.JsonSerializer.Serialize(_request.Approvals.Select(a => a.ApprovedBy).ToArray());

    protected internal override async Task ActAsync(OperationRun run)
    {
        var keyId = run.Target.KeyId;
        if (run.Target.Metadata!.KeyState == KeyState.PendingDeletion)
        {
            await run.ChangeAsync("cancelDeletion", "CancelKeyDeletion", (kms, t) => kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = keyId }, t)).ConfigureAwait(false);
            _cancelled = true;
        }
        await run.ChangeAsync("enable", "EnableKey", (kms, t) => kms.EnableKeyAsync(new EnableKeyRequest { KeyId = keyId }, t)).ConfigureAwait(false);
    }

    protected internal override async Task<ReadBack> ReadBackAsync(OperationRun run)
    {
        var (reached, last) = await run.WaitForStateAsync(run.Target.KeyId, KeyState.Enabled).ConfigureAwait(false);
        if (reached && !run.Stopped)
        {
            await run.Gates.WaitAsync("Crypto", run.Token).ConfigureAwait(false);
            var kms = (run.RoleSession ?? run.Session).Kms;
            (_accessPassed, _, _) = await run.StepAsync("accessTest", () => AccessTester.RoundTripAsync(kms, run.Target.KeyId, run.Token)).ConfigureAwait(false);
            run.Say($"Access test {(_accessPassed ? "passed" : "FAILED")}: GenerateDataKey and Decrypt with {run.Target.Display}.");
        }
        return new ReadBack(reached && (_accessPassed || run.Stopped), last.KeyState?.Value);
    }

    protected internal override void Conclude(OperationRun run) =>
        run.Trail.Use(store => store.SetRecoveryRequestStatus(_request!.RequestId, RecoveryRequestStatus.Completed));

    protected internal override string NotVerified(OperationRun run, ReadBack readBack) =>
        $"{run.Target.Display} was restored but did not verify (state {readBack.State}, access test {(_accessPassed ? "passed" : "failed")}).";

    protected internal override object? Details(OperationRun run) => new
    {
        requestId = _request?.RequestId, previousState = run.InitialState, state = run.ReadBack?.State, accessTest = _accessPassed,
    };

    protected internal override RecoveryResult Result(OperationRun run) => new()
    {
        KeyId = run.Target.KeyId, Alias = run.Target.Alias, Environment = run.Session.Environment, ChangeId = ChangeId!,
        RequestId = _request!.RequestId, ApprovedBy = _request.Approvals.Select(a => a.ApprovedBy).ToList(),
        PreviousState = run.InitialState ?? "", State = run.ReadBack?.State ?? "", DeletionCancelled = _cancelled, Verified = true,
        AccessTestPassed = _accessPassed, AuditId = run.CompletedRecord?.AuditId ?? Guid.Empty, DurationMs = (long)run.Elapsed.TotalMilliseconds, StepMilliseconds = run.Steps,
        Journaled = run.Journaled, Warnings = run.Warnings,
        AlertId = run.AlertId, AlertMessageId = run.Alert?.MessageId, AlertDelivery = run.Alert?.Delivery.ToString() ?? "NoTopic",
    };
}
