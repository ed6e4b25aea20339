namespace BuzzKeyMgmt.Engine.Audit.Storage;

public abstract partial class AdoAuditStore
{
    public DateTimeOffset? GetRevokedSince(string keyId)
    {
        if (string.IsNullOrWhiteSpace(keyId) || keyId.Length > 256)
            throw new AuditStoreException(AuditErrorCodes.InvalidAuditEntry, "GetRevokedSince needs a key id of 1-256 characters.");
        return Run(create: false, connection =>
        {
            using var command = Command(connection, null, AuditSql.SelectRevokedSince,
                ("@KeyId", keyId), ("@Completed", nameof(AuditPhase.Completed)), ("@Succeeded", nameof(AuditOutcome.Succeeded)),
                ("@Revoke", AuditOperations.Revoke), ("@ScheduleDeletion", AuditOperations.ScheduleDeletion),
                ("@Recover", AuditOperations.Recover), ("@Reconcile", AuditOperations.Reconcile), ("@Started", nameof(AuditPhase.Started)));
            using var r = command.ExecuteReader();
            return r.Read() ? NullableUtc(r, 0) : null;
        });
    }
}
