using Amazon.KeyManagementService.Model;
using Amazon.Runtime;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Runner;
using BuzzKeyMgmt.Engine.Status;

namespace BuzzKeyMgmt.Engine.Rotation;

/// <summary>
/// Rotates a key's material now (RotateKeyOnDemand), as the Admin role. KMS rotates on demand asynchronously: the
/// read-back accepts the rotation as started (GetKeyRotationStatus shows OnDemandRotationStartDate) or done (a new
/// ON_DEMAND entry in ListKeyRotations). The per-key lifetime limit (LimitExceededException) and a rotation already
/// running (ConflictException, or one seen before sending) are clear errors sent once: the call goes through a client
/// without SDK retries (the SDK would take LimitExceeded for throttling), and only real throttling is retried, twice.
/// Audited as ROTATE; only a failure is alerted.
/// </summary>
public sealed class OnDemandRotation : KeyOperation<RotationResult>
{
    private static readonly TimeSpan[] ThrottleBackoff = [TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(1000)];
    private DateTimeOffset? _previous;
    private int _rotationsBefore;
    private DateTimeOffset _requestedAt;
    private string _state = "NotStarted";
    private DateTimeOffset? _rotationDate;

    public OnDemandRotation(KeyReference key, string? changeId, string? incidentId)
    {
        Key = key;
        ChangeId = changeId;
        IncidentId = incidentId;
        Reason = "rotate the key material on demand";
    }

    public override string AuditName => AuditOperations.Rotate;
    public override KeyMgmtRole Role => KeyMgmtRole.Admin;
    public override string Purpose => "Rotation";
    public override bool AlertsOn(AuditOutcome outcome) => outcome != AuditOutcome.Succeeded;

    protected internal override string Intent(OperationRun run) => $"Rotate the key material of {run.Target.Display} now";

    protected internal override async Task CheckAsync(OperationRun run)
    {
        RotationRules.RequireRotatable(run, Purpose);
        var status = await RotationRules.StatusAsync(run).ConfigureAwait(false);
        if (status.OnDemandRotationStartDate is { } running)
            throw InProgress(run, KeyStatusMapper.Utc(running));
        var rotations = await RotationRules.RotationsAsync(run).ConfigureAwait(false);
        _rotationsBefore = rotations.Count;
        _previous = RotationRules.Newest(rotations);
    }

    protected internal override async Task ActAsync(OperationRun run)
    {
        _requestedAt = run.Now;
        var kms = (run.RoleSession ?? run.Session).Clients.KmsWithoutRetries();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await run.ChangeAsync("rotate", "RotateKeyOnDemand", (_, t) => kms.RotateKeyOnDemandAsync(new RotateKeyOnDemandRequest { KeyId = run.Target.KeyId }, t))
                    .ConfigureAwait(false);
                return;
            }
            catch (AmazonServiceException ex) when (ex.ErrorCode is "ThrottlingException" && attempt < ThrottleBackoff.Length)
            {
                run.Say($"RotateKeyOnDemand was throttled; trying again in {ThrottleBackoff[attempt].TotalMilliseconds:0} ms.");
                await Task.Delay(ThrottleBackoff[attempt], run.Token).ConfigureAwait(false);
            }
        }
    }

    protected internal override async Task<ReadBack> ReadBackAsync(OperationRun run)
    {
        var (reached, _, _) = await run.WaitUntilAsync<string>(async t =>
        {
            var status = await run.Session.Kms.GetKeyRotationStatusAsync(new GetKeyRotationStatusRequest { KeyId = run.Target.KeyId }, t).ConfigureAwait(false);
            if (status.OnDemandRotationStartDate is not null) return "InProgress";
            var rotations = await RotationRules.RotationsAsync(run).ConfigureAwait(false);
            var onDemand = rotations.Skip(_rotationsBefore).LastOrDefault(r => r.RotationType == Amazon.KeyManagementService.RotationType.ON_DEMAND);
            if (onDemand is null) return "NotStarted";
            _rotationDate = KeyStatusMapper.Utc(onDemand.RotationDate);
            return "Completed";
        }, state => (_state = state) is "InProgress" or "Completed").ConfigureAwait(false);
        run.Say(_state switch
        {
            "InProgress" => $"Read back: KMS reports the on-demand rotation of {run.Target.Display} running.",
            "Completed" => $"Read back: {run.Target.Display} has new key material (ON_DEMAND rotation of {_rotationDate:u}).",
            _ => $"Read back: no on-demand rotation of {run.Target.Display} shows.",
        });
        return new ReadBack(reached, _state);
    }

    protected internal override string NotVerified(OperationRun run, ReadBack readBack) =>
        $"KMS accepted the rotation of {run.Target.Display}, but neither a running nor a completed on-demand rotation shows when it is read back.";

    protected internal override KeyMgmtException Explain(OperationRun run, Exception failure) => failure switch
    {
        AmazonServiceException { ErrorCode: "LimitExceededException" } limit => new KeyMgmtException("OnDemandRotationLimit", FailureKind.LimitsExceeded,
            $"{run.Target.Display} has used all the on-demand rotations KMS allows per key ({limit.Message}).",
            "Rely on automatic rotation (Set-KeyRotationPolicy), or replace the key with a new one.", limit),
        AmazonServiceException { ErrorCode: "ConflictException" } conflict => InProgress(run, null, conflict),
        _ => base.Explain(run, failure),
    };

    private static KeyMgmtException InProgress(OperationRun run, DateTimeOffset? since, Exception? inner = null) =>
        new("RotationInProgress", FailureKind.ResourceBusy,
            since is { } s
                ? $"An on-demand rotation of {run.Target.Display} is already running (since {s:u}): KMS takes one at a time."
                : $"KMS refused to rotate {run.Target.Display} now: a rotation of it is running, or its automatic rotation is due within minutes.",
            "Wait until Get-KeyStatus -IncludeRotationHistory lists it, then rotate again if you still need to.", inner);

    protected internal override object? Details(OperationRun run) => new
    {
        previousRotation = _previous, requestedAt = _requestedAt, rotationState = _state, rotationDate = _rotationDate,
    };

    protected internal override RotationResult Result(OperationRun run) => new()
    {
        KeyId = run.Target.KeyId, Alias = run.Target.Alias, Environment = run.Session.Environment, RotationState = _state,
        RequestedAt = _requestedAt, RotationDate = _rotationDate, PreviousRotationDate = _previous, Verified = true,
        AuditId = run.CompletedRecord?.AuditId ?? Guid.Empty, Journaled = run.Journaled, Warnings = run.Warnings, DurationMs = (long)run.Elapsed.TotalMilliseconds,
    };
}
