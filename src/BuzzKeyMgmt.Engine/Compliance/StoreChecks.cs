using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Journal;

namespace BuzzKeyMgmt.Engine.Compliance;

/// <summary>The store-level checks: the audit chain intact, nothing left unsynced (journal rows, queued alerts, journal
/// lines that cannot be verified or were quarantined), and a
/// passing drill within the last 90 days (NotApplicable until the first drill is recorded).</summary>
public static class StoreChecks
{
    public const int DrillWindowDays = 90;

    public static IReadOnlyList<ComplianceFinding> Evaluate(string environment, AuditTrail trail, AlertOutbox? outbox, DateTimeOffset now,
        out ChainVerification? chain, out string? chainProblem, string? accountId = null, string? region = null)
    {
        var findings = new List<ComplianceFinding>(3);
        void Add(string check, ComplianceStatus status, string detail) => findings.Add(new ComplianceFinding
        {
            Environment = environment, AccountId = accountId, Region = region, Check = check, Status = status, Detail = detail, Requirement = ComplianceChecks.Requirement(check),
        });
        chain = null;
        chainProblem = null;
        try
        {
            chain = trail.Use(store => store.VerifyChain());
            Add(ComplianceChecks.AuditChainIntact, chain.IsValid ? ComplianceStatus.Pass : ComplianceStatus.Fail,
                chain.IsValid ? $"{chain.RowsChecked} rows, chain intact (last sequence {chain.LastSequence})"
                    : $"broken at sequence {chain.BrokenSequence}: {chain.Problem}");
        }
        catch (AuditStoreException ex)
        {
            chainProblem = ex.Message;
            Add(ComplianceChecks.AuditChainIntact, ComplianceStatus.Fail, $"the audit store could not be read: {ex.Message}");
        }

        int journal, alerts;
        try
        {
            var health = JournalHealth.Inspect(trail.Journals);   // never throws: a journal that cannot be read is a problem
            journal = health.Waiting;
            var queued = outbox?.Inspect();
            alerts = queued?.Pending.Count ?? 0;
            var unreadable = queued is null ? 0 : queued.Unreadable.Count + queued.Quarantined; // alerts nobody received either
            var detail = new List<string>();
            if (journal + alerts > 0) detail.Add($"{journal} journal row(s) and {alerts} queued alert(s) wait: run Sync-KeyAuditJournal");
            if (unreadable > 0) detail.Add($"{unreadable} unreadable outbox line(s) (see {outbox!.QuarantinePath})");
            detail.AddRange(health.Problems);
            Add(ComplianceChecks.NothingUnsynced, detail.Count == 0 ? ComplianceStatus.Pass : ComplianceStatus.Fail,
                detail.Count == 0 ? "no journal rows or queued alerts waiting" : string.Join("; ", detail));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or AuditStoreException)
        {
            Add(ComplianceChecks.NothingUnsynced, ComplianceStatus.Fail, $"the journal or outbox could not be read: {ex.Message}");
        }

        try
        {
            var drills = Drills.DrillRecords.History(trail, environment)
                .Where(d => d.Status is not (Drills.DrillStatus.WaitingForApprovals or Drills.DrillStatus.WaitingForMfa)).ToList();
            var passed = drills.Where(d => d.Passed).Select(d => (DateTimeOffset?)d.EndedAtUtc).Max();
            if (drills.Count == 0) Add(ComplianceChecks.DrillRecent, ComplianceStatus.NotApplicable, "no drill recorded yet (Invoke-KeyRevocationDrill)");
            else if (passed is { } at && now - at <= TimeSpan.FromDays(DrillWindowDays))
                Add(ComplianceChecks.DrillRecent, ComplianceStatus.Pass, $"last passing drill {at:yyyy-MM-dd} (Get-KeyDrillHistory)");
            else Add(ComplianceChecks.DrillRecent, ComplianceStatus.Fail,
                passed is { } old ? $"last passing drill {old:yyyy-MM-dd}, over {DrillWindowDays} days ago" : "no drill has passed");
        }
        catch (AuditStoreException ex)
        {
            Add(ComplianceChecks.DrillRecent, ComplianceStatus.Fail, $"the audit store could not be read: {ex.Message}");
        }
        return findings;
    }

    /// <summary>The keys the audit log shows revoked: by any successful revocation, and by an emergency one.</summary>
    public static RevocationRecords Revocations(AuditTrail trail, string environment)
    {
        var rows = new[] { AuditOperations.Revoke, AuditOperations.ScheduleDeletion }
            .SelectMany(op => trail.Use(store => store.Query(new AuditQuery { Operation = op, Environment = environment })))
            .Where(r => r.Phase == AuditPhase.Completed && r.Outcome == AuditOutcome.Succeeded)
            .ToList();
        static IEnumerable<string> Names(AuditRecord r) => new[] { r.KeyId, r.KeyArn, r.Alias }.Where(n => n is not null)!;
        return new RevocationRecords(
            rows.Where(r => r.IsEmergency).SelectMany(Names).ToHashSet(StringComparer.Ordinal),
            rows.SelectMany(Names).ToHashSet(StringComparer.Ordinal));
    }
}
