using System.Text.Json;
using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Aws;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;

namespace BuzzKeyMgmt.Engine.Operations.Recovery;

/// <summary>
/// Recovery with four eyes. A request is recorded by its requester; approvals by other principals (their own caller
/// ARN, never the requester, never twice); a restore checks, before touching the key, an approved and unexpired
/// request, a revocation inside the recovery window, and a key that still exists with its material intact; then takes
/// the Recovery role (MFA), cancels a pending deletion, enables, reads back and runs the access test. Each step is
/// audited; unlike revocation, none of them runs while the audit store is down (the store is the approval record).
/// </summary>
public sealed class RecoveryService(KeyMgmtSession session, AuditTrail trail)
{
    private readonly KmsQuotaGates _gates = new();
    private readonly Alerts.AlertSender? _alerts = Alerts.AlertSender.ForSession(session);
    private IAuditStore Store => trail.Store;
    private DateTimeOffset Now => session.Clock.GetUtcNow();

    public async Task<RecoveryRequest> RequestAsync(KeyReference key, string changeId, string reason, CancellationToken cancellation)
    {
        var policy = Store.GetPolicy();
        RequireChangeId(policy, changeId);
        var audit = new OperationAudit(trail, session, AuditOperations.RecoveryRequest, false, null, changeId, reason, _alerts);
        var (metadata, alias) = await KeyLookup.ResolveAsync(session.Kms, _gates, key, cancellation).ConfigureAwait(false);
        audit.Started(metadata?.KeyId ?? key.Value, metadata?.Arn, alias);
        return Finish(audit, metadata?.KeyId ?? key.Value, metadata?.Arn, alias, () =>
        {
            if (metadata is null) throw NotFound(key.Value);
            var request = Store.CreateRecoveryRequest(new NewRecoveryRequest
            {
                KeyId = metadata.KeyId, KeyArn = metadata.Arn, Alias = alias, ChangeId = changeId, Reason = reason,
                RequestedBy = session.BaseCallerArn, RequestedAtUtc = Now,
            });
            return (request, (object)new { requestId = request.RequestId, request.ApprovalsRequired, request.ExpiresAtUtc });
        });
    }

    public RecoveryRequest Approve(Guid requestId)
    {
        var existing = Store.GetRecoveryRequest(requestId)
            ?? throw new KeyMgmtException(AuditErrorCodes.RecoveryRequestNotFound, FailureKind.ObjectNotFound, $"No recovery request {requestId}.");
        var audit = new OperationAudit(trail, session, AuditOperations.Approve, false, null, existing.ChangeId, $"approve recovery request {requestId}", _alerts);
        audit.Started(existing.KeyId, existing.KeyArn, existing.Alias);
        return Finish(audit, existing.KeyId, existing.KeyArn, existing.Alias, () =>
        {
            var approved = Store.ApproveRecoveryRequest(requestId, session.BaseCallerArn, Now);
            return (approved, (object)new { requestId, approvals = approved.Approvals.Count, approved.ApprovalsRequired, status = approved.Status.ToString() });
        });
    }

