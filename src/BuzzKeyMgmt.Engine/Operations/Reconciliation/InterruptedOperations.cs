using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Operations.Runner;

namespace BuzzKeyMgmt.Engine.Operations.Reconciliation;

/// <summary>
/// Finds operations that began and never ended and reconciles them. Run on the next use of the store (before a
/// non-emergency operation, at most every <see cref="AuditStores.ReconcileEvery"/> per environment; after
/// Sync-KeyAuditJournal) and by Test-KeyAuditIntegrity. Never before an emergency: break-glass is never delayed.
/// While the local or fallback journal holds rows the store has not taken, nothing is reconciled (the missing Completed row may be
/// waiting there).
/// </summary>
public static class InterruptedOperations
{
    /// <summary>A Started row younger than this may belong to an operation still running elsewhere.</summary>
    public static readonly TimeSpan DefaultAge = TimeSpan.FromMinutes(5);
    public const int MaxPerPass = 100;

    /// <summary>Key operations of the session's environment started more than <paramref name="olderThan"/> ago and never
    /// completed, oldest first (empty while the journal holds rows).</summary>
    public static IReadOnlyList<AuditRecord> Find(AuditTrail trail, KeyMgmtSession session, TimeSpan olderThan) =>
        Find(trail, session.Environment, session.Clock.GetUtcNow(), olderThan);

    /// <summary>The same, for an environment and a time of one's own (no session: to list, not to reconcile).</summary>
    public static IReadOnlyList<AuditRecord> Find(AuditTrail trail, string environment, DateTimeOffset now, TimeSpan olderThan)
    {
        if (trail.HasPendingJournal) return [];
        return trail.Use(store => store.FindInterrupted(environment, now - olderThan, MaxPerPass))
            .Where(r => !string.IsNullOrEmpty(r.KeyId) && r.Operation != AuditOperations.Reconcile).ToList();
    }

    /// <summary>One RECONCILE pair per interrupted operation, on the shared path; a reconciliation that fails (the store
    /// went away) is reported in its result's Error and the rest go on.</summary>
    public static async Task<IReadOnlyList<ReconcileResult>> ReconcileAsync(OperationRunner runner, IReadOnlyList<AuditRecord> interrupted,
        CancellationToken cancellation)
    {
        var results = new List<ReconcileResult>();
        foreach (var started in interrupted)
        {
            cancellation.ThrowIfCancellationRequested();
            try
            {
                results.Add(await runner.RunAsync(new Reconciliation(started), cancellation).ConfigureAwait(false));
            }
            catch (OperationFailedException failed)
            {
                results.Add(new ReconcileResult
                {
                    KeyId = started.KeyId!, Alias = started.Alias, Environment = started.Environment, InterruptedOperation = started.Operation,
                    InterruptedOperationId = started.OperationId, StartedAtUtc = started.OccurredAtUtc, StartedBy = started.OperatorArn,
                    Outcome = failed.Outcome, AuditId = failed.AuditId ?? Guid.Empty, Error = failed.Message, Warnings = failed.Warnings,
                });
            }
        }
        return results;
    }
}
