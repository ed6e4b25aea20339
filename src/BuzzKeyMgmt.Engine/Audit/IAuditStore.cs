using BuzzKeyMgmt.Engine.Policy;

namespace BuzzKeyMgmt.Engine.Audit;

/// <summary>
/// The audit store: append-only hash-chained audit rows, last known key status, the shared policy and recovery
/// requests. Implemented for SQLite (embedded default) and SQL Server; both use parameterised SQL only.
/// Every method throws <see cref="AuditStoreUnavailableException"/> when the store cannot be reached and
/// <see cref="AuditStoreException"/> for domain errors; messages never contain connection-string secrets.
/// </summary>
public interface IAuditStore
{
    /// <summary>"Sqlite" or "SqlServer".</summary>
    string Provider { get; }

    /// <summary>Applies the missing numbered migrations; returns the versions applied by this call (empty when current).</summary>
    IReadOnlyList<int> Migrate();

    /// <summary>
    /// Appends one row at the end of the chain (serialised across processes) and returns it with Sequence and hashes.
    /// Idempotent by AuditId: a row already present is returned as stored, not appended again.
    /// </summary>
    AuditRecord Append(AuditEntry entry);

    /// <summary>
    /// Appends rows that are ready together (a journal replay, a bulk run) in their order at the end of the chain, with
    /// the same rules as <see cref="Append"/> (one chain, idempotent by AuditId: a row already stored, also earlier in
    /// the same batch, is returned as stored with <see cref="StoredAuditRow.Inserted"/> false), in one write transaction
    /// and so one durable commit: all of them or, on a failure, none. Every entry is checked before anything is written.
    /// This default commits row by row; the stores override it.
    /// </summary>
    IReadOnlyList<StoredAuditRow> AppendBatch(IReadOnlyList<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries) AuditEntryRules.Normalize(entry);
        var rows = new List<StoredAuditRow>(entries.Count);
        foreach (var entry in entries)
        {
            var present = Contains(entry.AuditId);
            rows.Add(new StoredAuditRow(Append(entry), Inserted: !present));
        }
        return rows;
    }

    bool Contains(Guid auditId);

    /// <summary>Rows matching the query, newest (highest Sequence) first.</summary>
    IReadOnlyList<AuditRecord> Query(AuditQuery query);

    /// <summary>Streams every row in Sequence order (for verification and export).</summary>
    IEnumerable<AuditRecord> ReadChain();

    /// <summary>Walks the whole chain and reports the first broken link.</summary>
    ChainVerification VerifyChain();

    void UpsertKeyStatus(KeyStatusRecord status);

    /// <summary>Records many keys' status in one transaction (a fleet read). A row's LastOperation, LastOperationId and
    /// LastOutcome are kept when the new record has none (a read does not erase what the last operation recorded).</summary>
    void UpsertKeyStatuses(IReadOnlyCollection<KeyStatusRecord> statuses);

    /// <summary>Last known status by key id, alias name or key ARN; null when unknown.</summary>
    KeyStatusRecord? GetKeyStatus(string keyIdAliasOrArn);

    IReadOnlyList<KeyStatusRecord> GetKeyStatuses();

    /// <summary>Enabled keys whose policy rotation date is on or before <paramref name="asOfUtc"/> + <paramref name="withinDays"/>.</summary>
    IReadOnlyList<KeyRotationDue> GetKeysDueForRotation(DateTimeOffset asOfUtc, int withinDays);

    PolicySettings GetPolicy();

    /// <summary>Creates a Pending request; expiry and approvals required come from the policy.</summary>
    RecoveryRequest CreateRecoveryRequest(NewRecoveryRequest request);

    /// <summary>
    /// Records one approval. Refused (domain error) when the request is unknown, not pending, expired, when the
    /// approver is the requester, or when the approver already approved. The request becomes Approved once it has
    /// the policy's number of distinct approvals.
    /// </summary>
    RecoveryRequest ApproveRecoveryRequest(Guid requestId, string approvedBy, DateTimeOffset approvedAtUtc);

    RecoveryRequest? GetRecoveryRequest(Guid requestId);

    /// <summary>
    /// Recovery requests matching <paramref name="query"/>, each with its approvals (oldest approval first), newest
    /// RequestedAtUtc first (ties in a stable, provider-defined order), at most <see cref="RecoveryRequestQuery.Last"/>.
    /// With <see cref="RecoveryRequestQuery.AsOfUtc"/>, Pending or Approved requests expired by then are reported and
    /// filtered as Expired without being written. Empty when nothing matches; a malformed query is a domain error.
    /// </summary>
    IReadOnlyList<RecoveryRequest> FindRecoveryRequests(RecoveryRequestQuery query);

    /// <summary>Marks a request Completed, Expired or Cancelled.</summary>
    RecoveryRequest SetRecoveryRequestStatus(Guid requestId, RecoveryRequestStatus status);

    /// <summary>
    /// When the key's current revocation began: the OccurredAtUtc of the earliest Completed, Succeeded REVOKE or
    /// SCHEDULE_DELETION row for <paramref name="keyId"/> (matched on the row's KeyId, the resolved key id, not its
    /// alias or ARN) — or, for a Succeeded RECONCILE row that found an interrupted REVOKE or SCHEDULE_DELETION done, that
    /// operation's Started time — that no Completed, Succeeded RECOVER row of the same KeyId follows at or after it. Null when there
    /// is none (never revoked, or recovered since). Re-running a revocation on a revoked key does not move the start;
    /// a key recovered and revoked again starts anew. Started, Failed and Cancelled rows are ignored.
    /// </summary>
    DateTimeOffset? GetRevokedSince(string keyId);

    /// <summary>
    /// Operations that began and never ended: Started rows of <paramref name="environment"/> written before
    /// <paramref name="startedBefore"/> whose OperationId has no Completed row (the process died, or was killed, between
    /// them), oldest first, at most <paramref name="max"/>. A RECONCILE Completed row shares the interrupted OperationId,
    /// so a reconciled operation is not listed again.
    /// </summary>
    IReadOnlyList<AuditRecord> FindInterrupted(string environment, DateTimeOffset startedBefore, int max);

    /// <summary>Provider, target without secrets, schema version and reachability. Never throws for an unreachable store.</summary>
    AuditStoreDescription Describe();
}

/// <summary>One row of <see cref="IAuditStore.AppendBatch"/>: the row as stored, and whether this call inserted it (false:
/// its AuditId was already stored and the stored row is returned).</summary>
public sealed record StoredAuditRow(AuditRecord Record, bool Inserted);