    public async Task<RecoveryResult> RestoreAsync(KeyReference key, string changeId, string? mfaCode, CancellationToken cancellation)
    {
        var policy = Store.GetPolicy();
        RequireChangeId(policy, changeId);
        var audit = new OperationAudit(trail, session, AuditOperations.Recover, false, null, changeId, $"restore under {changeId}", _alerts);
        var (metadata, alias) = await KeyLookup.ResolveAsync(session.Kms, _gates, key, cancellation).ConfigureAwait(false);
        var keyId = metadata?.KeyId ?? key.Value;
        audit.Started(keyId, metadata?.Arn, alias);
        try
        {
            if (metadata is null) throw Refused("KeyDeleted", $"{key.Value} no longer exists: a deleted key cannot be recovered.");
            var request = FindApprovedRequest(metadata.KeyId, changeId);
            RequireRecentRevocation(metadata.KeyId, policy.RecoveryWindowDays);
            if (metadata.KeyState != KeyState.Disabled && metadata.KeyState != KeyState.PendingDeletion)
                throw Refused("KeyNotRevoked", $"{alias ?? keyId} is {metadata.KeyState}: only a Disabled or PendingDeletion key is restored.");
            if (metadata.Origin != OriginType.AWS_KMS)
                throw Refused("KeyMaterialNotIntact", $"{alias ?? keyId} has origin {metadata.Origin}: its key material cannot be verified as intact.");

            var recovery = await audit.StepAsync("assumeRole", () => RecoverySessionAsync(mfaCode, cancellation)).ConfigureAwait(false);
            var previous = metadata.KeyState.Value;
            var cancelled = false;
            if (metadata.KeyState == KeyState.PendingDeletion)
            {
                await audit.StepAsync("cancelDeletion", () => _gates.CallAsync("CancelKeyDeletion", () => recovery.Kms.CancelKeyDeletionAsync(new CancelKeyDeletionRequest { KeyId = keyId }, cancellation), cancellation)).ConfigureAwait(false);
                cancelled = true;
            }
            await audit.StepAsync("enable", () => _gates.CallAsync("EnableKey", () => recovery.Kms.EnableKeyAsync(new EnableKeyRequest { KeyId = keyId }, cancellation), cancellation)).ConfigureAwait(false);
            var (reached, last) = await audit.StepAsync("verify", () => KeyStateWaiter.WaitForAsync(session.Kms, _gates, keyId, KeyState.Enabled, cancellation)).ConfigureAwait(false);
            var access = reached
                ? await audit.StepAsync("accessTest", () => AccessTester.RoundTripAsync(recovery.Kms, keyId, cancellation)).ConfigureAwait(false)
                : (false, 0L, 0L);
            var ok = reached && access.Item1;
            if (ok) Store.SetRecoveryRequestStatus(request.RequestId, RecoveryRequestStatus.Completed);
            var completed = audit.Completed(keyId, metadata.Arn, alias, ok ? AuditOutcome.Succeeded : AuditOutcome.Failed,
                ok ? null : "VerificationFailed", ok ? null : $"After the restore the key reads {last.KeyState} and the access test {(access.Item1 ? "passed" : "failed")}.",
                details: new { requestId = request.RequestId, previousState = previous, state = last.KeyState.Value, accessTest = access.Item1 });
            if (!ok) throw new KeyMgmtException("VerificationFailed", FailureKind.InvalidResult, $"{alias ?? keyId} was restored but did not verify (state {last.KeyState}, access test {(access.Item1 ? "passed" : "failed")}).");
            return new RecoveryResult
            {
                KeyId = keyId, Alias = alias, Environment = session.Environment, ChangeId = changeId, RequestId = request.RequestId,
                ApprovedBy = request.Approvals.Select(a => a.ApprovedBy).ToList(), PreviousState = previous, State = last.KeyState.Value,
                DeletionCancelled = cancelled, Verified = true, AccessTestPassed = true, AuditId = completed.AuditId,
                Duration = audit.Elapsed, StepMilliseconds = audit.Steps,
                AlertMessageId = audit.Alert?.MessageId, AlertDelivery = audit.Alert?.Delivery.ToString() ?? "NoTopic",
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ex is not KeyMgmtException { ErrorId: "VerificationFailed" })
        {
            var failure = Explain(ex, alias ?? keyId);
            audit.Completed(keyId, metadata?.Arn, alias, AuditOutcome.Failed, failure.ErrorId, failure.Message);
            throw failure;
        }
    }

    public async Task<AccessTestResult> TestAccessAsync(KeyReference key, string? mfaCode, CancellationToken cancellation)
    {
        var audit = new OperationAudit(trail, session, AuditOperations.AccessTest, false, session.IncidentId, session.ChangeId, "access test");
        var (metadata, alias) = await KeyLookup.ResolveAsync(session.Kms, _gates, key, cancellation).ConfigureAwait(false);
        var keyId = metadata?.KeyId ?? key.Value;
        audit.Started(keyId, metadata?.Arn, alias);
        try
        {
            if (metadata is null) throw NotFound(key.Value);
            var recovery = await RecoverySessionAsync(mfaCode, cancellation).ConfigureAwait(false);
            await _gates.WaitAsync("Crypto", cancellation).ConfigureAwait(false);
            var (passed, generateMs, decryptMs) = await AccessTester.RoundTripAsync(recovery.Kms, keyId, cancellation).ConfigureAwait(false);
            var row = audit.Completed(keyId, metadata.Arn, alias, passed ? AuditOutcome.Succeeded : AuditOutcome.Failed,
                passed ? null : "RoundTripMismatch", passed ? null : "Decrypt returned other bytes than GenerateDataKey.",
                details: new { generateMs, decryptMs });
            return new AccessTestResult { KeyId = keyId, Alias = alias, Environment = session.Environment, Passed = passed, GenerateDataKeyMs = generateMs, DecryptMs = decryptMs, AuditId = row.AuditId };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var failure = Explain(ex, alias ?? keyId);
            var row = audit.Completed(keyId, metadata?.Arn, alias, AuditOutcome.Failed, failure.ErrorId, failure.Message);
            if (failure.ErrorId is "InvalidKeyState") // Disabled or pending deletion: the test ran and the key is not usable.
                return new AccessTestResult { KeyId = keyId, Alias = alias, Environment = session.Environment, Passed = false, AuditId = row.AuditId, Error = failure.Message };
            throw failure;
        }
    }

    private RecoveryRequest FindApprovedRequest(string keyId, string changeId)
    {
        var ids = Store.Query(new AuditQuery { KeyId = keyId, Operation = AuditOperations.RecoveryRequest, ChangeId = changeId })
            .Where(r => r.Phase == AuditPhase.Completed && r.Outcome == AuditOutcome.Succeeded && r.Details is not null)
            .Select(r => JsonDocument.Parse(r.Details!).RootElement.GetProperty("details").GetProperty("requestId").GetGuid());
        var requests = ids.Select(Store.GetRecoveryRequest).Where(r => r is not null).Select(r => r!).ToList();
        if (requests.Count == 0)
            throw Refused("NoRecoveryRequest", $"No recovery request for {keyId} under {changeId}: run Request-KeyRecovery first.");
        var open = requests.Where(r => r.Status is RecoveryRequestStatus.Approved or RecoveryRequestStatus.Pending).OrderByDescending(r => r.RequestedAtUtc).FirstOrDefault()
            ?? throw Refused("NoOpenRecoveryRequest", $"The recovery requests for {keyId} under {changeId} are {string.Join(", ", requests.Select(r => r.Status).Distinct())}.");
        if (Now >= open.ExpiresAtUtc)
            throw Refused(AuditErrorCodes.RecoveryRequestExpired, $"Recovery request {open.RequestId} expired at {open.ExpiresAtUtc:u}.");
        var distinct = open.Approvals.Select(a => a.ApprovedBy).Where(a => a != open.RequestedBy).Distinct().Count();
        if (distinct < open.ApprovalsRequired)
            throw Refused("ApprovalsMissing", $"Recovery request {open.RequestId} has {distinct} of {open.ApprovalsRequired} required approvals from people other than the requester.");
        return open;
    }

    private void RequireRecentRevocation(string keyId, int windowDays)
    {
        var revoked = Store.Query(new AuditQuery { KeyId = keyId })
            .Where(r => r.Phase == AuditPhase.Completed && r.Outcome == AuditOutcome.Succeeded
                        && r.Operation is AuditOperations.Revoke or AuditOperations.ScheduleDeletion)
            .Select(r => (DateTimeOffset?)r.OccurredAtUtc).FirstOrDefault();
        if (revoked is null)
            throw Refused("NoRevocationOnRecord", $"{keyId} has no recorded revocation: only a key revoked by this module can be recovered.");
        if (Now - revoked.Value > TimeSpan.FromDays(windowDays))
            throw Refused("RecoveryWindowPassed", $"{keyId} was revoked at {revoked:u}, more than the {windowDays}-day recovery window ago.");
    }

    private async Task<KeyMgmtSession> RecoverySessionAsync(string? mfaCode, CancellationToken cancellation)
    {
        if (session.Role == KeyMgmtRole.Recovery) return session;
        if (mfaCode is null)
            throw new KeyMgmtException("RecoveryRoleRequired", FailureKind.PermissionDenied,
                $"This needs the Recovery role; this session holds {session.Role}.",
                "Pass -MfaCode to assume the Recovery role, or Connect-KeyManagement -Role Recovery -MfaCode <code>.");
        return await SessionConnector.ElevateAsync(session, KeyMgmtRole.Recovery, mfaCode, cancellation).ConfigureAwait(false);
    }

    private T Finish<T>(OperationAudit audit, string keyId, string? arn, string? alias, Func<(T Result, object Details)> action)
    {
        try
        {
            var (result, details) = action();
            audit.Completed(keyId, arn, alias, AuditOutcome.Succeeded, details: details);
            return result;
        }
        catch (Exception ex)
        {
            var failure = Explain(ex, alias ?? keyId);
            audit.Completed(keyId, arn, alias, AuditOutcome.Failed, failure.ErrorId, failure.Message);
            throw failure;
        }
    }

    private KeyMgmtException Explain(Exception ex, string target) => ex switch
    {
        KeyMgmtException k => k,
        AuditStoreException a => new KeyMgmtException(a.Code, a.Code is AuditErrorCodes.SelfApproval or AuditErrorCodes.DuplicateApproval ? FailureKind.PermissionDenied
            : a is AuditStoreUnavailableException ? FailureKind.ResourceUnavailable : FailureKind.InvalidOperation, a.Message, null, a),
        _ => AwsErrors.Translate(ex, "Recovering", target, session.Environment),
    };

    private static void RequireChangeId(Policy.PolicySettings policy, string changeId)
    {
        if (!policy.IsValidChangeId(changeId))
            throw new KeyMgmtException("ChangeIdInvalid", FailureKind.InvalidArgument, $"'{changeId}' is not a change id: expected the policy's pattern {policy.ChangeIdPattern}, e.g. CHG-2026-0107.");
    }

    private static KeyMgmtException Refused(string id, string message) => new(id, FailureKind.PermissionDenied, message);
    private static KeyMgmtException NotFound(string reference) => new("KeyNotFound", FailureKind.ObjectNotFound, $"Key '{reference}' was not found.");
}
