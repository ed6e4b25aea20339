using System.Diagnostics;
using System.Globalization;
using BuzzKeyMgmt.Engine.Audit;
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

    public static int Bench(string workDirectory, int count)
    {
        Directory.CreateDirectory(workDirectory);
        var baselinePath = Path.Combine(workDirectory, "baseline.db");
        var chainedPath = Path.Combine(workDirectory, "chained.db");
        foreach (var f in Directory.GetFiles(workDirectory, "*.db*")) File.Delete(f);

        var baseline = PlainDurableInserts(baselinePath, count);
        var store = new SqliteAuditStore(chainedPath);
        store.Migrate();
        store.Append(Entry("bench-warmup", 0));
        var watch = Stopwatch.StartNew();
        for (var i = 1; i <= count; i++) store.Append(Entry("bench", i));
        watch.Stop();
        var chained = count / watch.Elapsed.TotalSeconds;
        var chain = store.VerifyChain();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"baseline_per_sec={baseline:F0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"chained_per_sec={chained:F0}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio={chained / baseline:F2}"));
        Console.WriteLine($"chain_valid={chain.IsValid}");
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

    /// <summary>The baseline: the same durability (WAL, synchronous=FULL, one transaction per row) without the chain.</summary>
    private static double PlainDurableInserts(string path, int count)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
        using (var setup = new SqliteConnection(connectionString))
        {
            setup.Open();
            using var command = setup.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE IF NOT EXISTS Plain (Id INTEGER PRIMARY KEY, AuditId TEXT NOT NULL UNIQUE, Body TEXT NOT NULL);";
            command.ExecuteNonQuery();
        }
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            using var connection = new SqliteConnection(connectionString);
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
        return count / watch.Elapsed.TotalSeconds;
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
