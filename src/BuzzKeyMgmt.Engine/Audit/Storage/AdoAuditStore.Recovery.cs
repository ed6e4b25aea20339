using System.Data.Common;

namespace BuzzKeyMgmt.Engine.Audit.Storage;

public abstract partial class AdoAuditStore
{
    public RecoveryRequest CreateRecoveryRequest(NewRecoveryRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var policy = GetPolicy();
        if (request.RequestId == Guid.Empty) Invalid("RequestId must not be empty.");
        if (string.IsNullOrWhiteSpace(request.KeyId) || request.KeyId.Length > 256) Invalid("KeyId must be 1-256 characters.");
        if (!policy.IsValidChangeId(request.ChangeId)) Invalid($"ChangeId '{request.ChangeId}' does not match the policy pattern {policy.ChangeIdPattern}.");
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 1000) Invalid("Reason must be 1-1000 characters.");
        if (string.IsNullOrWhiteSpace(request.RequestedBy) || request.RequestedBy.Length > 400) Invalid("RequestedBy (caller ARN) must be 1-400 characters.");
        if (request.RequestedAtUtc == default) Invalid("RequestedAtUtc must be set.");
        var requestedAt = request.RequestedAtUtc.ToUniversalTime();

        return Run(create: false, connection =>
        {
            using var transaction = BeginWriteTransaction(connection);
            using (var insert = Command(connection, transaction,
                AuditSql.InsertRequest,
                ("@RequestId", request.RequestId), ("@KeyId", request.KeyId), ("@KeyArn", request.KeyArn),
                ("@Alias", request.Alias), ("@ChangeId", request.ChangeId), ("@Reason", request.Reason),
                ("@RequestedBy", request.RequestedBy), ("@RequestedAtUtc", requestedAt),
                ("@ExpiresAtUtc", requestedAt.AddHours(policy.RecoveryRequestExpiryHours)),
                ("@ApprovalsRequired", policy.ApprovalsRequired), ("@Status", nameof(RecoveryRequestStatus.Pending))))
            {
                try
                {
                    insert.ExecuteNonQuery();
                }
                catch (DbException ex) when (IsUniqueViolation(ex))
                {
                    throw new AuditStoreException(AuditErrorCodes.InvalidRecoveryRequest, $"Recovery request {request.RequestId} already exists.");
                }
            }
            var created = ReadRequest(connection, transaction, request.RequestId)!;
            transaction.Commit();
            return created;
        });
    }

    public RecoveryRequest ApproveRecoveryRequest(Guid requestId, string approvedBy, DateTimeOffset approvedAtUtc)
    {
        if (string.IsNullOrWhiteSpace(approvedBy) || approvedBy.Length > 400) Invalid("ApprovedBy (caller ARN) must be 1-400 characters.");
        if (approvedAtUtc == default) Invalid("ApprovedAtUtc must be set.");
        var approvedAt = approvedAtUtc.ToUniversalTime();

        return Run(create: false, connection =>
        {
            using var transaction = BeginWriteTransaction(connection);
            var request = ReadRequest(connection, transaction, requestId)
                ?? throw new AuditStoreException(AuditErrorCodes.RecoveryRequestNotFound, $"Recovery request {requestId} does not exist.");
            if (request.Status != RecoveryRequestStatus.Pending)
                throw new AuditStoreException(AuditErrorCodes.RecoveryRequestNotPending, $"Recovery request {requestId} is {request.Status}, not Pending: it cannot be approved.");
            if (approvedAt >= request.ExpiresAtUtc)
            {
                UpdateStatus(connection, transaction, requestId, RecoveryRequestStatus.Expired);
                transaction.Commit();
                throw new AuditStoreException(AuditErrorCodes.RecoveryRequestExpired, $"Recovery request {requestId} expired at {AuditHasher.FormatTimestamp(request.ExpiresAtUtc)}.");
            }
            if (string.Equals(request.RequestedBy, approvedBy, StringComparison.Ordinal))
                throw new AuditStoreException(AuditErrorCodes.SelfApproval, $"{approvedBy} requested recovery {requestId} and cannot also approve it (separation of duties).");
            if (request.Approvals.Any(a => string.Equals(a.ApprovedBy, approvedBy, StringComparison.Ordinal)))
                throw DuplicateApproval(requestId, approvedBy);

            using (var insert = Command(connection, transaction,
                AuditSql.InsertApproval,
                ("@RequestId", requestId), ("@ApprovedBy", approvedBy), ("@ApprovedAtUtc", approvedAt)))
            {
                try
                {
                    insert.ExecuteNonQuery();
                }
                catch (DbException ex) when (IsUniqueViolation(ex))
                {
                    throw DuplicateApproval(requestId, approvedBy);
                }
            }
            if (request.Approvals.Count + 1 >= request.ApprovalsRequired)
                UpdateStatus(connection, transaction, requestId, RecoveryRequestStatus.Approved);
            var updated = ReadRequest(connection, transaction, requestId)!;
            transaction.Commit();
            return updated;
        });
    }

    public RecoveryRequest? GetRecoveryRequest(Guid requestId) =>
        Run(create: false, connection => ReadRequest(connection, null, requestId));

    public IReadOnlyList<RecoveryRequest> FindRecoveryRequests(RecoveryRequestQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        var wanted = (query.Statuses ?? (IEnumerable<RecoveryRequestStatus>)Enum.GetValues<RecoveryRequestStatus>())
            .Distinct().Select(s => s.ToString()).ToList();
        var parameters = new List<(string Name, object? Value)>
        {
            ("@RequestId", query.RequestId), ("@KeyId", query.KeyId), ("@ChangeId", query.ChangeId),
            ("@AsOfUtc", query.AsOfUtc?.ToUniversalTime()),
            ("@Pending", nameof(RecoveryRequestStatus.Pending)), ("@Approved", nameof(RecoveryRequestStatus.Approved)),
            ("@Expired", nameof(RecoveryRequestStatus.Expired)), ("@Last", query.Last),
        };
        for (var i = 0; i < AuditSql.StatusParameters.Count; i++)
            parameters.Add((AuditSql.StatusParameters[i], i < wanted.Count ? wanted[i] : null));

        return Run(create: false, connection =>
        {
            var requests = new List<RecoveryRequest>();
            RecoveryRequest? current = null;
            List<RecoveryApproval> approvals = [];
            using var command = Command(connection, null, AuditSql.FindRecoveryRequests, parameters.ToArray());
            using var r = command.ExecuteReader();
            while (r.Read())
            {
                var requestId = ReadGuid(r, 0);
                if (current is null || current.RequestId != requestId)
                {
                    if (current is not null) requests.Add(current with { Approvals = approvals });
                    current = ReadRequestColumns(r, requestId);
                    approvals = [];
                }
                if (!r.IsDBNull(11)) approvals.Add(new RecoveryApproval(requestId, r.GetString(11), ReadUtc(r, 12)));
            }
            if (current is not null) requests.Add(current with { Approvals = approvals });
            return (IReadOnlyList<RecoveryRequest>)requests;
        });
    }

    public RecoveryRequest SetRecoveryRequestStatus(Guid requestId, RecoveryRequestStatus status)
    {
        if (status is RecoveryRequestStatus.Pending or RecoveryRequestStatus.Approved)
            Invalid("Only Completed, Expired or Cancelled can be set; Approved follows from approvals.");
        return Run(create: false, connection =>
        {
            using var transaction = BeginWriteTransaction(connection);
            var request = ReadRequest(connection, transaction, requestId)
                ?? throw new AuditStoreException(AuditErrorCodes.RecoveryRequestNotFound, $"Recovery request {requestId} does not exist.");
            if (status == RecoveryRequestStatus.Completed && request.Status != RecoveryRequestStatus.Approved)
                throw new AuditStoreException(AuditErrorCodes.RecoveryRequestNotPending, $"Recovery request {requestId} is {request.Status}: only an Approved request can be completed.");
            UpdateStatus(connection, transaction, requestId, status);
            var updated = ReadRequest(connection, transaction, requestId)!;
            transaction.Commit();
            return updated;
        });
    }

    private void UpdateStatus(DbConnection connection, DbTransaction transaction, Guid requestId, RecoveryRequestStatus status)
    {
        using var command = Command(connection, transaction, AuditSql.UpdateRequestStatus,
            ("@Status", status.ToString()), ("@RequestId", requestId));
        command.ExecuteNonQuery();
    }

    private RecoveryRequest? ReadRequest(DbConnection connection, DbTransaction? transaction, Guid requestId)
    {
        RecoveryRequest request;
        using (var command = Command(connection, transaction, AuditSql.SelectRequest, ("@RequestId", requestId)))
        using (var r = command.ExecuteReader())
        {
            if (!r.Read()) return null;
            request = ReadRequestColumns(r, ReadGuid(r, 0));
        }
        var approvals = new List<RecoveryApproval>();
        using (var command = Command(connection, transaction,
            AuditSql.SelectApprovals, ("@RequestId", requestId)))
        using (var r = command.ExecuteReader())
        {
            while (r.Read()) approvals.Add(new RecoveryApproval(requestId, r.GetString(0), ReadUtc(r, 1)));
        }
        return request with { Approvals = approvals };
    }

    /// <summary>A request from the first columns of a row in <see cref="AuditSql.RequestColumns"/> order (no approvals).</summary>
    private RecoveryRequest ReadRequestColumns(DbDataReader r, Guid requestId) => new()
    {
        RequestId = requestId, KeyId = r.GetString(1), KeyArn = NullableString(r, 2), Alias = NullableString(r, 3),
        ChangeId = r.GetString(4), Reason = r.GetString(5), RequestedBy = r.GetString(6), RequestedAtUtc = ReadUtc(r, 7),
        ExpiresAtUtc = ReadUtc(r, 8), ApprovalsRequired = Convert.ToInt32(r.GetValue(9)),
        Status = Enum.Parse<RecoveryRequestStatus>(r.GetString(10)),
    };

    private static AuditStoreException DuplicateApproval(Guid requestId, string approvedBy) =>
        new(AuditErrorCodes.DuplicateApproval, $"{approvedBy} has already approved recovery request {requestId}; a second approval must come from someone else.");

    private static void Invalid(string message) =>
        throw new AuditStoreException(AuditErrorCodes.InvalidRecoveryRequest, "Invalid recovery request: " + message);
}
