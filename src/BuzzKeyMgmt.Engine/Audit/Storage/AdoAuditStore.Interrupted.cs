namespace BuzzKeyMgmt.Engine.Audit.Storage;

public abstract partial class AdoAuditStore
{
    public IReadOnlyList<AuditRecord> FindInterrupted(string environment, DateTimeOffset startedBefore, int max)
    {
        if (string.IsNullOrWhiteSpace(environment) || environment.Length > 64)
            throw new AuditStoreException(AuditErrorCodes.InvalidAuditEntry, "FindInterrupted needs an environment name of 1-64 characters.");
        if (max is < 1 or > 10_000)
            throw new AuditStoreException(AuditErrorCodes.InvalidAuditEntry, "FindInterrupted returns 1 to 10,000 rows.");
        return Run(create: false, connection =>
        {
            using var command = Command(connection, null, AuditSql.SelectInterrupted(RowLimitSyntax),
                ("@Started", nameof(AuditPhase.Started)), ("@Completed", nameof(AuditPhase.Completed)), ("@Environment", environment),
                ("@Before", startedBefore.ToUniversalTime()), ("@Last", max));
            using var reader = command.ExecuteReader();
            var rows = new List<AuditRecord>();
            while (reader.Read()) rows.Add(ReadRecord(reader));
            return (IReadOnlyList<AuditRecord>)rows;
        });
    }
}
