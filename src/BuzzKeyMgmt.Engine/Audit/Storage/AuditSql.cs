using System.Text;

namespace BuzzKeyMgmt.Engine.Audit.Storage;

/// <summary>
/// The SQL both providers share (parameterised, @Name markers, no dialect-specific syntax). A test parses every
/// statement here with the SQL Server grammar; the SQLite contract tests execute them.
/// </summary>
internal static class AuditSql
{
    public const string AuditColumns =
        "Sequence, AuditId, OperationId, OccurredAtUtc, Environment, Operation, Phase, Outcome, KeyId, KeyArn, Alias, " +
        "IncidentId, ChangeId, Reason, IsEmergency, OperatorArn, OperatorName, ClientHost, ClientAddress, Approvals, " +
        "DurationMs, ErrorCode, ErrorMessage, AlertMessageId, Details, PreviousHash, RowHash";

    public const string KeyStatusColumns =
        "KeyId, KeyArn, Alias, Environment, KeyState, KeySpec, KeyUsage, RotationEnabled, RotationPeriodDays, " +
        "CreatedAtUtc, LastRotatedAtUtc, DeletionDateUtc, LastOperation, LastOperationId, LastOutcome, UpdatedAtUtc";

    public const string RequestColumns =
        "RequestId, KeyId, KeyArn, Alias, ChangeId, Reason, RequestedBy, RequestedAtUtc, ExpiresAtUtc, ApprovalsRequired, Status";

    public const string SelectVersions = "SELECT Version FROM SchemaVersion";
    public const string ReadChain = $"SELECT {AuditColumns} FROM KeyManagementAudit ORDER BY Sequence";
    public const string FindByAuditId = $"SELECT {AuditColumns} FROM KeyManagementAudit WHERE AuditId = @AuditId";
    public const string SelectKeyStatus =
        $"SELECT {KeyStatusColumns} FROM KeyStatus WHERE @Key IS NULL OR KeyId = @Key OR Alias = @Key OR KeyArn = @Key ORDER BY KeyId";
    public const string SelectPolicy = "SELECT Name, Value FROM KeyManagementConfig";
    public const string InsertRequest =
        $"INSERT INTO KeyRecoveryRequest ({RequestColumns}) VALUES (@RequestId, @KeyId, @KeyArn, @Alias, @ChangeId, @Reason, " +
        "@RequestedBy, @RequestedAtUtc, @ExpiresAtUtc, @ApprovalsRequired, @Status)";
    public const string InsertApproval =
        "INSERT INTO KeyRecoveryApproval (RequestId, ApprovedBy, ApprovedAtUtc) VALUES (@RequestId, @ApprovedBy, @ApprovedAtUtc)";
    public const string UpdateRequestStatus = "UPDATE KeyRecoveryRequest SET Status = @Status WHERE RequestId = @RequestId";
    public const string SelectRequest = $"SELECT {RequestColumns} FROM KeyRecoveryRequest WHERE RequestId = @RequestId";
    public const string SelectApprovals =
        "SELECT ApprovedBy, ApprovedAtUtc FROM KeyRecoveryApproval WHERE RequestId = @RequestId ORDER BY ApprovedAtUtc, ApprovedBy";

    /// <summary>
    /// One marker per <see cref="RecoveryRequestStatus"/> for the status filter of <see cref="FindRecoveryRequests"/>:
    /// the wanted statuses' names are passed in the first markers and null in the rest, so the text never changes.
    /// </summary>
    public static readonly IReadOnlyList<string> StatusParameters =
        Enum.GetNames<RecoveryRequestStatus>().Select((_, i) => "@Status" + i).ToArray();

    /// <summary>
    /// Recovery requests with their approvals in one statement: the filtered requests numbered newest first (status
    /// derived as @Expired when @AsOfUtc is given and a @Pending or @Approved request expired by then), the first @Last
    /// of them, left-joined to their approvals. Rows come grouped by request (RowNumber), approvals oldest first.
    /// Parameters: @RequestId, @KeyId, @ChangeId, @AsOfUtc (each null for "any"), @Pending, @Approved, @Expired (the
    /// status names), <see cref="StatusParameters"/>, @Last.
    /// </summary>
    public static readonly string FindRecoveryRequests =
        "SELECT q.RequestId, q.KeyId, q.KeyArn, q.Alias, q.ChangeId, q.Reason, q.RequestedBy, q.RequestedAtUtc, q.ExpiresAtUtc, " +
        "q.ApprovalsRequired, q.Status, a.ApprovedBy, a.ApprovedAtUtc " +
        "FROM (SELECT f.RequestId, f.KeyId, f.KeyArn, f.Alias, f.ChangeId, f.Reason, f.RequestedBy, f.RequestedAtUtc, f.ExpiresAtUtc, " +
        "f.ApprovalsRequired, f.Status, ROW_NUMBER() OVER (ORDER BY f.RequestedAtUtc DESC, f.RequestId DESC) AS RowNumber " +
        "FROM (SELECT RequestId, KeyId, KeyArn, Alias, ChangeId, Reason, RequestedBy, RequestedAtUtc, ExpiresAtUtc, ApprovalsRequired, " +
        "CASE WHEN @AsOfUtc IS NOT NULL AND Status IN (@Pending, @Approved) AND ExpiresAtUtc <= @AsOfUtc THEN @Expired ELSE Status END AS Status " +
        "FROM KeyRecoveryRequest " +
        "WHERE (@RequestId IS NULL OR RequestId = @RequestId) " +
        "AND (@KeyId IS NULL OR UPPER(KeyId) = UPPER(@KeyId) OR UPPER(KeyArn) = UPPER(@KeyId) OR UPPER(Alias) = UPPER(@KeyId)) " +
        "AND (@ChangeId IS NULL OR UPPER(ChangeId) = UPPER(@ChangeId))) AS f " +
        $"WHERE f.Status IN ({string.Join(", ", StatusParameters)})) AS q " +
        "LEFT JOIN KeyRecoveryApproval a ON a.RequestId = q.RequestId " +
        "WHERE q.RowNumber <= @Last " +
        "ORDER BY q.RowNumber, a.ApprovedAtUtc, a.ApprovedBy";

