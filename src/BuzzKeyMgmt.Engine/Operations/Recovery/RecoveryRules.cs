using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Operations.Runner;
using BuzzKeyMgmt.Engine.Policy;

namespace BuzzKeyMgmt.Engine.Operations.Recovery;

/// <summary>The four-eyes rules restore checks before it touches a key, read from the audit store (the approval record):
/// an approved, unexpired request under the change, and a revocation that began inside the recovery window.</summary>
internal static class RecoveryRules
{
    public static PolicySettings RequireChangeId(OperationRun run, string changeId)
    {
        var policy = run.Trail.Use(store => store.GetPolicy());
        OperatorInput.RequireChangeId(policy, changeId);
        return policy;
    }

    /// <summary>The newest open request for the key under the change, refused unless approved by enough people other
    /// than the requester and not expired.</summary>
    public static RecoveryRequest ApprovedRequest(OperationRun run, string keyId, string changeId)
    {
        var requests = run.Trail.Use(store => store.FindRecoveryRequests(new RecoveryRequestQuery { KeyId = keyId, ChangeId = changeId }));
        if (requests.Count == 0)
            throw Refused("NoRecoveryRequest", $"No recovery request for {keyId} under {changeId}: run Request-KeyRecovery first.");
        var open = requests.Where(r => r.Status is RecoveryRequestStatus.Approved or RecoveryRequestStatus.Pending).MaxBy(r => r.RequestedAtUtc)
            ?? throw Refused("NoOpenRecoveryRequest", $"The recovery requests for {keyId} under {changeId} are {string.Join(", ", requests.Select(r => r.Status).Distinct())}.");
        if (run.Now >= open.ExpiresAtUtc)
            throw Refused(AuditErrorCodes.RecoveryRequestExpired, $"Recovery request {open.RequestId} expired at {open.ExpiresAtUtc:u}.");
        var distinct = open.Approvals.Select(a => a.ApprovedBy).Where(a => a != open.RequestedBy).Distinct().Count();
        if (distinct < open.ApprovalsRequired)
            throw Refused("ApprovalsMissing", $"Recovery request {open.RequestId} has {distinct} of {open.ApprovalsRequired} required approvals from people other than the requester.");
        return open;
    }

    /// <summary>The key's current revocation began inside the window (a re-run of Revoke on a revoked key never moves
    /// its start: see <see cref="IAuditStore.GetRevokedSince"/>).</summary>
    public static DateTimeOffset RequireRecentRevocation(OperationRun run, string keyId, int windowDays)
    {
        var since = run.Trail.Use(store => store.GetRevokedSince(keyId))
            ?? throw Refused("NoRevocationOnRecord", $"{keyId} has no recorded revocation: only a key revoked by this module can be recovered.");
        if (run.Now - since > TimeSpan.FromDays(windowDays))
            throw Refused("RecoveryWindowPassed", $"{keyId} was revoked at {since:u}, more than the {windowDays}-day recovery window ago.");
        return since;
    }

    public static KeyMgmtException Refused(string id, string message) => new(id, FailureKind.PermissionDenied, message);
}
