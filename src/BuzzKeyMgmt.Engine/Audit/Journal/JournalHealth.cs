namespace BuzzKeyMgmt.Engine.Audit.Journal;

/// <summary>
/// What the journals of a store hold, for Test-KeyMgmtEnvironment and Get-KeyCompliance: the verifiable rows waiting to
/// be replayed, and the problems, each a sentence naming its file and the fix: a journal that cannot be read, lines that
/// cannot be verified (with line numbers and reasons), lines already quarantined (not in the store). Never throws.
/// </summary>
public sealed record JournalHealth(int Waiting, IReadOnlyList<string> Waits, IReadOnlyList<string> Problems)
{
    /// <summary>How long a check waits for a journal another process holds (a Sync replaying it).</summary>
    public static readonly TimeSpan CheckLockWait = TimeSpan.FromSeconds(3);

    public bool HasProblems => Problems.Count > 0;

    /// <summary>"3 row(s) waiting in …; 2 row(s) waiting in …".</summary>
    public string DescribeWaits() => string.Join("; ", Waits);

    public static JournalHealth Inspect(IEnumerable<AuditJournal> journals)
    {
        var waiting = 0;
        var waits = new List<string>();
        var problems = new List<string>();
        foreach (var configured in journals)
        {
            var journal = new AuditJournal(configured.JournalPath) { LockWait = CheckLockWait };
            try
            {
                var scan = journal.Scan();
                waiting += scan.Rows.Count;
                if (scan.Rows.Count > 0) waits.Add($"{scan.Rows.Count} row(s) waiting in {journal.JournalPath}");
                if (!scan.IsClean)
                    problems.Add($"{scan.BadLines.Count} line(s) of the audit journal {journal.JournalPath} cannot be verified ({scan.DescribeBadLines()}): " +
                                 $"Sync-KeyAuditJournal replays every other row and moves these lines to {journal.QuarantinePath}");
            }
            catch (Exception ex) when (ex is AuditStoreException or IOException or UnauthorizedAccessException)
            {
                problems.Add($"the audit journal {journal.JournalPath} cannot be read: {ex.Message}");
            }
            try
            {
                var quarantined = journal.HasQuarantine ? journal.ReadQuarantine() : [];
                if (quarantined.Count > 0)
                    problems.Add($"{quarantined.Count} line(s) quarantined in {journal.QuarantinePath} are not in the audit store " +
                                 $"({string.Join("; ", quarantined.Take(3).Select(q => $"line {q.Line}: {q.Reason}"))}{(quarantined.Count > 3 ? "; …" : "")}): " +
                                 "review them, then move the file away");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems.Add($"the quarantine file {journal.QuarantinePath} cannot be read: {ex.Message}");
            }
        }
        return new JournalHealth(waiting, waits, problems);
    }
}