    /// <summary>
    /// Start of the key's current revocation: the earliest Completed (@Completed), Succeeded (@Succeeded) @Revoke or
    /// @ScheduleDeletion row of @KeyId not followed (at or after it) by a Completed, Succeeded @Recover row of the same
    /// KeyId. One row: NULL when there is none.
    /// </summary>
    /// A Succeeded @Reconcile row counts from the Started (@Started) @Revoke or @ScheduleDeletion row it reconciled (same
    /// OperationId): the time the interrupted revocation began. (A derived table, since SQL Server allows no subquery
    /// inside an aggregate.)
    public const string SelectRevokedSince =
        "SELECT MIN(t.RevokedAt) FROM (SELECT CASE WHEN r.Operation = @Reconcile THEN " +
        "(SELECT MIN(s.OccurredAtUtc) FROM KeyManagementAudit s WHERE s.OperationId = r.OperationId AND s.Phase = @Started " +
        "AND s.Operation IN (@Revoke, @ScheduleDeletion)) ELSE r.OccurredAtUtc END AS RevokedAt " +
        "FROM KeyManagementAudit r " +
        "WHERE r.KeyId = @KeyId AND r.Phase = @Completed AND r.Outcome = @Succeeded AND r.Operation IN (@Revoke, @ScheduleDeletion, @Reconcile) " +
        "AND NOT EXISTS (SELECT 1 FROM KeyManagementAudit x WHERE x.KeyId = r.KeyId AND x.Phase = @Completed " +
        "AND x.Outcome = @Succeeded AND x.Operation = @Recover AND x.OccurredAtUtc >= r.OccurredAtUtc)) AS t";

    /// <summary>Started (@Started) rows of @Environment before @Before whose OperationId has no Completed (@Completed) row,
    /// oldest first; the dialect's row limit caps them at @Last.</summary>
    public static string SelectInterrupted((string Top, string Limit) rowLimit) =>
        $"SELECT {rowLimit.Top}{AuditColumns} FROM KeyManagementAudit s " +
        "WHERE s.Phase = @Started AND s.Environment = @Environment AND s.OccurredAtUtc < @Before " +
        "AND NOT EXISTS (SELECT 1 FROM KeyManagementAudit c WHERE c.OperationId = s.OperationId AND c.Phase = @Completed) " +
        $"ORDER BY s.OccurredAtUtc, s.Sequence{rowLimit.Limit}";

    public static IReadOnlyList<string> Shared { get; } =
    [
        SelectVersions, ReadChain, FindByAuditId, SelectKeyStatus, SelectPolicy, InsertRequest, InsertApproval,
        UpdateRequestStatus, SelectRequest, SelectApprovals, FindRecoveryRequests, SelectRevokedSince,
    ];

    /// <summary>The audit query: SQL text (with the dialect's row limit) and its parameters.</summary>
    public static (string Sql, (string Name, object? Value)[] Parameters) Query(AuditQuery query, (string Top, string Limit) rowLimit)
    {
        var where = new StringBuilder(" WHERE 1 = 1");
        var parameters = new List<(string, object?)>();
        void Filter(object? value, string clause, string name)
        {
            if (value is null) return;
            where.Append(clause);
            parameters.Add((name, value));
        }
        // Names and ids compare case-insensitively in both dialects (UPPER on both sides: a SQL Server database with a
        // case-sensitive collation and SQLite's binary one answer alike); operations are stored in capitals.
        Filter(query.KeyId, " AND (UPPER(KeyId) = UPPER(@KeyId) OR UPPER(KeyArn) = UPPER(@KeyId) OR UPPER(Alias) = UPPER(@KeyId))", "@KeyId");
        Filter(query.Operation, " AND Operation = UPPER(@Operation)", "@Operation");
        Filter(query.IncidentId, " AND UPPER(IncidentId) = UPPER(@IncidentId)", "@IncidentId");
        Filter(query.ChangeId, " AND UPPER(ChangeId) = UPPER(@ChangeId)", "@ChangeId");
        Filter(query.Environment, " AND UPPER(Environment) = UPPER(@Environment)", "@Environment");
        Filter(query.OperationId, " AND OperationId = @OperationId", "@OperationId");
        Filter(query.Since, " AND OccurredAtUtc >= @Since", "@Since");
        Filter(query.Until, " AND OccurredAtUtc < @Until", "@Until");
        var (top, limit) = query.Last is null ? ("", "") : rowLimit;
        if (query.Last is { } last) parameters.Add(("@Last", last));
        return ($"SELECT {top}{AuditColumns} FROM KeyManagementAudit{where} ORDER BY Sequence DESC{limit}", parameters.ToArray());
    }
}
