using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Operations.Runner;
using BuzzKeyMgmt.Engine.Status;

namespace BuzzKeyMgmt.Engine.Operations.Revocation;

/// <summary>
/// Emergency revocation of one key, as a description for <see cref="OperationRunner"/>: the Emergency role (assumed with
/// MFA when the session does not hold it, and kept for the next keys), DisableKey, read back until Disabled, optionally
/// ScheduleKeyDeletion and read back PendingDeletion. An emergency: never blocked by the audit store (rows journaled). A
/// key already Disabled or PendingDeletion is reported, and audited, as already revoked, and nothing is sent.
/// </summary>
public sealed class Revocation : KeyOperation<RevocationResult>
{
    private readonly RevocationRequest _request;
    private DateTimeOffset? _deletion;
    private KeyState _expected = KeyState.Disabled;
    private string? _disableNotVerified;

    public Revocation(RevocationRequest request)
    {
        _request = request;
        Key = request.Key;
        IncidentId = request.IncidentId;
        Reason = request.Reason;
        MfaCode = request.MfaCode;
    }

    public override string AuditName => _request.ScheduleDeletion ? AuditOperations.ScheduleDeletion : AuditOperations.Revoke;
    public override KeyMgmtRole Role => KeyMgmtRole.Emergency;
    public override string Purpose => "Revocation";
    public override bool IsEmergency => true;

    /// <summary>A reason that says nothing is refused before anything is sent or written (the incident id is checked
    /// against the policy by the caller, which reads the policy once for a whole pipeline: Revoke-EncryptionKey).</summary>
    protected internal override void Validate(OperationRun run) => Policy.OperatorInput.RequireReason(_request.Reason);

    private bool AlreadyRevoked(OperationRun run) =>
        run.Target.Metadata?.KeyState is { } s && (s == KeyState.Disabled || s == KeyState.PendingDeletion);

    protected internal override KeyMgmtException NotFound(OperationRun run) =>
        KeyLookup.NotFound(run, $"Revoking {_request.Key.Value}");

    protected internal override string Intent(OperationRun run) =>
        $"Disable {run.Target.Display}{(_request.ScheduleDeletion ? $" and schedule its deletion in {_request.PendingWindowDays ?? 7} days" : "")} for {_request.IncidentId}";

    protected internal override bool NeedsChange(OperationRun run) =>
        !AlreadyRevoked(run) || (_request.ScheduleDeletion && run.Target.Metadata!.KeyState == KeyState.Disabled);

    protected internal override ReadBack Unchanged(OperationRun run)
    {
        _deletion = KeyStatusMapper.Utc(run.Target.Metadata!.DeletionDate);
        return new ReadBack(true, run.Target.Metadata.KeyState.Value);
    }

    protected internal override async Task ActAsync(OperationRun run)
    {
        var key = run.Target.Metadata!;
        if (key.KeyState == KeyState.Enabled)
        {
            await run.ChangeAsync("disable", "DisableKey", (kms, t) => kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId }, t)).ConfigureAwait(false);
            if (!_request.ScheduleDeletion) return;   // the read-back proves it
            var (disabled, last) = await run.StepAsync("verifyDisabled", () => run.WaitForStateAsync(key.KeyId, KeyState.Disabled)).ConfigureAwait(false);
            if (!disabled)
            {
                _disableNotVerified = last.KeyState?.Value;   // nothing more is sent; the read-back reports it
                return;
            }
        }
        if (!_request.ScheduleDeletion) return;
        _expected = KeyState.PendingDeletion;
        var scheduled = await run.ChangeAsync("scheduleDeletion", "ScheduleKeyDeletion", (kms, t) => kms.ScheduleKeyDeletionAsync(
            new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = _request.PendingWindowDays ?? 7 }, t)).ConfigureAwait(false);
        _deletion = KeyStatusMapper.Utc(scheduled.DeletionDate);
    }

    protected internal override async Task<ReadBack> ReadBackAsync(OperationRun run)
    {
        if (_disableNotVerified is not null) return new ReadBack(false, _disableNotVerified);
        var (reached, last) = await run.WaitForStateAsync(run.Target.KeyId, _expected).ConfigureAwait(false);
        _deletion ??= KeyStatusMapper.Utc(last.DeletionDate);
        return new ReadBack(reached, last.KeyState?.Value);
    }

    /// <summary>Throttling that outlasted the run's budget (<see cref="Aws.ThrottleBudget.Emergency"/>) is told with what to
    /// do in Revoke-EncryptionKey's own terms.</summary>
    protected internal override KeyMgmtException Explain(OperationRun run, Exception failure)
    {
        var explained = base.Explain(run, failure);
        if (explained.ErrorId != "Throttled") return explained;
        var key = run.Target.Display.Length > 0 ? run.Target.Display : _request.Key.Value;
        return new KeyMgmtException(explained.ErrorId, explained.Kind, explained.Message,
            $"Run Revoke-EncryptionKey -KeyId {key} -IncidentId {_request.IncidentId} again (Get-KeyStatus -KeyId {key} shows whether it is " +
            "still Enabled); AWS limits the KMS request rate per account and Region, shared with every other caller there: find what else is calling it.",
            explained.InnerException);
    }

    protected internal override object? Details(OperationRun run) => new
    {
        previousState = run.InitialState, state = run.ReadBack?.State, alreadyRevoked = AlreadyRevoked(run) && !NeedsChange(run), deletionDate = _deletion,
    };

    protected internal override RevocationResult Result(OperationRun run) => new()
    {
        KeyId = run.Target.KeyId, Alias = run.Target.Alias, Environment = run.Session.Environment, IncidentId = _request.IncidentId,
        PreviousState = run.InitialState ?? "", State = run.ReadBack?.State ?? "", Verified = true,
        AlreadyRevoked = AlreadyRevoked(run) && !NeedsChange(run), DeletionDate = _deletion,
        AuditId = run.CompletedRecord?.AuditId ?? Guid.Empty, DurationMs = (long)run.Elapsed.TotalMilliseconds, Journaled = run.Journaled, StepMilliseconds = run.Steps,
        AlertId = run.AlertId, AlertMessageId = run.Alert?.MessageId, AlertDelivery = run.Alert?.Delivery.ToString() ?? "NoTopic", Warnings = run.Warnings,
    };
}
