using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Context;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Engine.Operations.Recovery;

/// <summary>
/// Finds recovery requests in an audit store for the people who approve and restore (Get-KeyRecoveryRequest), with
/// the status they have now: a Pending or Approved request past its 24-hour expiry is Expired (by the environment's
/// clock: the sandbox's for the sandbox), exactly where Approve-KeyRecovery and Restore-EncryptionKey refuse it; a
/// request a restore used is Completed ("Used"). Nothing is written.
/// </summary>
public static class RecoveryRequestFinder
{
    /// <summary>The status names the finder accepts: the stored ones, and "Used" for Completed.</summary>
    public static readonly IReadOnlyList<string> StatusNames = ["Pending", "Approved", "Expired", "Used", "Completed", "Cancelled"];

    /// <summary>The statuses for the names given (case-insensitive; "Used" is Completed); null for none given.</summary>
    public static IReadOnlySet<RecoveryRequestStatus>? Statuses(IEnumerable<string>? names)
    {
        if (names is null) return null;
        var set = new HashSet<RecoveryRequestStatus>();
        foreach (var name in names)
        {
            if (string.Equals(name, "Used", StringComparison.OrdinalIgnoreCase)) set.Add(RecoveryRequestStatus.Completed);
            else if (Enum.TryParse<RecoveryRequestStatus>(name, ignoreCase: true, out var s) && Enum.IsDefined(s)) set.Add(s);
            else
                throw new KeyMgmtException("RecoveryStatusUnknown", FailureKind.InvalidArgument,
                    $"'{DisplayText.Neutralize(name)}' is not a recovery request status. Expected one of {string.Join(", ", StatusNames)}.");
        }
        return set.Count == 0 ? null : set;
    }

    public static IReadOnlyList<RecoveryRequest> Find(KeyMgmtContext context, AuditLocation located, KeyMgmtSession? session,
        Guid? requestId, string? keyId, string? changeId, IReadOnlySet<RecoveryRequestStatus>? statuses, int last)
    {
        var clock = (located.EnvironmentName is { } name ? context.Environments.Find(name)?.Clock : null)
                    ?? (session is not null && string.Equals(session.Environment, located.EnvironmentName, StringComparison.OrdinalIgnoreCase) ? session.Clock : null)
                    ?? TimeProvider.System;
        var store = context.Audit.Open(located);
        return store.FindRecoveryRequests(new RecoveryRequestQuery
        {
            RequestId = requestId, KeyId = keyId, ChangeId = changeId, Statuses = statuses, AsOfUtc = clock.GetUtcNow(), Last = last,
        });
    }
}
