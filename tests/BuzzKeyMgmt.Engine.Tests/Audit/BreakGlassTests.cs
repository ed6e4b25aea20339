using System.Reflection;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Journal;
using BuzzKeyMgmt.Engine.Audit.Sqlite;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Events;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Revocation;
using BuzzKeyMgmt.Engine.Operations.Runner;
using BuzzKeyMgmt.Engine.Rotation;
using BuzzKeyMgmt.Engine.Tests.Operations;
using Microsoft.Data.Sqlite;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>
/// Emergency revocation is never blocked by the audit store or the journal, whatever stops them: a full disk, a corrupt
/// page, another process holding the write lock longer than the bounded wait, a garbage line in the middle of the journal
/// while the store is down, a read-only journal folder. Each case runs real revocations through the operation runner, on
/// the trail the context gives operations (bounded lock wait, breaker, fallback journal), and checks the same four
/// things: the keys end Disabled, the rows are journaled, the warning names the cause, and Sync later stores each row
/// exactly once.
/// </summary>
public sealed class BreakGlassTests : IDisposable
{
    private const string Environment = "sandbox";
    private readonly TempDirectory _dir = new();
    private readonly List<IDisposable> _cleanup = new();

    public void Dispose()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--) _cleanup[i].Dispose();
        _dir.Dispose();
    }

    /// <summary>A store of its own (migrated), its journal and its fallback journal, each in the folder given.</summary>
    private AuditLocation Location(string storeFolder, string? journalFolder = null, string? fallbackFolder = null)
    {
        var store = new SqliteAuditStore(Path.Combine(storeFolder, "audit.db"));
        store.Migrate();
        var fallbackRoot = fallbackFolder ?? _dir.File("fallback");
        Directory.CreateDirectory(fallbackRoot);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(fallbackRoot, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return new AuditLocation(Environment, new AuditStoreReference("Sqlite", store.DatabasePath),
            Path.Combine(journalFolder ?? _dir.File("journal"), "sqlite-test.jsonl"))
        {
            FallbackJournalPath = Path.Combine(fallbackRoot, "journal", "sqlite-test.jsonl"),
        };
    }

    private sealed record Revoked(IReadOnlyList<KeyReference> Keys, IReadOnlyList<RevocationResult> Results, IReadOnlyList<string> Warnings);

    /// <summary>Revokes <paramref name="count"/> new keys in one runner (one trail, as one Revoke-EncryptionKey pipeline).</summary>
    private static async Task<Revoked> RevokeAsync(RunnerHarness h, AuditLocation location, int count = 2)
    {
        var session = await h.ConnectAsync(KeyMgmtRole.Emergency);
        var events = new EngineEventQueue();
        var keys = Enumerable.Range(0, count).Select(_ => h.NewKey()).ToList();
        var results = new List<RevocationResult>();
        using (var runner = new OperationRunner(h.Context, session, events, h.Context.Audit.Trail(location), h.Outbox))
        {
            foreach (var key in keys)
                results.Add(await runner.RunAsync(new Revocation(new RevocationRequest(key, "INC-2026-0042", "break glass")), CancellationToken.None));
        }
        var warnings = events.TakeAll().Where(e => e.Kind == EngineEventKind.Warning).Select(e => e.Message!).ToList();
        return new Revoked(keys, results, warnings);
    }

    private static IReadOnlyList<JournalRow> Rows(string? journalPath) =>
        journalPath is null ? [] : new AuditJournal(journalPath).Scan().Rows;

    /// <summary>The keys are Disabled, every result says Journaled, and every journaled row is one of these operations'.</summary>
    private static IReadOnlyList<Guid> AssertRevokedAndJournaled(RunnerHarness h, Revoked revoked, string journalPath)
    {
        foreach (var key in revoked.Keys) Assert.Equal("Disabled", h.StateOf(key));
        Assert.All(revoked.Results, r => Assert.True(r.Journaled, string.Join(" | ", r.Warnings)));
        var rows = Rows(journalPath).Select(r => r.Record).Where(r => revoked.Keys.Select(h.KeyIdOf).Contains(r.KeyId)).ToList();
        Assert.Equal(2 * revoked.Keys.Count, rows.Count);   // Started and Completed of each key
        Assert.Equal(revoked.Results.Select(r => r.AuditId).OrderBy(g => g), rows.Where(r => r.Phase == AuditPhase.Completed).Select(r => r.AuditId).OrderBy(g => g));
        return rows.Select(r => r.AuditId).ToList();
    }

    /// <summary>Sync stores each journaled row exactly once (a second Sync finds nothing), and the store's chain verifies.</summary>
    private static AuditSyncResult AssertSyncedExactlyOnce(RunnerHarness h, AuditLocation location, IReadOnlyCollection<Guid> journaled)
    {
        SqliteConnection.ClearAllPools();
        var first = h.Context.Audit.TrailWithoutBreaker(location).Sync();
        Assert.Equal(journaled.Count, first.Replayed);
        Assert.True(first.StoreChain.IsValid, first.StoreChain.ToString());
        var second = h.Context.Audit.TrailWithoutBreaker(location).Sync();
        Assert.Equal((0, 0), (second.JournalRows, second.Replayed));
        var stored = new SqliteAuditStore(location.Reference!.Target).Query(new AuditQuery { Environment = Environment });
        foreach (var id in journaled) Assert.Single(stored, r => r.AuditId == id);
        Assert.Equal(stored.Count, stored.Select(r => r.AuditId).Distinct().Count());
        return first;
    }

    private static void Checkpoint(string databasePath)
    {
        SqliteConnection.ClearAllPools();
        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        command.ExecuteNonQuery();
    }

    [TmpfsFact]
    public async Task A_full_disk_under_the_store_journals_the_rows_and_the_warning_says_the_disk_is_full()
    {
        using var h = new RunnerHarness();
        var disk = Tmpfs.Mount(_dir.File("disk"), sizeKb: 1024);
        _cleanup.Add(disk);
        var location = Location(disk.Directory);
        disk.Fill();

        var revoked = await RevokeAsync(h, location);

        var journaled = AssertRevokedAndJournaled(h, revoked, location.JournalPath);
        Assert.True(revoked.Warnings.Any(w => w.Contains("disk is full", StringComparison.Ordinal) && w.Contains(location.JournalPath, StringComparison.Ordinal)),
            string.Join(" | ", revoked.Warnings));
        disk.Free();
        AssertSyncedExactlyOnce(h, location, journaled);
    }

    [TmpfsFact]
    public async Task A_full_data_directory_store_and_journal_alike_sends_the_rows_to_the_fallback_journal()
    {
        using var h = new RunnerHarness();
        var disk = Tmpfs.Mount(_dir.File("data"), sizeKb: 1024);
        _cleanup.Add(disk);
        var location = Location(disk.Directory, journalFolder: Path.Combine(disk.Directory, "journal"));
        disk.Fill();

        var revoked = await RevokeAsync(h, location);

        var journaled = AssertRevokedAndJournaled(h, revoked, location.FallbackJournalPath!);
        Assert.Empty(Rows(location.JournalPath));
        Assert.True(revoked.Warnings.Any(w => w.Contains("disk is full", StringComparison.Ordinal)
                                              && w.Contains("No space left on device", StringComparison.Ordinal)
                                              && w.Contains("fallback journal " + location.FallbackJournalPath, StringComparison.Ordinal)),
            string.Join(" | ", revoked.Warnings));
        disk.Free();
        AssertSyncedExactlyOnce(h, location, journaled);
    }

    [Fact]
    public async Task A_corrupt_page_in_the_store_journals_the_rows_and_the_warning_says_it_is_malformed()
    {
        using var h = new RunnerHarness();
        var location = Location(_dir.File("store"));
        var path = location.Reference!.Target;
        Checkpoint(path);
        long root;
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT rootpage FROM sqlite_master WHERE name = 'KeyManagementAudit'";
            root = (long)command.ExecuteScalar()!;
        }
        var page = new byte[4096];
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Seek((root - 1) * 4096, SeekOrigin.Begin);
            file.ReadExactly(page);
            file.Seek((root - 1) * 4096, SeekOrigin.Begin);
            file.Write(garbage);   // the table's root page overwritten
        }

        var revoked = await RevokeAsync(h, location);

        var journaled = AssertRevokedAndJournaled(h, revoked, location.JournalPath);
        Assert.Contains(revoked.Warnings, w => w.Contains("malformed", StringComparison.Ordinal));
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Seek((root - 1) * 4096, SeekOrigin.Begin);
            file.Write(page);   // the store is repaired (restored)
        }
        AssertSyncedExactlyOnce(h, location, journaled);
    }

    [Fact]
    public async Task A_write_lock_held_longer_than_the_bounded_wait_journals_instead_of_waiting_for_it()
    {
        using var h = new RunnerHarness();
        var location = Location(_dir.File("store"));
        var gate = new object();
        var holder = new SqliteConnection($"Data Source={location.Reference!.Target};Pooling=False");
        holder.Open();
        var transaction = holder.BeginTransaction(deferred: false);   // BEGIN IMMEDIATE: the single writer lock
        void Release()
        {
            lock (gate)
            {
                if (holder.State != System.Data.ConnectionState.Open) return;
                transaction.Rollback();
                holder.Dispose();
            }
        }
        // Held four times the bounded wait: a wait of that length or more (the old 30 s) would store the rows, not journal them.
        using var timer = new Timer(_ => Release(), null, h.Context.Audit.WriteLockWait * 4, Timeout.InfiniteTimeSpan);
        Revoked revoked;
        try
        {
            revoked = await RevokeAsync(h, location);
        }
        finally
        {
            Release();
        }

        var journaled = AssertRevokedAndJournaled(h, revoked, location.JournalPath);
        Assert.Contains(revoked.Warnings, w => w.Contains("database is locked", StringComparison.Ordinal));
        AssertSyncedExactlyOnce(h, location, journaled);
    }

    [Fact]
    public async Task A_garbage_line_in_the_middle_of_the_journal_while_the_store_is_down_stops_nothing_and_hides_nothing()
    {
        using var h = new RunnerHarness();
        var storeFolder = _dir.File("store");
        var location = Location(storeFolder);
        Directory.Move(storeFolder, storeFolder + "-away");   // the store is down
        await RevokeAsync(h, location, count: 1);
        var earlier = Rows(location.JournalPath).Select(r => r.Record.AuditId).ToList();
        var lines = File.ReadAllLines(location.JournalPath);
        Assert.Equal(2, lines.Length);
        File.WriteAllLines(location.JournalPath, [lines[0], "{\"Sequence\":2, garbage", lines[1]]);   // line 2 is garbage

        var revoked = await RevokeAsync(h, location);

        var journaled = AssertRevokedAndJournaled(h, revoked, location.JournalPath);
        Assert.Contains(revoked.Warnings, w => w.Contains("does not exist", StringComparison.Ordinal)                 // the store's cause
                                               && w.Contains("line 2: unreadable", StringComparison.Ordinal));        // and the bad line
        Directory.Move(storeFolder + "-away", storeFolder);
        var sync = AssertSyncedExactlyOnce(h, location, [.. earlier, .. journaled]);
        Assert.Equal(6, sync.Replayed);   // the two earlier rows and the four new ones, around the bad line
        var quarantined = Assert.Single(sync.QuarantinedLines);
        Assert.Equal((2, "{\"Sequence\":2, garbage"), (quarantined.Line, quarantined.Text));
        Assert.StartsWith("unreadable", quarantined.Reason);
        Assert.Single(new AuditJournal(location.JournalPath).ReadQuarantine());
        Assert.Equal(0, new FileInfo(location.JournalPath).Length);
    }

    [TmpfsFact]
    public async Task A_read_only_journal_folder_sends_the_rows_to_the_fallback_journal()
    {
        using var h = new RunnerHarness();
        var storeFolder = _dir.File("store");
        var journalFolder = Tmpfs.Mount(_dir.File("journal"), readOnly: true);
        _cleanup.Add(journalFolder);
        var location = Location(storeFolder, journalFolder.Directory);
        Directory.Move(storeFolder, storeFolder + "-away");

        var revoked = await RevokeAsync(h, location);

        var journaled = AssertRevokedAndJournaled(h, revoked, location.FallbackJournalPath!);
        Assert.Contains(revoked.Warnings, w => w.Contains("Read-only file system", StringComparison.Ordinal)
                                               && w.Contains("fallback journal " + location.FallbackJournalPath, StringComparison.Ordinal));
        Directory.Move(storeFolder + "-away", storeFolder);   // the store is back; the journal folder is still read-only
        AssertSyncedExactlyOnce(h, location, journaled);
    }

    [TmpfsFact]
    public async Task When_the_fallback_fails_too_the_revocation_still_completes_with_a_warning_naming_every_cause()
    {
        using var h = new RunnerHarness();
        var storeFolder = _dir.File("store");
        var journalFolder = Tmpfs.Mount(_dir.File("journal"), readOnly: true);
        _cleanup.Add(journalFolder);
        var fallbackFolder = Tmpfs.Mount(_dir.File("fallback-ro"), readOnly: true);
        _cleanup.Add(fallbackFolder);
        var location = Location(storeFolder, journalFolder.Directory) with { FallbackJournalPath = Path.Combine(fallbackFolder.Directory, "journal", "sqlite-test.jsonl") };
        Directory.Move(storeFolder, storeFolder + "-away");

        var revoked = await RevokeAsync(h, location);

        foreach (var key in revoked.Keys) Assert.Equal("Disabled", h.StateOf(key));
        Assert.All(revoked.Results, r => Assert.False(r.Journaled));
        var started = revoked.Warnings.Where(w => w.StartsWith("The Started audit row", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, started.Count);
        Assert.All(started, w =>
        {
            Assert.Contains("written nowhere", w);
            Assert.Contains("does not exist", w);                                           // the store
            Assert.Contains(location.JournalPath, w);                                       // the journal ...
            Assert.Contains(location.FallbackJournalPath!, w);                              // ... and the fallback
            Assert.Contains("Read-only file system", w);
        });
        Assert.Equal(2, revoked.Warnings.Count(w => w.StartsWith("The Completed audit row", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_local_journal_held_by_another_process_beyond_the_bounded_wait_sends_the_rows_to_the_fallback()
    {
        var storeFolder = _dir.File("store");
        var location = Location(storeFolder);
        Directory.Move(storeFolder, storeFolder + "-away");
        var wait = AuditStores.DefaultWriteLockWait;
        var trail = new AuditTrail(new SqliteAuditStore(location.Reference!.Target), new AuditJournal(location.JournalPath) { LockWait = wait },
            fallback: AuditStores.Fallback(location, wait));
        Directory.CreateDirectory(Path.GetDirectoryName(location.JournalPath)!);
        AuditAppendResult first, second;
        using (new FileStream(location.JournalPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))   // held for the whole time
        {
            first = trail.Append(SampleEntries.Started(Environment, SampleEntries.NewKeyId()));
            second = trail.Append(SampleEntries.Completed(SampleEntries.Started(Environment, SampleEntries.NewKeyId())), allowJournal: true);
        }

        Assert.True(first.Fallback && second.Fallback);
        Assert.Contains("held by another process", first.Warning);
        Assert.Contains("skipped", second.Warning);   // the second row did not wait for the held journal again
        Assert.Equal([first.Record.AuditId, second.Record.AuditId], Rows(location.FallbackJournalPath).Select(r => r.Record.AuditId));
    }

    [Fact]
    public async Task A_non_emergency_operation_is_still_refused_when_its_started_row_cannot_be_written()
    {
        using var h = new RunnerHarness();
        var storeFolder = _dir.File("store");
        var location = Location(storeFolder);
        Checkpoint(location.Reference!.Target);
        File.WriteAllText(location.Reference.Target, new string('x', 8192));   // not a database any more
        var admin = await h.ConnectAsync(KeyMgmtRole.Admin);
        var key = h.NewKey();
        using var runner = new OperationRunner(h.Context, admin, null, h.Context.Audit.Trail(location), h.Outbox);

        var refused = await Assert.ThrowsAsync<OperationFailedException>(() => runner.RunAsync(new OnDemandRotation(key, null, "INC-2026-0042"), CancellationToken.None));

        Assert.Contains("audit store", refused.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, h.Server.RequestCount("KMS.RotateKeyOnDemand"));
        Assert.False(new AuditJournal(location.JournalPath).HasPending);
        Assert.False(new AuditJournal(location.FallbackJournalPath!).HasPending);
    }

    [Fact]
    public void A_store_that_cannot_even_be_opened_still_gets_a_trail_whose_emergency_rows_are_journaled()
    {
        using var context = new Context.KeyMgmtContext(new Context.ClientHost(() => "192.0.2.10"));
        var location = new AuditLocation("prod", new AuditStoreReference("SqlServer", "Server=tcp:audit-db,1433;Connect Timeout=not-a-number"),
            _dir.File("journal", "sqlserver-test.jsonl"));

        var trail = context.Audit.Trail(location);   // an invalid connection string: no exception here ...
        var row = trail.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));

        Assert.True(row.Journaled);   // ... and the emergency row is journaled, saying why
        Assert.Contains("could not be opened", row.Warning);
        Assert.Contains("connection string is invalid", row.Warning);
    }

    /// <summary>A store that fails with something no one foresaw.</summary>
    public class FailingStore : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == "get_Provider" ? "Sqlite"
            : targetMethod?.Name == "ToString" ? "failing store"
            : throw new InvalidOperationException("the driver is in a state it cannot explain");
    }

    [Fact]
    public void A_store_that_throws_anything_else_journals_an_emergency_row_and_refuses_a_routine_one()
    {
        var store = DispatchProxy.Create<IAuditStore, FailingStore>();
        var journal = new AuditJournal(_dir.File("journal", "j.jsonl"));
        var trail = new AuditTrail(store, journal);

        var emergency = trail.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId()));
        Assert.True(emergency.Journaled);
        Assert.Contains("InvalidOperationException: the driver is in a state it cannot explain", emergency.Warning);
        var routine = SampleEntries.Started("prod", SampleEntries.NewKeyId(), AuditOperations.Rotate);
        var refused = Assert.Throws<AuditStoreException>(() => trail.Append(routine));
        Assert.Equal(AuditErrorCodes.StoreFailure, refused.Code);
        Assert.Single(journal.ReadAll());
        Assert.True(trail.Append(SampleEntries.Completed(routine), allowJournal: true).Journaled);   // a Completed row always may
    }
}
