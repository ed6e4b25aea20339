using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Aws;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Status;

namespace BuzzKeyMgmt.Engine.Operations.Revocation;

/// <summary>
/// Emergency revocation of one key at a time (a pipeline reuses one Revoker, so the Emergency role is assumed once):
/// resolve → audit Started → Emergency role (assumed with MFA when the session does not hold it) → DisableKey → read
/// back until Disabled → optionally ScheduleKeyDeletion and read back PendingDeletion → audit Completed. Every attempt
/// leaves a Started and a Completed row, failures included; when the audit store is down the rows go to the journal
/// (revocation is never blocked) and the result says Journaled. A key already Disabled or PendingDeletion is reported,
/// and audited, as already revoked.
/// </summary>
public sealed class Revoker(KeyMgmtSession session, AuditTrail trail) : IDisposable
{
    private readonly KmsQuotaGates _gates = new();
    private readonly Alerts.AlertSender? _alerts = Alerts.AlertSender.ForSession(session);

    public void Dispose() => _alerts?.Dispose();
    private KeyMgmtSession? _emergency;

    public async Task<RevocationResult> RevokeAsync(RevocationRequest request, CancellationToken cancellation)
    {
        var audit = new OperationAudit(trail, session, request.ScheduleDeletion ? AuditOperations.ScheduleDeletion : AuditOperations.Revoke,
            isEmergency: true, request.IncidentId, changeId: null, request.Reason, _alerts);
        KeyMetadata? key = null;
        string? alias = request.Key.AliasName;
        Exception? resolveFailure = null;
        try
        {
            (key, alias) = await audit.StepAsync("resolve", () => KeyLookup.ResolveAsync(session.Kms, _gates, request.Key, cancellation)).ConfigureAwait(false);
            if (key is null)
                resolveFailure = new KeyMgmtException("KeyNotFound", FailureKind.ObjectNotFound,
                    $"Revoking {request.Key.Value}: no such key in '{session.Environment}'.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            resolveFailure = ex;
        }

        var keyId = key?.KeyId ?? request.Key.Value;
        var started = audit.Started(keyId, key?.Arn, alias);
        try
        {
            if (resolveFailure is not null) throw resolveFailure;
            var previous = key!.KeyState.Value;
            var state = previous;
            var verified = true;
            DateTimeOffset? deletion = KeyStatusMapper.Utc(key.DeletionDate);
            var already = key.KeyState == KeyState.Disabled || key.KeyState == KeyState.PendingDeletion;
            var needsChange = !already || (request.ScheduleDeletion && key.KeyState == KeyState.Disabled);
            if (needsChange)
            {
                var emergency = await audit.StepAsync("assumeRole", () => EmergencySessionAsync(request, cancellation)).ConfigureAwait(false);
                if (key.KeyState == KeyState.Enabled)
                {
                    await audit.StepAsync("disable", () => _gates.CallAsync("DisableKey", () => emergency.Kms.DisableKeyAsync(new DisableKeyRequest { KeyId = key.KeyId }, cancellation), cancellation)).ConfigureAwait(false);
                    var (reached, last) = await audit.StepAsync("verify", () => KeyStateWaiter.WaitForAsync(session.Kms, _gates, key.KeyId, KeyState.Disabled, cancellation)).ConfigureAwait(false);
                    verified = reached;
                    state = last.KeyState.Value;
                }
                if (request.ScheduleDeletion && verified)
                {
                    var scheduled = await audit.StepAsync("scheduleDeletion", () => _gates.CallAsync("ScheduleKeyDeletion", () => emergency.Kms.ScheduleKeyDeletionAsync(
                        new ScheduleKeyDeletionRequest { KeyId = key.KeyId, PendingWindowInDays = request.PendingWindowDays ?? 7 }, cancellation), cancellation)).ConfigureAwait(false);
                    deletion = KeyStatusMapper.Utc(scheduled.DeletionDate);
                    var (reached, last) = await audit.StepAsync("verifyDeletion", () => KeyStateWaiter.WaitForAsync(session.Kms, _gates, key.KeyId, KeyState.PendingDeletion, cancellation)).ConfigureAwait(false);
                    verified = reached;
                    state = last.KeyState.Value;
                }
            }
            var outcome = verified ? AuditOutcome.Succeeded : AuditOutcome.Failed;
            var completed = audit.Completed(key.KeyId, key.Arn, alias, outcome,
                verified ? null : "VerificationFailed", verified ? null : $"The key still reads {state} after the change.",
                details: new { previousState = previous, state, alreadyRevoked = already && !needsChange, deletionDate = deletion });
            if (!verified)
                throw new KeyMgmtException("VerificationFailed", FailureKind.InvalidResult,
                    $"{alias ?? key.KeyId} was changed but still reads {state}: revocation is not verified.",
                    "Check the key with Get-KeyStatus; revoke again if it is still enabled.");
            return new RevocationResult
            {
                KeyId = key.KeyId, Alias = alias, Environment = session.Environment, IncidentId = request.IncidentId,
                PreviousState = previous, State = state, Verified = true, AlreadyRevoked = already && !needsChange, DeletionDate = deletion,
                AuditId = completed.AuditId, Duration = audit.Elapsed, Journaled = audit.Journaled, StepMilliseconds = audit.Steps,
                AlertMessageId = audit.Alert?.MessageId, AlertDelivery = audit.Alert?.Delivery.ToString() ?? "NoTopic", Warnings = audit.Warnings,
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException && !(ex is KeyMgmtException { ErrorId: "VerificationFailed" }))
        {
            var failure = AwsErrors.Translate(ex, "Revoking", alias ?? keyId, session.Environment);
            audit.Completed(keyId, key?.Arn, alias, AuditOutcome.Failed, failure.ErrorId, failure.Message);
            throw new RevocationFailedException(failure, started.AuditId, audit.Journaled, audit.Warnings);
        }
        catch (OperationCanceledException)
        {
            audit.Completed(keyId, key?.Arn, alias, AuditOutcome.Cancelled, "OperationStopped", "Stopped before the revocation finished.");
            throw;
        }
    }

    private async Task<KeyMgmtSession> EmergencySessionAsync(RevocationRequest request, CancellationToken cancellation)
    {
        if (session.Role == KeyMgmtRole.Emergency) return session;
        if (_emergency is { IsExpired: false } cached) return cached;
        if (request.MfaCode is null)
            throw new KeyMgmtException("EmergencyRoleRequired", FailureKind.PermissionDenied,
                $"Revocation needs the Emergency role; this session holds {session.Role}.",
                "Pass -MfaCode to assume the Emergency role for this revocation, or Connect-KeyManagement -Role Emergency -MfaCode <code>.");
        return _emergency = await SessionConnector.ElevateAsync(session, KeyMgmtRole.Emergency, request.MfaCode, cancellation).ConfigureAwait(false);
    }
}

/// <summary>A revocation that failed; its audit rows were written (or journaled) before this was thrown.</summary>
public sealed class RevocationFailedException(KeyMgmtException failure, Guid auditId, bool journaled, IReadOnlyList<string> warnings)
    : KeyMgmtException(failure.ErrorId, failure.Kind, failure.Message, failure.RecommendedAction, failure.InnerException)
{
    public Guid StartedAuditId { get; } = auditId;
    public bool Journaled { get; } = journaled;
    public IReadOnlyList<string> Warnings { get; } = warnings;
}
