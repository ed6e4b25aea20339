using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace BuzzKeyMgmt.Engine.Audit.Sqlite;

/// <summary>
/// A kept writer of one SQLite audit file: one connection, its pragmas set once, its statements prepared once. An append
/// then costs its own work only: BEGIN IMMEDIATE (the database's single write lock, waited for at most the busy timeout),
/// the tail read (one descent of the primary key, read inside that transaction, so another process's rows are always
/// seen: nothing is cached between transactions), the hash, the insert and the durable commit (WAL, synchronous=FULL:
/// the WAL is synced before the commit returns). Not thread-safe: <see cref="Rent"/> hands each writer to one caller.
/// The process keeps at most one idle writer per file, for at most 30 s; <see cref="CloseIdle"/> closes them (what
/// <see cref="SqliteConnection.ClearAllPools"/> is to pooled connections).
/// </summary>
internal sealed class SqliteChainWriter : IDisposable
{
    private static readonly ConcurrentDictionary<string, SqliteChainWriter> Idle = new(StringComparer.Ordinal);

    /// <summary>An idle writer older than this is closed and opened anew (a file replaced meanwhile is then seen).</summary>
    private static readonly TimeSpan MaxIdle = TimeSpan.FromSeconds(30);

    private readonly string _key;
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _tail;
    private readonly SqliteCommand _insert;
    private readonly SqliteCommand _find;
    private readonly SqliteStatements _sql;
    private readonly DateTime _fileStamp;
    private long _idleSince;

    /// <summary>What a writer runs: the insert (parameters named as <see cref="RowParameters"/> names them, which also
    /// gives their values), the find by @AuditId, the tail read, and how a found row is read.</summary>
    internal sealed record SqliteStatements(string Insert, string Find, string Tail,
        Func<AuditRecord, (string Name, object? Value)[]> RowParameters, Func<DbDataReader, AuditRecord> Read);

    private SqliteChainWriter(string key, DateTime fileStamp, SqliteConnection connection, SqliteStatements sql)
    {
        _key = key;
        _fileStamp = fileStamp;
        _connection = connection;
        _sql = sql;
        _tail = Prepare(sql.Tail);
        _find = Prepare(sql.Find, "@AuditId");
        _insert = Prepare(sql.Insert, sql.RowParameters(new AuditRecord(new AuditEntry(), 0, "", "")).Select(p => p.Name).ToArray());
    }

    /// <summary>An idle writer of <paramref name="key"/> (the file and its busy timeout) opened when the file had
    /// <paramref name="fileStamp"/> (its creation or change time, read before the file is opened), else a new one over a
    /// connection <paramref name="open"/> makes. A file deleted and created anew at the same path has another stamp, so
    /// its rows never go to the old, deleted file; a checkpoint also changes the stamp on some systems, which only costs a
    /// reopen. Give the writer back with <see cref="Return"/>; dispose it instead after a failure.</summary>
    public static SqliteChainWriter Rent(string key, DateTime fileStamp, Func<SqliteConnection> open, SqliteStatements sql)
    {
        if (Idle.TryRemove(key, out var idle))
        {
            if (idle._fileStamp == fileStamp && Environment.TickCount64 - idle._idleSince < MaxIdle.TotalMilliseconds) return idle;
            idle.Dispose();
        }
        var connection = open();
        try
        {
            return new SqliteChainWriter(key, fileStamp, connection, sql);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Keeps the writer for the next append of the same file (one idle writer per file; a second is closed).</summary>
    public void Return()
    {
        _idleSince = Environment.TickCount64;
        if (!Idle.TryAdd(_key, this)) Dispose();
    }

    /// <summary>Closes every idle writer (their files are then no longer held open by this process).</summary>
    public static void CloseIdle()
    {
        foreach (var key in Idle.Keys)
            if (Idle.TryRemove(key, out var writer)) writer.Dispose();
    }

    /// <summary>
    /// Writes <paramref name="entries"/> (already normalised) in order in one write transaction and one commit; a row whose
    /// AuditId is already stored is not inserted (<paramref name="stored"/> gets the stored row). Returns the rows inserted.
    /// On an exception nothing was committed.
    /// </summary>
    public long Append(IEnumerable<AuditEntry> entries, Action<StoredAuditRow>? stored)
    {
        using var transaction = _connection.BeginTransaction(deferred: false);   // BEGIN IMMEDIATE
        _tail.Transaction = _insert.Transaction = _find.Transaction = transaction;
        var (sequence, previousHash) = ReadTail();
        long inserted = 0;
        foreach (var entry in entries)
        {
            var record = new AuditRecord(entry, sequence, previousHash, AuditHasher.ComputeRowHash(entry, sequence, previousHash));
            if (!Insert(record))
            {
                var present = Find(entry.AuditId)
                    ?? throw new AuditStoreException(AuditErrorCodes.ChainConflict, $"Audit row {entry.AuditId} was neither inserted nor found.");
                stored?.Invoke(new StoredAuditRow(present, Inserted: false));
                continue;
            }
            stored?.Invoke(new StoredAuditRow(record, Inserted: true));
            previousHash = record.RowHash;
            sequence++;
            inserted++;
        }
        transaction.Commit();
        return inserted;
    }

    private (long Sequence, string PreviousHash) ReadTail()
    {
        using var reader = _tail.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0) + 1, reader.GetString(1).Trim()) : (1, AuditHasher.GenesisHash);
    }

    private bool Insert(AuditRecord record)
    {
        var values = _sql.RowParameters(record);
        for (var i = 0; i < values.Length; i++) _insert.Parameters[i].Value = SqliteAuditStore.ToSqliteValue(values[i].Value);
        return _insert.ExecuteNonQuery() == 1;
    }

    private AuditRecord? Find(Guid auditId)
    {
        _find.Parameters[0].Value = auditId.ToString("D");
        using var reader = _find.ExecuteReader();
        return reader.Read() ? _sql.Read(reader) : null;
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters) command.Parameters.Add(new SqliteParameter(name, DBNull.Value));
        command.Prepare();
        return command;
    }

    public void Dispose()
    {
        _tail.Dispose();
        _insert.Dispose();
        _find.Dispose();
        _connection.Dispose();
    }
}
