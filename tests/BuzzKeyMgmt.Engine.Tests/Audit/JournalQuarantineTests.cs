using System.Text.Json;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Journal;
using BuzzKeyMgmt.Engine.Audit.Sqlite;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>
/// A journal with a bad line does not hide the rest: Sync replays every verifiable row, moves the bad lines to
/// &lt;journal&gt;.quarantine with their line numbers and reasons, and says so; an append chains past a bad line; the
/// fallback journal is replayed with the local one, in time order.
/// </summary>
public sealed class JournalQuarantineTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly SqliteAuditStore _store;
    private readonly AuditJournal _journal;

    public JournalQuarantineTests()
    {
        _store = new SqliteAuditStore(_directory.File("store", "audit.db"));
        _store.Migrate();
        _journal = new AuditJournal(_directory.File("journal", "audit.jsonl"));
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void One_garbage_line_among_400_rows_is_quarantined_with_its_line_number_and_the_400_rows_are_stored_once()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 400; i++) ids.Add(_journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId(), minute: i)).AuditId);
        var lines = File.ReadAllLines(_journal.JournalPath).ToList();
        lines.Insert(200, "garbage written by something else");   // becomes line 201
        File.WriteAllLines(_journal.JournalPath, lines);

        var sync = new AuditTrail(_store, _journal).Sync();

        Assert.Equal((400, 400, 0), (sync.JournalRows, sync.Replayed, sync.AlreadyPresent));
        var bad = Assert.Single(sync.QuarantinedLines);
        Assert.Equal((201, "garbage written by something else", _journal.JournalPath), (bad.Line, bad.Text, bad.Journal));
        Assert.StartsWith("unreadable", bad.Reason);
        Assert.Equal([_journal.QuarantinePath], sync.QuarantinePaths);
        var kept = JsonDocument.Parse(File.ReadAllLines(_journal.QuarantinePath).Single()).RootElement;
        Assert.Equal((201, "garbage written by something else"), (kept.GetProperty("line").GetInt32(), kept.GetProperty("text").GetString()));
        Assert.False(string.IsNullOrEmpty(kept.GetProperty("reason").GetString()));
        Assert.Equal(ids, _store.ReadChain().Select(r => r.AuditId));   // in journal order, each once
        Assert.True(sync.StoreChain.IsValid);
        Assert.False(_journal.HasPending);

        var again = new AuditTrail(_store, _journal).Sync();
        Assert.Equal((0, 0, 0), (again.JournalRows, again.Replayed, again.Quarantined));
        Assert.Equal(400, _store.VerifyChain().RowsChecked);
    }

    [Fact]
    public void An_append_after_a_garbage_line_chains_after_the_last_good_line_and_reports_the_bad_one()
    {
        _journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        File.AppendAllText(_journal.JournalPath, "not json\n");

        var next = _journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()), out var before);

        Assert.Equal(2, next.Sequence);
        Assert.Equal(2, Assert.Single(before.BadLines).Line);
        var scan = _journal.Scan();
        Assert.Equal([1, 3], scan.Rows.Select(r => r.Line));
        Assert.Empty(scan.Gaps);   // the good rows still link to each other
    }

    [Fact]
    public void The_replay_before_a_new_row_leaves_a_journal_with_a_bad_line_for_sync_and_the_new_row_is_stored()
    {
        var waiting = _journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        File.AppendAllText(_journal.JournalPath, "not json\n");
        var trail = new AuditTrail(_store, _journal);

        var stored = trail.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));

        Assert.False(stored.Journaled);
        Assert.False(_store.Contains(waiting.AuditId));   // not replayed behind the operator's back ...
        Assert.False(File.Exists(_journal.QuarantinePath));   // ... nor quarantined without a report
        Assert.Equal(1, trail.Sync().Quarantined);
        Assert.True(_store.Contains(waiting.AuditId));
    }

    [Fact]
    public void A_torn_tail_is_quarantined_by_sync_not_dropped()
    {
        _journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        File.AppendAllText(_journal.JournalPath, "{\"Sequence\":2,\"PreviousHash\":\"ab");

        var sync = new AuditTrail(_store, _journal).Sync();

        Assert.Equal(1, sync.Replayed);
        var torn = Assert.Single(sync.QuarantinedLines);
        Assert.Equal((2, "{\"Sequence\":2,\"PreviousHash\":\"ab"), (torn.Line, torn.Text));
        Assert.Contains("incomplete", torn.Reason);
    }

    [Fact]
    public void The_replay_before_a_new_row_leaves_a_torn_tail_for_sync_to_report()
    {
        var waiting = _journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        File.AppendAllText(_journal.JournalPath, "{\"Sequence\":2,\"Prev");

        Assert.False(new AuditTrail(_store, _journal).Append(SampleEntries.Started("prod", SampleEntries.NewKeyId())).Journaled);

        Assert.False(_store.Contains(waiting.AuditId));
        Assert.False(File.Exists(_journal.QuarantinePath));
        Assert.Equal(1, new AuditTrail(_store, _journal).Sync().Quarantined);
    }

    [Fact]
    public void A_missing_line_between_two_good_ones_is_reported_and_both_are_still_replayed()
    {
        for (var i = 0; i < 3; i++) _journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId(), minute: i));
        var lines = File.ReadAllLines(_journal.JournalPath);
        File.WriteAllLines(_journal.JournalPath, [lines[0], lines[2]]);   // the second row deleted

        var sync = new AuditTrail(_store, _journal).Sync();

        Assert.Equal(2, sync.Replayed);
        Assert.Equal(0, sync.Quarantined);
        Assert.Contains(sync.Problems, p => p.Contains("line 2 does not follow line 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Sync_replays_the_fallback_journal_with_the_local_one_in_time_order()
    {
        var fallback = new AuditJournal(_directory.File("fallback", "journal", "audit.jsonl"));
        var a = _journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId(), minute: 1));
        var b = fallback.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId(), minute: 2));
        var c = _journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId(), minute: 3));
        var trail = new AuditTrail(_store, _journal, fallback: fallback);
        Assert.True(trail.HasPendingJournal);

        var sync = trail.Sync();

        Assert.Equal((3, 3), (sync.JournalRows, sync.Replayed));
        Assert.Equal([_journal.JournalPath, fallback.JournalPath], sync.Journals);
        Assert.Equal([a.AuditId, b.AuditId, c.AuditId], _store.ReadChain().Select(r => r.AuditId));
        Assert.False(trail.HasPendingJournal);
    }

    [Fact]
    public void The_journal_health_names_waiting_rows_bad_lines_and_quarantined_lines_and_never_throws()
    {
        _journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        File.AppendAllText(_journal.JournalPath, "not json\n");
        var waiting = JournalHealth.Inspect([_journal]);
        Assert.Equal(1, waiting.Waiting);
        Assert.Contains(waiting.Problems, p => p.Contains("line 2: unreadable", StringComparison.Ordinal) && p.Contains(_journal.QuarantinePath, StringComparison.Ordinal));

        new AuditTrail(_store, _journal).Sync();
        var after = JournalHealth.Inspect([_journal]);
        Assert.Equal(0, after.Waiting);
        Assert.Contains(after.Problems, p => p.Contains("1 line(s) quarantined in " + _journal.QuarantinePath, StringComparison.Ordinal));

        _journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        using (new FileStream(_journal.JournalPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))   // held by another writer
        {
            var held = JournalHealth.Inspect([_journal]);
            Assert.Contains(held.Problems, p => p.Contains("cannot be read", StringComparison.Ordinal) && p.Contains("held by another process", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_fallback_folder_that_others_may_write_is_refused()
    {
        if (OperatingSystem.IsWindows()) return;   // Unix modes; on Windows the user's temporary folder is private
        var root = _directory.File("shared");
        Directory.CreateDirectory(root);
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("777", 8));
        var fallback = new AuditJournal(Path.Combine(root, "journal", "audit.jsonl")) { RequirePrivateFolder = true };

        var refused = Assert.Throws<AuditStoreException>(() => fallback.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId())));

        Assert.Contains("other users", refused.Message);
        File.SetUnixFileMode(root, (UnixFileMode)Convert.ToInt32("700", 8));
        Assert.Equal(1, fallback.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId())).Sequence);
        Assert.Equal((UnixFileMode)Convert.ToInt32("700", 8), File.GetUnixFileMode(Path.Combine(root, "journal")));
    }
}
