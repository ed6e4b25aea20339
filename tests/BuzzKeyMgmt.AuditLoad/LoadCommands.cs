using System.Diagnostics;
using System.Globalization;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Journal;
using BuzzKeyMgmt.Engine.Audit.Sqlite;
using Microsoft.Data.Sqlite;

namespace BuzzKeyMgmt.AuditLoad;

internal static class LoadCommands
{
    public static int Append(string databasePath, int count)
    {
        var store = new SqliteAuditStore(databasePath);
        store.Migrate();
        var environment = "load-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++) store.Append(Entry(environment, i));
        Console.WriteLine($"appended {count} rows as {environment}");
        return 0;
    }

    /// <summary>
    /// Durable appends three ways, interleaved in rounds so that the machine's other load falls on all of them alike:
    /// chained (SqliteAuditStore.Append), plain (the same rows into a table of the same schema, same pragmas, one
    /// BEGIN IMMEDIATE and commit per row, no chain: no tail, no hash) and minimal (the earlier baseline: a small row into a
    /// three-column table, a connection opened per row).
    /// </summary>
    public static int Bench(string workDirectory, int count)
    {
        Directory.CreateDirectory(workDirectory);
        foreach (var f in Directory.GetFiles(workDirectory, "*.db*")) File.Delete(f);
        var store = new SqliteAuditStore(Path.Combine(workDirectory, "chained.db"));
        store.Migrate();
        store.Append(Entry("bench-warmup", 0));
        using var plain = new PlainAuditInserts(Path.Combine(workDirectory, "plain.db"));
        var minimal = new MinimalInserts(Path.Combine(workDirectory, "minimal.db"));
        plain.Insert(Entry("bench-warmup", 0));
        minimal.Insert();

        var rounds = Math.Min(10, count);
        TimeSpan chainedTime = default, plainTime = default, minimalTime = default;
        var done = 0;
        for (var round = 0; round < rounds; round++)
        {
            var size = (count - done) / (rounds - round);
            var watch = Stopwatch.StartNew();
            for (var i = 1; i <= size; i++) store.Append(Entry("bench", done + i));
            chainedTime += watch.Elapsed;
            watch.Restart();
            for (var i = 1; i <= size; i++) plain.Insert(Entry("bench", done + i));
            plainTime += watch.Elapsed;
            watch.Restart();
            for (var i = 1; i <= size; i++) minimal.Insert();
            minimalTime += watch.Elapsed;
            done += size;
        }
        var chain = store.VerifyChain();
        double Rate(TimeSpan t) => count / t.TotalSeconds;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"baseline_per_sec={Rate(plainTime):F0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chained_per_sec={Rate(chainedTime):F0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"minimal_per_sec={Rate(minimalTime):F0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio={Rate(chainedTime) / Rate(plainTime):F2}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio_minimal={Rate(chainedTime) / Rate(minimalTime):F2}"));
        Console.WriteLine($"chain_valid={chain.IsValid} rows={chain.RowsChecked}");
        return 0;
    }

    /// <summary>Writes a journal of <paramref name="rows"/> rows (Started/Completed pairs) as the trail does when the store
    /// is away, in batches of 50,000 (one durable flush each).</summary>
    public static int Journal(string journalPath, int rows)
    {
        if (File.Exists(journalPath)) File.Delete(journalPath);
        var journal = new AuditJournal(journalPath);
        var watch = Stopwatch.StartNew();
        for (var done = 0; done < rows; done += 50_000)
            journal.AppendMany(Enumerable.Range(done, Math.Min(50_000, rows - done)).Select(i => Entry("journal", i)).ToList());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"journaled={rows} seconds={watch.Elapsed.TotalSeconds:F2}"));
        return 0;
    }

    /// <summary>Replays a copy of <paramref name="journalPath"/> into a new store (as Sync-KeyAuditJournal does), then again
    /// (every row already present), and prints rows per second and the counts.</summary>
    public static int Replay(string workDirectory, string journalPath)
    {
        Directory.CreateDirectory(workDirectory);
        foreach (var f in Directory.GetFiles(workDirectory, "replay*")) File.Delete(f);
        var store = new SqliteAuditStore(Path.Combine(workDirectory, "replay.db"));
        store.Migrate();
        store.Append(Entry("replay-warmup", 0));
        var copy = Path.Combine(workDirectory, "replay.jsonl");
        File.Copy(journalPath, copy);
        var trail = new AuditTrail(store, new AuditJournal(copy));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var sync = trail.Sync();
        watch.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        File.Copy(journalPath, copy, overwrite: true);
        var again = trail.Sync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rows={sync.JournalRows} replayed={sync.Replayed} seconds={watch.Elapsed.TotalSeconds:F2} rows_per_sec={sync.JournalRows / watch.Elapsed.TotalSeconds:F0} cpu_seconds={cpu.TotalSeconds:F2} " +
            $"chain_valid={sync.StoreChain.IsValid} again_replayed={again.Replayed} again_present={again.AlreadyPresent} quarantined={sync.Quarantined + again.Quarantined}"));
        return 0;
    }

    public static int Seed(string databasePath, long rows)
    {
        var store = new SqliteAuditStore(databasePath);
        store.Migrate();
        var watch = Stopwatch.StartNew();
        const int batch = 100_000;
        long done = 0;
        while (done < rows)
        {
            var size = (int)Math.Min(batch, rows - done);
            var start = done;
            done += store.AppendMany(Enumerable.Range(0, size).Select(i => Entry("seed", start + i)));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded={done} seconds={watch.Elapsed.TotalSeconds:F1}"));
        return 0;
    }

    public static int Verify(string databasePath)
    {
        var store = new SqliteAuditStore(databasePath);
        var watch = Stopwatch.StartNew();
        var result = store.VerifyChain();
        watch.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rows={result.RowsChecked} seconds={watch.Elapsed.TotalSeconds:F2} valid={result.IsValid}"));
        if (!result.IsValid) Console.WriteLine(result.ToString());
        return 0;
    }

    /// <summary>The baseline: the same rows, schema and durability (WAL, synchronous=FULL, BEGIN IMMEDIATE and one commit
    /// per row) without the chain; a connection and an insert prepared once, as the store's writer does.</summary>
    private sealed class PlainAuditInserts : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly SqliteCommand _insert;
        private long _sequence;

        public PlainAuditInserts(string path)
        {
            new SqliteAuditStore(path).Migrate();   // the same tables, indexes and triggers
            _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
            _connection.Open();
            using (var pragma = _connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";
                pragma.ExecuteNonQuery();
            }
            _insert = _connection.CreateCommand();
            _insert.CommandText = $"INSERT INTO KeyManagementAudit ({Columns}) VALUES ({string.Join(", ", Columns.Split(", ").Select(c => "@" + c))})";
            foreach (var column in Columns.Split(", ")) _insert.Parameters.Add(new SqliteParameter("@" + column, DBNull.Value));
            _insert.Prepare();
        }

        private const string Columns =
            "Sequence, AuditId, OperationId, OccurredAtUtc, Environment, Operation, Phase, Outcome, KeyId, KeyArn, Alias, " +
            "IncidentId, ChangeId, Reason, IsEmergency, OperatorArn, OperatorName, ClientHost, ClientAddress, Approvals, " +
            "DurationMs, ErrorCode, ErrorMessage, AlertMessageId, Details, PreviousHash, RowHash";

        public void Insert(AuditEntry e)
        {
            _sequence++;
            object?[] values =
            [
                _sequence, Guid.NewGuid().ToString("D"), e.OperationId.ToString("D"), AuditHasher.FormatTimestamp(e.OccurredAtUtc), e.Environment,
                e.Operation, e.Phase.ToString(), e.Outcome.ToString(), e.KeyId, e.KeyArn, e.Alias, e.IncidentId, e.ChangeId, e.Reason,
                e.IsEmergency ? 1 : 0, e.OperatorArn, e.OperatorName, e.ClientHost, e.ClientAddress, e.Approvals, e.DurationMs, e.ErrorCode,
                e.ErrorMessage, e.AlertMessageId, e.Details, AuditHasher.GenesisHash, RandomHash(),
            ];
            using var transaction = _connection.BeginTransaction(deferred: false);
            _insert.Transaction = transaction;
            for (var i = 0; i < values.Length; i++) _insert.Parameters[i].Value = values[i] ?? DBNull.Value;
            _insert.ExecuteNonQuery();
            transaction.Commit();
        }

        /// <summary>64 random hex digits: a row hash's shape (its unique index is written at random places, as the
        /// chain's is), without computing one.</summary>
        private static string RandomHash() => Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");

        public void Dispose()
        {
            _insert.Dispose();
            _connection.Dispose();
        }
    }

    /// <summary>The earlier baseline: a small row into a three-column table, a pooled connection opened per row.</summary>
    private sealed class MinimalInserts
    {
        private readonly string _connectionString;

        public MinimalInserts(string path)
        {
            _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
            using var setup = new SqliteConnection(_connectionString);
            setup.Open();
            using var command = setup.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS Plain (Id INTEGER PRIMARY KEY, AuditId TEXT NOT NULL UNIQUE, Body TEXT NOT NULL);";
            command.ExecuteNonQuery();
        }

        public void Insert()
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = FULL;";
                pragma.ExecuteNonQuery();
            }
            using var transaction = connection.BeginTransaction(deferred: false);
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO Plain (AuditId, Body) VALUES (@a, @b)";
            insert.Parameters.AddWithValue("@a", Guid.NewGuid().ToString("D"));
            insert.Parameters.AddWithValue("@b", "REVOKE Started prod leaked credentials arn:aws:sts::111122223333:assumed-role/Emergency/alice");
            insert.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    private static readonly DateTimeOffset Origin = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    internal static AuditEntry Entry(string environment, long i)
    {
        var completed = i % 2 == 1;
        return new AuditEntry
        {
            // Started (even i) and Completed (odd i) rows of one operation share its id.
            OperationId = new Guid((int)(i / 2), (short)(Environment.ProcessId & 0x7FFF), (short)(i >> 32), 0x42, 0x4B, 0x4D, 0, 0, 0, 0, 1),
            OccurredAtUtc = Origin.AddMilliseconds(i),
            Environment = environment,
            Operation = "REVOKE",
            Phase = completed ? AuditPhase.Completed : AuditPhase.Started,
            Outcome = completed ? AuditOutcome.Succeeded : AuditOutcome.Pending,
            KeyId = "1234abcd-12ab-34cd-56ef-1234567890ab",
            Alias = "alias/CEK_payments",
            IncidentId = "INC-2026-0042",
            Reason = "leaked credentials",
            IsEmergency = true,
            OperatorArn = "arn:aws:sts::111122223333:assumed-role/Emergency/alice",
            OperatorName = "alice",
            ClientHost = Environment.MachineName,
            DurationMs = completed ? 850 : null,
        };
    }
}
