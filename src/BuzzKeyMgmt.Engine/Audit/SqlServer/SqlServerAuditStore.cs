using System.Data;
using System.Data.Common;
using BuzzKeyMgmt.Engine.Audit.Migrations;
using BuzzKeyMgmt.Engine.Audit.Storage;
using Microsoft.Data.SqlClient;

namespace BuzzKeyMgmt.Engine.Audit.SqlServer;

/// <summary>
/// The production audit store on SQL Server. Appends are serialised by an exclusive transaction-owned application
/// lock (sp_getapplock) and written through the LogKeyManagementOperation procedure, which re-checks the chain tail.
/// The connection string's secrets never appear in <see cref="Target"/>, ToString, exceptions or errors.
/// </summary>
public sealed class SqlServerAuditStore : AdoAuditStore
{
    public const string ChainLockResource = "BuzzKeyMgmt.KeyManagementAudit.Chain";
    private static readonly Lazy<IReadOnlyList<MigrationScript>> AllScripts = new(() => MigrationScript.Load("sqlserver"));
    private readonly string _connectionString;

    public SqlServerAuditStore(string connectionString)
        : this(connectionString, new ConnectionSecrets(connectionString ?? "")) { }

    private SqlServerAuditStore(string connectionString, ConnectionSecrets secrets)
        : base(secrets)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new AuditStoreException(AuditErrorCodes.StoreFailure, "The SQL Server audit store needs a connection string.");
        try
        {
            _connectionString = new SqlConnectionStringBuilder(connectionString).ConnectionString;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new AuditStoreException(AuditErrorCodes.StoreFailure,
                "The SQL Server audit store connection string is invalid: " + secrets.Scrub(ex.Message));
        }
        Target = secrets.Redacted;
    }

    public override string Provider => "SqlServer";

    /// <summary>How long an append waits for the chain lock another writer holds (sp_getapplock's timeout).</summary>
    public TimeSpan ChainLockWait { get; init; } = TimeSpan.FromSeconds(30);

    public override string Target { get; }

    protected override IReadOnlyList<MigrationScript> Scripts => AllScripts.Value;

    internal const string SchemaVersionExistsSql =
        "SELECT OBJECT_ID(N'dbo.SchemaVersion', N'U') WHERE OBJECT_ID(N'dbo.SchemaVersion', N'U') IS NOT NULL";

    internal const string TailSql = "SELECT TOP (1) Sequence, RowHash FROM dbo.KeyManagementAudit ORDER BY Sequence DESC";

    /// <summary>The chain lock and the tail in one round trip: one row (the sp_getapplock result, then the tail's Sequence
    /// and RowHash, null on an empty chain or when the lock was not granted).</summary>
    internal const string LockAndTailSql =
        "DECLARE @lock INT, @tailSequence BIGINT, @tailHash CHAR(64); " +
        "EXEC @lock = sys.sp_getapplock @Resource = @Resource, @LockMode = N'Exclusive', @LockOwner = N'Transaction', @LockTimeout = @LockTimeout; " +
        "IF @lock >= 0 SELECT TOP (1) @tailSequence = Sequence, @tailHash = RowHash FROM dbo.KeyManagementAudit ORDER BY Sequence DESC; " +
        "SELECT @lock AS LockResult, @tailSequence AS TailSequence, @tailHash AS TailHash;";

    internal const string MigrationLockSql =
        "DECLARE @result INT; EXEC @result = sys.sp_getapplock @Resource = N'BuzzKeyMgmt.Migrate', @LockMode = N'Exclusive', " +
        "@LockOwner = N'Transaction', @LockTimeout = 60000; IF @result < 0 THROW 51004, N'Timed out waiting for the migration lock.', 1;";

    internal static readonly (string Top, string Limit) RowLimit = ("TOP (@Last) ", "");

    internal const string UpsertSql =
        "UPDATE dbo.KeyStatus SET KeyArn = @KeyArn, Alias = @Alias, Environment = @Environment, KeyState = @KeyState, " +
        "KeySpec = @KeySpec, KeyUsage = @KeyUsage, RotationEnabled = @RotationEnabled, RotationPeriodDays = @RotationPeriodDays, " +
        "CreatedAtUtc = @CreatedAtUtc, LastRotatedAtUtc = @LastRotatedAtUtc, DeletionDateUtc = @DeletionDateUtc, " +
        "LastOperation = COALESCE(@LastOperation, LastOperation), LastOperationId = COALESCE(@LastOperationId, LastOperationId), " +
        "LastOutcome = COALESCE(@LastOutcome, LastOutcome), UpdatedAtUtc = @UpdatedAtUtc " +
        "WHERE KeyId = @KeyId; " +
        $"IF @@ROWCOUNT = 0 INSERT INTO dbo.KeyStatus ({Storage.AuditSql.KeyStatusColumns}) VALUES (@KeyId, @KeyArn, @Alias, @Environment, @KeyState, " +
        "@KeySpec, @KeyUsage, @RotationEnabled, @RotationPeriodDays, @CreatedAtUtc, @LastRotatedAtUtc, @DeletionDateUtc, " +
        "@LastOperation, @LastOperationId, @LastOutcome, @UpdatedAtUtc);";

    /// <summary>Parameter names the engine passes to each stored procedure (a test compares them with the scripts).</summary>
    internal static IReadOnlyDictionary<string, IReadOnlyList<string>> ProcedureParameters { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["LogKeyManagementOperation"] = RowParameters(new AuditRecord(new AuditEntry(), 0, "", "")).Select(p => p.Name).ToList(),
        ["GetKeysDueForRotation"] = ["@AsOfUtc", "@WithinDays"],
        ["GetKeyStatus"] = ["@KeyId"],
        ["CheckUnencryptedConnections"] = [],
    };

    /// <summary>Every SQL text this provider sends besides the shared <see cref="Storage.AuditSql"/> statements.</summary>
    internal static IReadOnlyList<string> DialectStatements { get; } =
    [
        SchemaVersionExistsSql, TailSql, LockAndTailSql, MigrationLockSql, UpsertSql,
        Storage.AuditSql.Query(new AuditQuery
        {
            KeyId = "k", Operation = "REVOKE", IncidentId = "i", ChangeId = "c", Environment = "e", OperationId = Guid.Empty,
            Since = DateTimeOffset.MinValue, Until = DateTimeOffset.MaxValue, Last = 1,
        }, RowLimit).Sql,
        Storage.AuditSql.SelectInterrupted(RowLimit),
    ];

    protected override string SchemaVersionTableExistsSql => SchemaVersionExistsSql;

    protected override string ChainTailSql => TailSql;

    protected override (string Top, string Limit) RowLimitSyntax => RowLimit;

    protected override string UpsertKeyStatusSql => UpsertSql;

    protected override DbConnection OpenConnection(bool create)
    {
        var connection = new SqlConnection(_connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    protected override DbTransaction BeginWriteTransaction(DbConnection connection) =>
        ((SqlConnection)connection).BeginTransaction(IsolationLevel.Serializable);

    protected override void LockChain(DbConnection connection, DbTransaction transaction)
    {
        using var command = (SqlCommand)Command(connection, transaction, "sys.sp_getapplock",
            ("@Resource", ChainLockResource), ("@LockMode", "Exclusive"), ("@LockOwner", "Transaction"), ("@LockTimeout", (int)ChainLockWait.TotalMilliseconds));
        command.CommandType = CommandType.StoredProcedure;
        var result = command.Parameters.Add("@Result", SqlDbType.Int);
        result.Direction = ParameterDirection.ReturnValue;
        command.ExecuteNonQuery();
        if (result.Value is int code) ThrowIfNotLocked(code);
    }

    /// <summary>One round trip instead of two: sp_getapplock and the tail read in one batch (see README.md in this folder).</summary>
    protected override (long Sequence, string PreviousHash) LockAndReadTail(DbConnection connection, DbTransaction transaction)
    {
        using var command = Command(connection, transaction, LockAndTailSql,
            ("@Resource", ChainLockResource), ("@LockTimeout", (int)ChainLockWait.TotalMilliseconds));
        using var reader = command.ExecuteReader();
        if (!reader.Read()) throw new AuditStoreException(AuditErrorCodes.ChainConflict, "The audit chain lock batch returned no row.");
        ThrowIfNotLocked(reader.GetInt32(0));
        return reader.IsDBNull(1) ? (1, AuditHasher.GenesisHash) : (reader.GetInt64(1) + 1, reader.GetString(2).Trim());
    }

    private void ThrowIfNotLocked(int code)
    {
        if (code < 0)
            throw new AuditStoreException(AuditErrorCodes.ChainConflict, code == -1
                ? $"Could not take the audit chain lock within {ChainLockWait.TotalSeconds:0.#} s: another writer holds it (sp_getapplock returned -1)."
                : $"Could not take the audit chain lock (sp_getapplock returned {code}).");
    }

    protected override void LockForMigration(DbConnection connection, DbTransaction transaction)
    {
        using var command = Command(connection, transaction, MigrationLockSql);
        command.ExecuteNonQuery();
    }

    protected override void ExecuteScript(DbConnection connection, DbTransaction transaction, MigrationScript script)
    {
        foreach (var batch in script.Batches())
        {
            using var command = Command(connection, transaction, batch);
            command.CommandTimeout = 120;
            command.ExecuteNonQuery();
        }
    }

    protected override bool InsertChained(DbConnection connection, DbTransaction transaction, AuditRecord record)
    {
        using var command = Command(connection, transaction, "dbo.LogKeyManagementOperation", RowParameters(record));
        command.CommandType = CommandType.StoredProcedure;
        return Convert.ToInt32(command.ExecuteScalar()) == 1;
    }

    protected override DbCommand KeyStatusCommand(DbConnection connection, string? key)
    {
        var command = Command(connection, null, "dbo.GetKeyStatus", ("@KeyId", key));
        command.CommandType = CommandType.StoredProcedure;
        return command;
    }

    public override IReadOnlyList<KeyRotationDue> GetKeysDueForRotation(DateTimeOffset asOfUtc, int withinDays)
    {
        if (withinDays < 0) throw new AuditStoreException(AuditErrorCodes.InvalidAuditEntry, "withinDays must not be negative.");
        return Run(create: false, connection =>
        {
            using var command = Command(connection, null, "dbo.GetKeysDueForRotation", ("@AsOfUtc", asOfUtc), ("@WithinDays", withinDays));
            command.CommandType = CommandType.StoredProcedure;
            using var reader = command.ExecuteReader();
            var rows = new List<KeyRotationDue>();
            while (reader.Read()) rows.Add(new KeyRotationDue(ReadKeyStatus(reader), ReadUtc(reader, 16)));
            return (IReadOnlyList<KeyRotationDue>)rows;
        });
    }

    /// <summary>Sessions connected without encryption (CheckUnencryptedConnections); needs VIEW SERVER STATE.</summary>
    public IReadOnlyList<UnencryptedConnection> CheckUnencryptedConnections() => Run(create: false, connection =>
    {
        using var command = Command(connection, null, CheckUnencryptedConnectionsProcedure);
        command.CommandType = CommandType.StoredProcedure;
        using var r = command.ExecuteReader();
        var rows = new List<UnencryptedConnection>();
        while (r.Read()) rows.Add(ReadUnencryptedConnection(r));
        return (IReadOnlyList<UnencryptedConnection>)rows;
    });

    internal const string CheckUnencryptedConnectionsProcedure = "dbo.CheckUnencryptedConnections";

    /// <summary>One row of dbo.CheckUnencryptedConnections (SessionId, ClientAddress, NetTransport, AuthScheme,
    /// ConnectedAt, LoginName, HostName, ProgramName).</summary>
    internal static UnencryptedConnection ReadUnencryptedConnection(DbDataReader r) =>
        new(r.GetInt32(0), NullableString(r, 1), NullableString(r, 2), NullableString(r, 3),
            NullableString(r, 5), NullableString(r, 6), NullableString(r, 7));

    protected override void AddParameter(DbCommand command, string name, object? value)
    {
        var parameter = ((SqlCommand)command).CreateParameter();
        parameter.ParameterName = name;
        switch (value)
        {
            case null: parameter.Value = DBNull.Value; break;
            case DateTimeOffset d: parameter.SqlDbType = SqlDbType.DateTime2; parameter.Scale = 7; parameter.Value = d.UtcDateTime; break;
            case Guid g: parameter.SqlDbType = SqlDbType.UniqueIdentifier; parameter.Value = g; break;
            case bool b: parameter.SqlDbType = SqlDbType.Bit; parameter.Value = b; break;
            case string s: parameter.SqlDbType = SqlDbType.NVarChar; parameter.Size = s.Length <= 4000 ? 4000 : -1; parameter.Value = s; break;
            default: parameter.Value = value; break;
        }
        command.Parameters.Add(parameter);
    }

    protected override DateTimeOffset ReadUtc(DbDataReader reader, int ordinal) =>
        new(DateTime.SpecifyKind(reader.GetDateTime(ordinal), DateTimeKind.Utc));

    protected override Guid ReadGuid(DbDataReader reader, int ordinal) => reader.GetGuid(ordinal);

    protected override bool IsUnavailable(Exception ex) =>
        ex is SqlException { Number: -2 or 2 or 53 or 40 or 121 or 233 or 10053 or 10054 or 10060 or 10061 or 4060 or 18456 or 64 }
        || ex is InvalidOperationException { Message: var m } && m.Contains("connection", StringComparison.OrdinalIgnoreCase);

    protected override bool IsUniqueViolation(DbException ex) => ex is SqlException { Number: 2627 or 2601 };

    protected override bool IsAppendOnlyViolation(DbException ex) => ex is SqlException { Number: 51000 };
}

/// <summary>One SQL Server session connected without encryption.</summary>
public sealed record UnencryptedConnection(int SessionId, string? ClientAddress, string? NetTransport, string? AuthScheme,
    string? LoginName, string? HostName, string? ProgramName);
