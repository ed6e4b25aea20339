using System.Data.Common;
using BuzzKeyMgmt.Engine.Policy;

namespace BuzzKeyMgmt.Engine.Audit.Storage;

public abstract partial class AdoAuditStore
{
    protected const string KeyStatusColumns = AuditSql.KeyStatusColumns;

    /// <summary>Insert-or-update of one KeyStatus row from @Column parameters (run inside a write transaction).</summary>
    protected abstract string UpsertKeyStatusSql { get; }

    public void UpsertKeyStatus(KeyStatusRecord status) => UpsertKeyStatuses([status]);

    public void UpsertKeyStatuses(IReadOnlyCollection<KeyStatusRecord> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        foreach (var status in statuses) Check(status);
        if (statuses.Count == 0) return;
        Run(create: false, connection =>
        {
            using var transaction = BeginWriteTransaction(connection);
            using var command = Command(connection, transaction, UpsertKeyStatusSql);
            foreach (var status in statuses)
            {
                command.Parameters.Clear();
                foreach (var (name, value) in Values(status)) AddParameter(command, name, value);
                command.ExecuteNonQuery();
            }
            transaction.Commit();
            return 0;
        });
    }

    private static (string Name, object? Value)[] Values(KeyStatusRecord status) =>
    [
        ("@KeyId", status.KeyId), ("@KeyArn", status.KeyArn), ("@Alias", status.Alias),
        ("@Environment", status.Environment), ("@KeyState", status.KeyState), ("@KeySpec", status.KeySpec),
        ("@KeyUsage", status.KeyUsage), ("@RotationEnabled", status.RotationEnabled),
        ("@RotationPeriodDays", status.RotationPeriodDays), ("@CreatedAtUtc", status.CreatedAtUtc),
        ("@LastRotatedAtUtc", status.LastRotatedAtUtc), ("@DeletionDateUtc", status.DeletionDateUtc),
        ("@LastOperation", status.LastOperation), ("@LastOperationId", status.LastOperationId),
        ("@LastOutcome", status.LastOutcome?.ToString()), ("@UpdatedAtUtc", status.UpdatedAtUtc),
    ];

    private static void Check(KeyStatusRecord status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (string.IsNullOrWhiteSpace(status.KeyId) || status.KeyId.Length > 256)
            throw new AuditStoreException(AuditErrorCodes.InvalidAuditEntry, "Key status needs a KeyId of 1-256 characters.");
        if (string.IsNullOrWhiteSpace(status.Environment) || string.IsNullOrWhiteSpace(status.KeyState))
            throw new AuditStoreException(AuditErrorCodes.InvalidAuditEntry, "Key status needs an Environment and a KeyState.");
        if (status.UpdatedAtUtc == default)
            throw new AuditStoreException(AuditErrorCodes.InvalidAuditEntry, "Key status needs UpdatedAtUtc.");
    }

    public KeyStatusRecord? GetKeyStatus(string keyIdAliasOrArn)
    {
        if (string.IsNullOrWhiteSpace(keyIdAliasOrArn))
            throw new AuditStoreException(AuditErrorCodes.InvalidAuditEntry, "A key id, alias name or key ARN is required.");
        return ReadKeyStatuses(keyIdAliasOrArn).FirstOrDefault();
    }

    public IReadOnlyList<KeyStatusRecord> GetKeyStatuses() => ReadKeyStatuses(null);

    private IReadOnlyList<KeyStatusRecord> ReadKeyStatuses(string? key) => Run(create: false, connection =>
    {
        using var command = KeyStatusCommand(connection, key);
        using var reader = command.ExecuteReader();
        var rows = new List<KeyStatusRecord>();
        while (reader.Read()) rows.Add(ReadKeyStatus(reader));
        return (IReadOnlyList<KeyStatusRecord>)rows;
    });

    /// <summary>The command listing key statuses (all, or those matching id, alias or ARN), columns as <see cref="KeyStatusColumns"/>.</summary>
    protected virtual DbCommand KeyStatusCommand(DbConnection connection, string? key) =>
        Command(connection, null,
            AuditSql.SelectKeyStatus,
            ("@Key", key));

    /// <summary>Engine form of GetKeysDueForRotation (SQLite); SQL Server calls the stored procedure.</summary>
    public virtual IReadOnlyList<KeyRotationDue> GetKeysDueForRotation(DateTimeOffset asOfUtc, int withinDays)
    {
        if (withinDays < 0) throw new AuditStoreException(AuditErrorCodes.InvalidAuditEntry, "withinDays must not be negative.");
        var period = GetPolicy().RotationPeriodDays;
        var horizon = asOfUtc.AddDays(withinDays);
        return GetKeyStatuses()
            .Where(k => k.KeyState == "Enabled")
            .Select(k => new KeyRotationDue(k, (k.LastRotatedAtUtc ?? k.CreatedAtUtc ?? k.UpdatedAtUtc).AddDays(period)))
            .Where(d => d.RotationDueAtUtc <= horizon)
            .OrderBy(d => d.RotationDueAtUtc).ThenBy(d => d.Key.KeyId, StringComparer.Ordinal)
            .ToList();
    }

    protected KeyStatusRecord ReadKeyStatus(DbDataReader r) => new()
    {
        KeyId = r.GetString(0),
        KeyArn = NullableString(r, 1),
        Alias = NullableString(r, 2),
        Environment = r.GetString(3),
        KeyState = r.GetString(4),
        KeySpec = NullableString(r, 5),
        KeyUsage = NullableString(r, 6),
        RotationEnabled = r.GetBoolean(7),
        RotationPeriodDays = (int?)NullableInt64(r, 8),
        CreatedAtUtc = NullableUtc(r, 9),
        LastRotatedAtUtc = NullableUtc(r, 10),
        DeletionDateUtc = NullableUtc(r, 11),
        LastOperation = NullableString(r, 12),
        LastOperationId = r.IsDBNull(13) ? null : ReadGuid(r, 13),
        LastOutcome = r.IsDBNull(14) ? null : Enum.Parse<AuditOutcome>(r.GetString(14)),
        UpdatedAtUtc = ReadUtc(r, 15),
    };

    public PolicySettings GetPolicy()
    {
        var values = Run(create: false, connection =>
        {
            using var command = Command(connection, null, AuditSql.SelectPolicy);
            using var reader = command.ExecuteReader();
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            while (reader.Read()) map[reader.GetString(0)] = reader.GetString(1);
            return map;
        });
        return PolicySettings.FromValues(values);
    }
}
