using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Journal;
using BuzzKeyMgmt.Engine.Audit.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>
/// Rows ready together are committed together (<see cref="IAuditStore.AppendBatch"/>, the journal replay in batches of
/// <see cref="AuditTrail.ReplayBatch"/>), still one chain and idempotent by AuditId; the kept writer of a process sees
/// every other writer's rows.
/// </summary>
public sealed class AuditBatchTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly string _database;
    private readonly SqliteAuditStore _store;

    public AuditBatchTests()
    {
        _database = _directory.File("store", "audit.db");
        _store = new SqliteAuditStore(_database);
        _store.Migrate();
    }

    public void Dispose() => _directory.Dispose();

    private static AuditEntry Row(int minute) => SampleEntries.Started("prod", SampleEntries.NewKeyId(), minute: minute);

    [Fact]
    public void A_batch_extends_the_chain_in_order_and_returns_rows_already_stored_as_stored()
    {
        var before = Enumerable.Range(0, 3).Select(i => _store.Append(Row(i))).ToList();
        var fresh = Enumerable.Range(10, 5).Select(Row).ToList();
        var batch = new List<AuditEntry> { fresh[0], fresh[1], new(before[1]), fresh[2], fresh[3], fresh[1], fresh[4] };

        var stored = _store.AppendBatch(batch);

        Assert.Equal([true, true, false, true, true, false, true], stored.Select(s => s.Inserted));
        Assert.Equal([4L, 5, 2, 6, 7, 5, 8], stored.Select(s => s.Record.Sequence));   // a stored row keeps its place
        Assert.Equal(before[1].RowHash, stored[2].Record.RowHash);
        Assert.Equal((stored[1].Record.AuditId, stored[1].Record.RowHash), (stored[5].Record.AuditId, stored[5].Record.RowHash));   // a duplicate within the batch
        var chain = _store.VerifyChain();
        Assert.True(chain.IsValid, chain.ToString());
        Assert.Equal(8, chain.RowsChecked);
        Assert.Equal([.. before.Select(r => r.AuditId), .. fresh.Select(e => e.AuditId)], _store.ReadChain().Select(r => r.AuditId));

        var again = _store.AppendBatch(batch);   // a replay of the same rows adds nothing
        Assert.All(again, s => Assert.False(s.Inserted));
        Assert.Equal(stored.Select(s => s.Record.RowHash), again.Select(s => s.Record.RowHash));
        Assert.Equal(8, _store.VerifyChain().RowsChecked);
    }

    [Fact]
    public void A_batch_with_an_invalid_entry_is_refused_before_anything_is_written()
    {
        _store.Append(Row(0));
        var batch = new List<AuditEntry> { Row(1), Row(2), Row(3) with { Operation = "revoke; DROP TABLE x" }, Row(4) };

        var error = Assert.Throws<AuditStoreException>(() => _store.AppendBatch(batch));

        Assert.Equal(AuditErrorCodes.InvalidAuditEntry, error.Code);
        Assert.Equal(1, _store.VerifyChain().RowsChecked);
    }

    [Fact]
    public void A_batch_that_cannot_take_the_write_lock_writes_none_of_its_rows_and_the_next_append_gets_a_new_connection()
    {
        var bounded = new SqliteAuditStore(_database, busyTimeoutSeconds: 1);
        bounded.Append(Row(0));   // its kept writer now exists
        using (var holder = new SqliteConnection($"Data Source={_database};Pooling=False"))
        {
            holder.Open();
            using var begin = holder.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();

            var error = Assert.Throws<AuditStoreUnavailableException>(() => bounded.AppendBatch([Row(1), Row(2)]));
            Assert.Contains("locked", error.Message);
        }

        Assert.Equal(1, _store.VerifyChain().RowsChecked);
        var rows = bounded.AppendBatch([Row(3), Row(4)]);
        Assert.Equal([2L, 3], rows.Select(r => r.Record.Sequence));
        Assert.True(_store.VerifyChain().IsValid);
    }

    [Fact]
    public void A_kept_writer_chains_after_rows_another_connection_appended_meanwhile()
    {
        var other = new SqliteAuditStore(_database, busyTimeoutSeconds: 7);   // its own kept writer: another connection
        var a1 = _store.Append(Row(0));
        var b1 = other.Append(Row(1));
        var a2 = _store.Append(Row(2));
        var b2 = other.AppendBatch([Row(3), Row(4)]);
        var a3 = _store.Append(Row(5));

        Assert.Equal([1L, 2, 3, 4, 5, 6], new[] { a1, b1, a2, b2[0].Record, b2[1].Record, a3 }.Select(r => r.Sequence));
        Assert.Equal(b2[1].Record.RowHash, a3.PreviousHash);
        var chain = _store.VerifyChain();
        Assert.True(chain.IsValid, chain.ToString());
    }

    [Fact]
    public async Task Writers_on_two_connections_and_four_threads_appending_at_once_keep_one_valid_chain()
    {
        var other = new SqliteAuditStore(_database, busyTimeoutSeconds: 29);
        var stores = new IAuditStore[] { _store, other };
        var writers = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            var store = stores[t % 2];
            for (var i = 0; i < 40; i++)
            {
                if (i % 10 == 9) store.AppendBatch([Row(i), Row(i)]);
                else store.Append(Row(i));
            }
        }));
        await Task.WhenAll(writers);

        var chain = _store.VerifyChain();
        Assert.True(chain.IsValid, chain.ToString());
        Assert.Equal(4 * (36 + 4 * 2), chain.RowsChecked);
        var rows = _store.ReadChain().ToList();
        Assert.Equal(Enumerable.Range(1, rows.Count).Select(i => (long)i), rows.Select(r => r.Sequence));
        Assert.Equal(rows.Count, rows.Select(r => r.AuditId).Distinct().Count());
    }

    [Fact]
    public void A_journal_replay_commits_in_batches_and_bad_lines_in_the_middle_of_a_batch_block_none_of_the_others()
    {
        var journal = new AuditJournal(_directory.File("journal", "audit.jsonl"));
        var rows = Enumerable.Range(0, 1200).Select(Row).ToList();
        Assert.Equal(1200, journal.AppendMany(rows).Count);
        Assert.True(journal.Verify().IsValid);
        var lines = File.ReadAllLines(journal.JournalPath).ToList();
        lines[749] = lines[749].Replace("leaked credentials", "leaked credentialz");   // altered: its hash no longer matches
        lines.Insert(600, "garbage written by something else");                         // line 601, in the second batch
        File.WriteAllLines(journal.JournalPath, lines);
        var copy = File.ReadAllBytes(journal.JournalPath);

        var sync = new AuditTrail(_store, journal).Sync();

        Assert.Equal((1199, 1199, 0), (sync.JournalRows, sync.Replayed, sync.AlreadyPresent));
        Assert.Equal([601, 751], sync.QuarantinedLines.Select(q => q.Line));
        Assert.True(sync.StoreChain.IsValid, sync.StoreChain.ToString());
        Assert.Equal(rows.Where((_, i) => i != 749).Select(r => r.AuditId), _store.ReadChain().Select(r => r.AuditId));
        Assert.False(journal.HasPending);

        File.WriteAllBytes(journal.JournalPath, copy);   // a crash after the rows were stored, before the journal was emptied
        var again = new AuditTrail(_store, journal).Sync();
        Assert.Equal((1199, 0, 1199), (again.JournalRows, again.Replayed, again.AlreadyPresent));
        Assert.Equal(1199, _store.VerifyChain().RowsChecked);
    }

    [Fact]
    public void A_journal_batch_chains_after_the_rows_appended_one_by_one()
    {
        var journal = new AuditJournal(_directory.File("journal", "audit.jsonl"));
        journal.Append(Row(0));
        journal.Append(Row(1));
        var many = journal.AppendMany([Row(2), Row(3), Row(4)]);

        Assert.Equal([3L, 4, 5], many.Select(r => r.Sequence));
        var verified = journal.Verify();
        Assert.True(verified.IsValid, verified.ToString());
        Assert.Equal(5, journal.ReadAll().Count);
        Assert.Throws<AuditStoreException>(() => journal.AppendMany([Row(5), Row(6) with { Environment = "" }]));
        Assert.Equal(5, journal.ReadAll().Count);
    }
}
