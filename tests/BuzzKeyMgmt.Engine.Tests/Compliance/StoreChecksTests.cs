using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Journal;
using BuzzKeyMgmt.Engine.Audit.Sqlite;
using BuzzKeyMgmt.Engine.Compliance;
using BuzzKeyMgmt.Engine.Tests.Audit;
using Microsoft.Data.Sqlite;

namespace BuzzKeyMgmt.Engine.Tests.Compliance;

/// <summary>The audit store's own checks on a real SQLite store, journal and outbox.</summary>
public sealed class StoreChecksTests : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly SqliteAuditStore _store;
    private readonly AuditTrail _trail;
    private readonly AlertOutbox _outbox;
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    public StoreChecksTests()
    {
        _store = new SqliteAuditStore(_folder.File("audit.db"));
        _store.Migrate();
        _trail = new AuditTrail(_store, new AuditJournal(_folder.File("journal.jsonl")));
        _outbox = new AlertOutbox(_folder.File("outbox.jsonl"));
    }

    private Dictionary<string, ComplianceFinding> Judge() =>
        StoreChecks.Evaluate("prod", _trail, _outbox, Now, out _, out _).ToDictionary(f => f.Check);

    private void Drill(AuditOutcome outcome, int daysAgo)
    {
        // A drill's report row as Invoke-KeyRevocationDrill writes it (Drills/DrillRecords reads these).
        var drillId = Guid.NewGuid().ToString("N")[..12];
        var started = SampleEntries.Started("prod", SampleEntries.NewKeyId(), AuditOperations.Drill) with { OccurredAtUtc = Now.AddDays(-daysAgo) };
        _store.Append(started);
        var status = outcome == AuditOutcome.Succeeded ? "Passed" : "Failed";
        _store.Append(SampleEntries.Completed(started, outcome) with
        {
            OccurredAtUtc = Now.AddDays(-daysAgo),
            Details = "{\"drillId\":\"" + drillId + "\",\"details\":{\"step\":\"report\",\"data\":{\"scenario\":\"Revoke\"},\"report\":{\"status\":\"" + status + "\"}}}",
        });
    }

    [Fact]
    public void A_clean_store_passes_and_drills_are_not_applicable_until_one_is_recorded()
    {
        var f = Judge();
        Assert.Equal(ComplianceStatus.Pass, f[ComplianceChecks.AuditChainIntact].Status);
        Assert.Equal(ComplianceStatus.Pass, f[ComplianceChecks.NothingUnsynced].Status);
        Assert.Equal(ComplianceStatus.NotApplicable, f[ComplianceChecks.DrillRecent].Status);
    }

    [Fact]
    public void A_passing_drill_within_90_days_passes_an_older_or_failed_one_fails()
    {
        Drill(AuditOutcome.Failed, 5);
        Assert.Equal(ComplianceStatus.Fail, Judge()[ComplianceChecks.DrillRecent].Status);
        Drill(AuditOutcome.Succeeded, 120);
        Assert.Equal(ComplianceStatus.Fail, Judge()[ComplianceChecks.DrillRecent].Status);
        Drill(AuditOutcome.Succeeded, 30);
        Assert.Equal(ComplianceStatus.Pass, Judge()[ComplianceChecks.DrillRecent].Status);
    }

    [Fact]
    public void Journal_rows_and_queued_alerts_left_unsynced_fail_with_their_counts()
    {
        _trail.Journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()) with { IsEmergency = true });
        _outbox.Append(new PendingAlert("a1", "arn:aws:sns:us-east-1:111122223333:t", "s", "{}", Now, null));
        var unsynced = Judge()[ComplianceChecks.NothingUnsynced];
        Assert.Equal((ComplianceStatus.Fail, "1 journal row(s) and 1 queued alert(s) wait: run Sync-KeyAuditJournal"), (unsynced.Status, unsynced.Detail));
    }

    [Fact]
    public void A_journal_line_that_cannot_be_verified_fails_the_check_naming_it_and_the_rows_behind_it_still_count()
    {
        _trail.Journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()) with { IsEmergency = true });
        File.AppendAllText(_trail.Journal.JournalPath, "garbage\n");
        _trail.Journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()) with { IsEmergency = true });

        var unsynced = Judge()[ComplianceChecks.NothingUnsynced];

        Assert.Equal(ComplianceStatus.Fail, unsynced.Status);
        Assert.Contains("2 journal row(s) and 0 queued alert(s) wait", unsynced.Detail);
        Assert.Contains("line 2: unreadable", unsynced.Detail);

        _trail.Sync();   // replays the two rows and quarantines line 2: still not in the store, still a finding
        var quarantined = Judge()[ComplianceChecks.NothingUnsynced];
        Assert.Equal(ComplianceStatus.Fail, quarantined.Status);
        Assert.Contains($"1 line(s) quarantined in {_trail.Journal.QuarantinePath}", quarantined.Detail);
    }

    [Fact]
    public void Outbox_lines_that_are_not_an_alert_count_as_unsynced_and_name_the_quarantine_file()
    {
        File.WriteAllText(_outbox.OutboxPath, "not an alert\n");
        var unsynced = Judge()[ComplianceChecks.NothingUnsynced];
        Assert.Equal((ComplianceStatus.Fail, $"1 unreadable outbox line(s) (see {_outbox.QuarantinePath})"), (unsynced.Status, unsynced.Detail));
    }

    [Fact]
    public void An_altered_row_breaks_the_chain_and_fails_the_check()
    {
        var row = _store.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        _store.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        using (var connection = new SqliteConnection($"Data Source={_store.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"DROP TRIGGER IF EXISTS TR_KeyManagementAudit_NoUpdate; UPDATE KeyManagementAudit SET Reason = 'covered up' WHERE Sequence = {row.Sequence};";
            command.ExecuteNonQuery();
        }
        var chain = Judge()[ComplianceChecks.AuditChainIntact];
        Assert.Equal(ComplianceStatus.Fail, chain.Status);
        Assert.Contains($"broken at sequence {row.Sequence}", chain.Detail);
    }

    public void Dispose() => _folder.Dispose();
}
