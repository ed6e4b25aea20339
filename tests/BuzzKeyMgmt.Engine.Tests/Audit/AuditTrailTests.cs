using System.Net;
using System.Net.Sockets;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Journal;
using BuzzKeyMgmt.Engine.Audit.Sqlite;
using BuzzKeyMgmt.Engine.Audit.SqlServer;
using Xunit;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>The store goes away mid-run: rows go to the durable journal, and Sync brings every row in exactly once.</summary>
public sealed class AuditTrailTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly string _storeFolder;
    private readonly SqliteAuditStore _store;
    private readonly AuditJournal _journal;

    public AuditTrailTests()
    {
        _storeFolder = _directory.File("store");
        _store = new SqliteAuditStore(Path.Combine(_storeFolder, "audit.db"));
        _store.Migrate();
        _journal = new AuditJournal(_directory.File("journal", "audit-journal.jsonl"));
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Rows_written_while_the_store_is_away_are_journaled_and_synced_exactly_once()
    {
        var trail = new AuditTrail(_store, _journal);
        var environment = SampleEntries.NewEnvironment();
        var written = new List<Guid>();
        AuditAppendResult Append(int minute)
        {
            var entry = SampleEntries.Started(environment, SampleEntries.NewKeyId(), AuditOperations.Revoke, minute);
            written.Add(entry.AuditId);
            return trail.Append(entry);
        }

        for (var i = 0; i < 4; i++) Assert.False(Append(i).Journaled);

        Directory.Move(_storeFolder, _storeFolder + "-away"); // the store disappears
        var journaled = Enumerable.Range(10, 6).Select(Append).ToList();
        Assert.All(journaled, r => Assert.True(r.Journaled));
        Assert.All(journaled, r => Assert.Contains("local journal", r.Warning));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), journaled.Select(r => r.Record.Sequence)); // journal chain
        Assert.True(_journal.Verify().IsValid);
        var sync = Assert.Throws<AuditStoreUnavailableException>(() => trail.Sync()); // still away: journal kept
        Assert.NotNull(sync);
        Assert.Equal(6, _journal.ReadAll().Count);
        var journalCopy = File.ReadAllBytes(_journal.JournalPath);

        Directory.Move(_storeFolder + "-away", _storeFolder); // the store is back
        var first = trail.Sync();
        Assert.Equal((6, 6, 0), (first.JournalRows, first.Replayed, first.AlreadyPresent));
        Assert.True(first.StoreChain.IsValid, first.StoreChain.ToString());
        var second = trail.Sync();
        Assert.Equal((0, 0, 0), (second.JournalRows, second.Replayed, second.AlreadyPresent));

        // Replaying the same journal again (e.g. a crash after the rows were stored but before it was emptied) adds nothing.
        File.WriteAllBytes(_journal.JournalPath, journalCopy);
        var replay = trail.Sync();
        Assert.Equal((6, 0, 6), (replay.JournalRows, replay.Replayed, replay.AlreadyPresent));

        Assert.False(Append(30).Journaled);
        var stored = _store.Query(new AuditQuery { Environment = environment });
        Assert.Equal(written.Count, stored.Count);
        Assert.Equal(written.OrderBy(g => g), stored.Select(r => r.AuditId).OrderBy(g => g)); // every row exactly once
        var chain = _store.VerifyChain();
        Assert.True(chain.IsValid, chain.ToString());
        Assert.Equal(11, chain.RowsChecked);
    }

    [Fact]
    public void Journaled_rows_keep_their_content_and_time_when_replayed()
    {
        var trail = new AuditTrail(_store, _journal);
        Directory.Move(_storeFolder, _storeFolder + "-away");
        var entry = SampleEntries.Completed(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        var journaled = trail.Append(entry);
        Assert.True(journaled.Journaled);
        Directory.Move(_storeFolder + "-away", _storeFolder);

        Assert.Equal(1, trail.Sync().Replayed);
        var stored = Assert.Single(_store.Query(new AuditQuery { OperationId = entry.OperationId }));
        Assert.Equal(AuditEntryRules.Normalize(entry), stored.ToEntry());
    }

    [Fact]
    public void The_first_append_after_an_outage_replays_the_journal_first_so_the_store_keeps_time_order()
    {
        var trail = new AuditTrail(_store, _journal);
        var before = trail.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId(), minute: 0));
        Directory.Move(_storeFolder, _storeFolder + "-away");
        var during = trail.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId(), minute: 1));
        Directory.Move(_storeFolder + "-away", _storeFolder);
        var after = trail.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId(), minute: 2));

        Assert.False(after.Journaled);
        Assert.False(_journal.HasPending);
        Assert.Equal([before.Record.AuditId, during.Record.AuditId, after.Record.AuditId],
            _store.ReadChain().Select(r => r.AuditId));
        Assert.Equal(3, after.Record.Sequence);
    }

    [Fact]
    public void A_non_emergency_operation_is_refused_when_the_store_is_unreachable()
    {
        var trail = new AuditTrail(_store, _journal, JournalPolicy.EmergencyOnly);
        Directory.Move(_storeFolder, _storeFolder + "-away");
        var rotation = SampleEntries.Started("prod", SampleEntries.NewKeyId(), AuditOperations.Rotate);
        Assert.False(rotation.IsEmergency);
        Assert.Throws<AuditStoreUnavailableException>(() => trail.Append(rotation));
        Assert.False(_journal.HasPending);

        var always = new AuditTrail(_store, _journal, JournalPolicy.Always);
        Assert.True(always.Append(rotation).Journaled);
    }

    [Fact]
    public void An_unreachable_sql_server_journals_emergency_rows()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var store = new SqlServerAuditStore($"Server=tcp:127.0.0.1,{port};Database=KeyAudit;User ID=a;Password=x-secret;Connect Timeout=3;ConnectRetryCount=0");
        var trail = new AuditTrail(store, _journal);
        var result = trail.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        Assert.True(result.Journaled);
        Assert.DoesNotContain("x-secret", result.Warning);
        Assert.Single(_journal.ReadAll());
    }

    [Fact]
    public void Concurrent_journal_writers_keep_one_valid_journal_chain()
    {
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            var journal = new AuditJournal(_journal.JournalPath); // separate instances, as separate processes would have
            for (var i = 0; i < 25; i++) journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        });
        var rows = _journal.ReadAll();
        Assert.Equal(100, rows.Count);
        Assert.Equal(100, rows.Select(r => r.AuditId).Distinct().Count());
        var chain = _journal.Verify();
        Assert.True(chain.IsValid, chain.ToString());
    }

    [Fact]
    public void A_torn_last_line_is_ignored_and_cut_off_by_the_next_append()
    {
        _journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        File.AppendAllText(_journal.JournalPath, "{\"Sequence\":2,\"PreviousHash\":\"ab"); // crash mid-write
        Assert.Single(_journal.ReadAll());

        var next = _journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        Assert.Equal(2, next.Sequence);
        Assert.Equal(2, _journal.ReadAll().Count);
        Assert.True(_journal.Verify().IsValid);
        Assert.EndsWith("\n", File.ReadAllText(_journal.JournalPath));
    }

    [Fact]
    public void An_altered_line_is_detected_quarantined_and_the_other_rows_replayed()
    {
        var first = _journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        _journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()) with { Reason = "to be altered" });
        var third = _journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        var text = File.ReadAllText(_journal.JournalPath);
        File.WriteAllText(_journal.JournalPath, text.Replace("to be altered", "routine clean-up"));

        var verification = _journal.Verify();
        Assert.Equal(ChainBreak.RowHashMismatch, verification.Break);
        Assert.Equal(2, verification.BrokenSequence);

        var sync = new AuditTrail(_store, _journal).Sync();
        Assert.Equal((2, 2, 0), (sync.JournalRows, sync.Replayed, sync.AlreadyPresent));
        var bad = Assert.Single(sync.QuarantinedLines);
        Assert.Equal(2, bad.Line);
        Assert.StartsWith("altered", bad.Reason);
        Assert.Contains("routine clean-up", bad.Text);
        Assert.Equal([first.AuditId, third.AuditId], _store.ReadChain().Select(r => r.AuditId));
        Assert.False(_journal.HasPending);
        Assert.Equal(2, Assert.Single(_journal.ReadQuarantine()).Line);   // kept for investigation, with its line number
        Assert.Empty(sync.Problems);   // the third line still links to the altered one's recorded hash
    }

    [Fact]
    public void A_corrupt_line_in_the_middle_is_an_error_not_silently_skipped()
    {
        _journal.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        File.AppendAllText(_journal.JournalPath, "not json\n");
        var error = Assert.Throws<AuditStoreException>(() => _journal.ReadAll());
        Assert.Equal(AuditErrorCodes.JournalFailure, error.Code);
        Assert.Contains("unreadable line (line 2", error.Message);
        var scan = _journal.Scan();   // the tolerant read names it and keeps the rest
        Assert.Single(scan.Rows);
        Assert.Equal(2, Assert.Single(scan.BadLines).Line);
        var verification = _journal.Verify();
        Assert.Equal((ChainBreak.UnreadableRow, 1L), (verification.Break, verification.RowsChecked));
        Assert.Contains("line 2", verification.Problem);
    }
}
