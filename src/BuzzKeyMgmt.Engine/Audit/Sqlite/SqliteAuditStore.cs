using System.Data;
using System.Data.Common;
using BuzzKeyMgmt.Engine.Audit.Migrations;
using BuzzKeyMgmt.Engine.Audit.Storage;
using Microsoft.Data.Sqlite;

namespace BuzzKeyMgmt.Engine.Audit.Sqlite;

/// <summary>
/// The embedded audit store: one SQLite file in WAL mode, synchronous=FULL (a committed row survives power loss),
/// writers serialised across processes by BEGIN IMMEDIATE transactions with a busy timeout.
/// A missing file is "unreachable" (it is created only by <see cref="AdoAuditStore.Migrate"/>).
/// </summary>
public sealed class SqliteAuditStore : AdoAuditStore
{
    private static readonly Lazy<IReadOnlyList<MigrationScript>> AllScripts = new(() => MigrationScript.Load("sqlite"));
    private readonly string _readWrite;
    private readonly string _readWriteCreate;
    private readonly string _writer;

    /// <summary>How long a write waits for another connection's write lock, unless told otherwise.</summary>
    public const int DefaultBusyTimeoutSeconds = 30;

    public SqliteAuditStore(string databasePath, int busyTimeoutSeconds = DefaultBusyTimeoutSeconds)
        : base(new ConnectionSecrets(""))
    {
        if (string.IsNullOrWhiteSpace(databasePath))
            throw new AuditStoreException(AuditErrorCodes.StoreFailure, "The SQLite audit store needs a file path.");
        DatabasePath = Path.GetFullPath(databasePath);
        BusyTimeoutSeconds = busyTimeoutSeconds;
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = busyTimeoutSeconds,
            Pooling = true,
        };
        _readWrite = builder.ToString();
        builder.Mode = SqliteOpenMode.ReadWriteCreate;
        _readWriteCreate = builder.ToString();
        builder.Mode = SqliteOpenMode.ReadWrite;
        builder.Pooling = false;   // the kept writer's own connection: closed, not pooled, when it is dropped
        _writer = builder.ToString();
    }

    public string DatabasePath { get; }

    public int BusyTimeoutSeconds { get; }

    public override string Provider => "Sqlite";

    public override string Target => DatabasePath;

    protected override IReadOnlyList<MigrationScript> Scripts => AllScripts.Value;

    protected override string SchemaVersionTableExistsSql =>
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'SchemaVersion'";

    protected override string ChainTailSql => "SELECT Sequence, RowHash FROM KeyManagementAudit ORDER BY Sequence DESC LIMIT 1";

    protected override (string Top, string Limit) RowLimitSyntax => ("", " LIMIT @Last");

    protected override string UpsertKeyStatusSql =>
        $"INSERT INTO KeyStatus ({KeyStatusColumns}) VALUES (@KeyId, @KeyArn, @Alias, @Environment, @KeyState, @KeySpec, " +
        "@KeyUsage, @RotationEnabled, @RotationPeriodDays, @CreatedAtUtc, @LastRotatedAtUtc, @DeletionDateUtc, @LastOperation, " +
        "@LastOperationId, @LastOutcome, @UpdatedAtUtc) ON CONFLICT (KeyId) DO UPDATE SET KeyArn = excluded.KeyArn, " +
        "Alias = excluded.Alias, Environment = excluded.Environment, KeyState = excluded.KeyState, KeySpec = excluded.KeySpec, " +
        "KeyUsage = excluded.KeyUsage, RotationEnabled = excluded.RotationEnabled, RotationPeriodDays = excluded.RotationPeriodDays, " +
        "CreatedAtUtc = excluded.CreatedAtUtc, LastRotatedAtUtc = excluded.LastRotatedAtUtc, DeletionDateUtc = excluded.DeletionDateUtc, " +
        "LastOperation = COALESCE(excluded.LastOperation, KeyStatus.LastOperation), " +
        "LastOperationId = COALESCE(excluded.LastOperationId, KeyStatus.LastOperationId), " +
        "LastOutcome = COALESCE(excluded.LastOutcome, KeyStatus.LastOutcome), " +
        "UpdatedAtUtc = excluded.UpdatedAtUtc";

    protected override DbConnection OpenConnection(bool create)
    {
        if (create)
        {
            var directory = Path.GetDirectoryName(DatabasePath);
            if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        }
        else if (!File.Exists(DatabasePath))
        {
            // A pooled connection could still write to a file that was moved away: check the path itself.
            throw new AuditStoreUnavailableException($"The Sqlite audit store at {Target} cannot be reached: the file does not exist.");
        }

        return OpenSqlite(create ? _readWriteCreate : _readWrite, create);
    }

    private SqliteConnection OpenSqlite(string connectionString, bool create)
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA busy_timeout = {BusyTimeoutSeconds * 1000}; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";
            pragma.ExecuteNonQuery();
            if (create)
            {
                pragma.CommandText = "PRAGMA journal_mode = WAL;";
                pragma.ExecuteNonQuery();
            }
            return connection;
        }
        catch
        {
            if (connection.ConnectionString != _writer) SqliteConnection.ClearPool(connection);
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Verifies over the stored bytes without building row objects (see <see cref="SqliteChainScanner"/>).</summary>
    public override ChainVerification VerifyChain() =>
        Run(create: false, connection => SqliteChainScanner.Verify((SqliteConnection)connection));

    /// <summary>The same walk, recording the rows at <paramref name="checkpoints"/> (see <see cref="Anchoring.AnchoredChainVerifier"/>).</summary>
    public override ChainVerification VerifyChain(Anchoring.ChainCheckpoints checkpoints) =>
        Run(create: false, connection => SqliteChainScanner.Verify((SqliteConnection)connection, checkpoints));

    protected override DbTransaction BeginWriteTransaction(DbConnection connection) =>
        ((SqliteConnection)connection).BeginTransaction(IsolationLevel.Serializable, deferred: false);

    protected override void LockChain(DbConnection connection, DbTransaction transaction)
    {
        // BEGIN IMMEDIATE already holds the database's single write lock.
    }

    protected override void ExecuteScript(DbConnection connection, DbTransaction transaction, MigrationScript script)
    {
        using var command = Command(connection, transaction, script.Text);
        command.ExecuteNonQuery();
    }

    private const string InsertSql =
        $"INSERT INTO KeyManagementAudit ({AuditColumns}) VALUES (@Sequence, @AuditId, @OperationId, @OccurredAtUtc, " +
        "@Environment, @Operation, @Phase, @Outcome, @KeyId, @KeyArn, @Alias, @IncidentId, @ChangeId, @Reason, @IsEmergency, " +
        "@OperatorArn, @OperatorName, @ClientHost, @ClientAddress, @Approvals, @DurationMs, @ErrorCode, @ErrorMessage, " +
        "@AlertMessageId, @Details, @PreviousHash, @RowHash) ON CONFLICT (AuditId) DO NOTHING";

    protected override bool InsertChained(DbConnection connection, DbTransaction transaction, AuditRecord record)
    {
        using var command = Command(connection, transaction, InsertSql, RowParameters(record));
        return command.ExecuteNonQuery() == 1;
    }

    public override AuditRecord Append(AuditEntry entry) => AppendBatch([entry])[0].Record;

    /// <summary>Through the kept writer (see <see cref="SqliteChainWriter"/>): one BEGIN IMMEDIATE, the tail, the rows,
    /// one durable commit.</summary>
    public override IReadOnlyList<StoredAuditRow> AppendBatch(IReadOnlyList<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var normalized = entries.Select(AuditEntryRules.Normalize).ToList();
        if (normalized.Count == 0) return [];
        var rows = new List<StoredAuditRow>(normalized.Count);
        Write(writer => writer.Append(normalized, rows.Add));
        return rows;
    }

    public override long AppendMany(IEnumerable<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return Write(writer => writer.Append(entries.Select(AuditEntryRules.Normalize), stored: null));
    }

    /// <summary>Closes the writers this process keeps for appends (<see cref="SqliteConnection.ClearAllPools"/> does not
    /// reach them): afterwards no audit file is held open by them.</summary>
    public static void CloseIdleWriters() => SqliteChainWriter.CloseIdle();

    /// <summary>Runs an append on a kept writer of this file; a writer that failed is closed, not kept (the next append
    /// opens a new connection: a store repaired or replaced meanwhile is then seen).</summary>
    private long Write(Func<SqliteChainWriter, long> append)
    {
        // A kept connection would still write to a file that was moved away: check the path itself, as Open does (one
        // stat: a missing file has the "not found" time, 1601-01-01).
        var stamp = File.GetCreationTimeUtc(DatabasePath);
        if (stamp == MissingFileTime && !File.Exists(DatabasePath))
            throw new AuditStoreUnavailableException($"The Sqlite audit store at {Target} cannot be reached: the file does not exist.");
        SqliteChainWriter? writer = null;
        try
        {
            var result = Translate(() => append(writer = SqliteChainWriter.Rent($"{DatabasePath}|{BusyTimeoutSeconds}", stamp,
                () => (SqliteConnection)Open(() => OpenSqlite(_writer, create: false)), Statements)));
            writer!.Return();
            return result;
        }
        catch
        {
            writer?.Dispose();
            throw;
        }
    }

    private static readonly DateTime MissingFileTime = DateTime.FromFileTimeUtc(0);

    private SqliteChainWriter.SqliteStatements? _statements;

    private SqliteChainWriter.SqliteStatements Statements =>
        _statements ??= new(InsertSql, Storage.AuditSql.FindByAuditId, ChainTailSql, RowParameters, ReadRecord);

    /// <summary>A value as SQLite stores it (the canonical forms the row hash is computed over).</summary>
    internal static object ToSqliteValue(object? value) => value switch
    {
        null => DBNull.Value,
        Guid g => g.ToString("D"),
        DateTimeOffset d => AuditHasher.FormatTimestamp(d),
        bool b => b ? 1 : 0,
        _ => value,
    };

    protected override void AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = ((SqliteCommand)command).CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = ToSqliteValue(value);
        command.Parameters.Add(parameter);
    }

    protected override DateTimeOffset ReadUtc(DbDataReader reader, int ordinal) =>
        AuditHasher.ParseTimestamp(reader.GetString(ordinal));

    protected override Guid ReadGuid(DbDataReader reader, int ordinal) => Guid.Parse(reader.GetString(ordinal));

    protected override bool IsUnavailable(Exception ex) =>
        ex is SqliteException { SqliteErrorCode: 14 or 10 or 26 or 8 or 5 or 6 or 13 } or IOException; // CANTOPEN, IOERR, NOTADB, READONLY, BUSY, LOCKED, FULL

    protected override bool IsUniqueViolation(DbException ex) =>
        ex is SqliteException { SqliteErrorCode: 19 } s && s.Message.Contains("UNIQUE", StringComparison.OrdinalIgnoreCase)
        || ex is SqliteException { SqliteExtendedErrorCode: 1555 or 2067 }; // CONSTRAINT_PRIMARYKEY, CONSTRAINT_UNIQUE

    protected override bool IsAppendOnlyViolation(DbException ex) =>
        ex.Message.Contains("append-only", StringComparison.OrdinalIgnoreCase);
}
