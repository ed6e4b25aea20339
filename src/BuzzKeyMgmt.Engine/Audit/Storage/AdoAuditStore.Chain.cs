using System.Data.Common;

namespace BuzzKeyMgmt.Engine.Audit.Storage;

public abstract partial class AdoAuditStore
{
    /// <summary>Columns of KeyManagementAudit in the order <see cref="ReadRecord"/> expects.</summary>
    protected const string AuditColumns = AuditSql.AuditColumns;

    /// <summary>SQL returning (Sequence, RowHash) of the last row of the chain, or no row.</summary>
    protected abstract string ChainTailSql { get; }

    /// <summary>Row-limit syntax: prefix after SELECT (SQL Server TOP) and suffix (SQLite LIMIT); @Last is the parameter.</summary>
    protected abstract (string Top, string Limit) RowLimitSyntax { get; }

    /// <summary>Takes the cross-process chain lock inside the write transaction (no-op where the transaction already holds it).</summary>
    protected abstract void LockChain(DbConnection connection, DbTransaction transaction);

    /// <summary>Inserts a row whose hash was computed against the current tail; false when its AuditId already exists.</summary>
    protected abstract bool InsertChained(DbConnection connection, DbTransaction transaction, AuditRecord record);

    /// <summary>Reads the chain tail inside the write transaction, after taking the cross-process chain lock (one round
    /// trip where the provider can do both in one batch).</summary>
    protected virtual (long Sequence, string PreviousHash) LockAndReadTail(DbConnection connection, DbTransaction transaction)
    {
        LockChain(connection, transaction);
        return ReadTail(connection, transaction);
    }

    public virtual AuditRecord Append(AuditEntry entry) => AppendBatch([entry])[0].Record;

    /// <summary>
    /// One write transaction: the chain lock and the tail, then each row hashed against the row before it and inserted
    /// (a row whose AuditId is already stored is not inserted: the stored row is returned), one commit. Every entry is
    /// checked before the store is touched.
    /// </summary>
    public virtual IReadOnlyList<StoredAuditRow> AppendBatch(IReadOnlyList<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var normalized = entries.Select(AuditEntryRules.Normalize).ToList();
        if (normalized.Count == 0) return [];
        return Run(create: false, connection =>
        {
            using var transaction = BeginWriteTransaction(connection);
            var (sequence, previousHash) = LockAndReadTail(connection, transaction);
            var rows = new List<StoredAuditRow>(normalized.Count);
            foreach (var entry in normalized)
            {
                var record = new AuditRecord(entry, sequence, previousHash, AuditHasher.ComputeRowHash(entry, sequence, previousHash));
                if (!InsertChained(connection, transaction, record))
                {
                    var stored = FindByAuditId(connection, transaction, entry.AuditId)
                        ?? throw new AuditStoreException(AuditErrorCodes.ChainConflict, $"Audit row {entry.AuditId} was neither inserted nor found.");
                    rows.Add(new StoredAuditRow(stored, Inserted: false));
                    continue;
                }
                rows.Add(new StoredAuditRow(record, Inserted: true));
                previousHash = record.RowHash;
                sequence++;
            }
            transaction.Commit();
            return (IReadOnlyList<StoredAuditRow>)rows;
        });
    }

    /// <summary>
    /// Appends many rows in one transaction (bulk import, benchmarks): same chain rules and AuditId idempotency as
    /// <see cref="Append"/>, one commit at the end. Returns the number of rows inserted.
    /// </summary>
    public virtual long AppendMany(IEnumerable<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        return Run(create: false, connection =>
        {
            using var transaction = BeginWriteTransaction(connection);
            var (sequence, previousHash) = LockAndReadTail(connection, transaction);
            long inserted = 0;
            foreach (var entry in entries)
            {
                var normalized = AuditEntryRules.Normalize(entry);
                var record = new AuditRecord(normalized, sequence, previousHash,
                    AuditHasher.ComputeRowHash(normalized, sequence, previousHash));
                if (!InsertChained(connection, transaction, record)) continue;
                previousHash = record.RowHash;
                sequence++;
                inserted++;
            }
            transaction.Commit();
            return inserted;
        });
    }

    public bool Contains(Guid auditId) =>
        Run(create: false, connection => FindByAuditId(connection, null, auditId) is not null);

    public IReadOnlyList<AuditRecord> Query(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var (sql, parameters) = AuditSql.Query(query, RowLimitSyntax);

        return Run(create: false, connection =>
        {
            using var command = Command(connection, null, sql, parameters);
            using var reader = command.ExecuteReader();
            var rows = new List<AuditRecord>();
            while (reader.Read()) rows.Add(ReadRecord(reader));
            return (IReadOnlyList<AuditRecord>)rows;
        });
    }

    public IEnumerable<AuditRecord> ReadChain()
    {
        // Opened eagerly so that an unreachable store fails here, not at the first MoveNext of the caller.
        return Stream(Open(create: false));
    }

    private IEnumerable<AuditRecord> Stream(DbConnection connection)
    {
        using (connection)
        {
            using var command = Command(connection, null, AuditSql.ReadChain);
            using var reader = command.ExecuteReader();
            while (reader.Read()) yield return ReadRecord(reader);
        }
    }

    public virtual ChainVerification VerifyChain() => Run(create: false, connection =>
    {
        using var command = Command(connection, null, AuditSql.ReadChain);
        using var reader = command.ExecuteReader();
        return ChainVerifier.Verify(Rows(reader));
    });

    private IEnumerable<AuditRecord> Rows(DbDataReader reader)
    {
        while (reader.Read()) yield return ReadRecord(reader);
    }

    protected (long Sequence, string PreviousHash) ReadTail(DbConnection connection, DbTransaction transaction)
    {
        using var command = Command(connection, transaction, ChainTailSql);
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? (reader.GetInt64(0) + 1, reader.GetString(1).Trim())
            : (1, AuditHasher.GenesisHash);
    }

    protected AuditRecord? FindByAuditId(DbConnection connection, DbTransaction? transaction, Guid auditId)
    {
        using var command = Command(connection, transaction,
            AuditSql.FindByAuditId, ("@AuditId", auditId));
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadRecord(reader) : null;
    }

    /// <summary>Parameters of every KeyManagementAudit column, named @Column.</summary>
    protected static (string Name, object? Value)[] RowParameters(AuditRecord r) =>
    [
        ("@Sequence", r.Sequence), ("@AuditId", r.AuditId), ("@OperationId", r.OperationId),
        ("@OccurredAtUtc", r.OccurredAtUtc), ("@Environment", r.Environment), ("@Operation", r.Operation),
        ("@Phase", r.Phase.ToString()), ("@Outcome", r.Outcome.ToString()), ("@KeyId", r.KeyId), ("@KeyArn", r.KeyArn),
        ("@Alias", r.Alias), ("@IncidentId", r.IncidentId), ("@ChangeId", r.ChangeId), ("@Reason", r.Reason),
        ("@IsEmergency", r.IsEmergency), ("@OperatorArn", r.OperatorArn), ("@OperatorName", r.OperatorName),
        ("@ClientHost", r.ClientHost), ("@ClientAddress", r.ClientAddress), ("@Approvals", r.Approvals),
        ("@DurationMs", r.DurationMs), ("@ErrorCode", r.ErrorCode), ("@ErrorMessage", r.ErrorMessage),
        ("@AlertMessageId", r.AlertMessageId), ("@Details", r.Details), ("@PreviousHash", r.PreviousHash),
        ("@RowHash", r.RowHash),
    ];

    /// <summary>Maps a row selected with <see cref="AuditColumns"/>.</summary>
    protected AuditRecord ReadRecord(DbDataReader r)
    {
        var content = new AuditEntry
        {
            AuditId = ReadGuid(r, 1),
            OperationId = ReadGuid(r, 2),
            OccurredAtUtc = ReadUtc(r, 3),
            Environment = r.GetString(4),
            Operation = r.GetString(5),
            Phase = Enum.Parse<AuditPhase>(r.GetString(6)),
            Outcome = Enum.Parse<AuditOutcome>(r.GetString(7)),
            KeyId = NullableString(r, 8),
            KeyArn = NullableString(r, 9),
            Alias = NullableString(r, 10),
            IncidentId = NullableString(r, 11),
            ChangeId = NullableString(r, 12),
            Reason = NullableString(r, 13),
            IsEmergency = r.GetBoolean(14),
            OperatorArn = NullableString(r, 15),
            OperatorName = NullableString(r, 16),
            ClientHost = NullableString(r, 17),
            ClientAddress = NullableString(r, 18),
            Approvals = NullableString(r, 19),
            DurationMs = r.IsDBNull(20) ? null : r.GetInt64(20),
            ErrorCode = NullableString(r, 21),
            ErrorMessage = NullableString(r, 22),
            AlertMessageId = NullableString(r, 23),
            Details = NullableString(r, 24),
        };
        return new AuditRecord(content, r.GetInt64(0), r.GetString(25).Trim(), r.GetString(26).Trim());
    }
}
