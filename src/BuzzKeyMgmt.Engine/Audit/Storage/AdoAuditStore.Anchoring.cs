using System.Data.Common;
using BuzzKeyMgmt.Engine.Audit.Anchoring;

namespace BuzzKeyMgmt.Engine.Audit.Storage;

/// <summary>Chain positions, checkpointed walks and the store's record of its digests (for <see cref="AuditAnchor"/> and
/// <see cref="AnchoredChainVerifier"/>).</summary>
public abstract partial class AdoAuditStore : IAuditChainAnchoring
{
    private const string DigestColumns = "Number, FirstSequence, LastSequence, HeadHash, DigestHash, CreatedAtUtc";

    public AuditChainPosition? ReadHead() => Run(create: false, connection =>
    {
        var (top, limit) = RowLimitSyntax;
        using var command = Command(connection, null,
            $"SELECT {top}Sequence, RowHash, AuditId FROM KeyManagementAudit ORDER BY Sequence DESC{limit}", ("@Last", 1));
        using var reader = command.ExecuteReader();
        return reader.Read() ? new AuditChainPosition(reader.GetInt64(0), reader.GetString(1).Trim(), ReadGuid(reader, 2)) : null;
    });

    public AuditChainPosition? ReadPosition(long sequence) => Run(create: false, connection =>
    {
        using var command = Command(connection, null,
            "SELECT Sequence, RowHash, AuditId FROM KeyManagementAudit WHERE Sequence = @Sequence", ("@Sequence", sequence));
        using var reader = command.ExecuteReader();
        return reader.Read() ? new AuditChainPosition(reader.GetInt64(0), reader.GetString(1).Trim(), ReadGuid(reader, 2)) : null;
    });

    public virtual ChainVerification VerifyChain(ChainCheckpoints checkpoints) => Run(create: false, connection =>
    {
        using var command = Command(connection, null, AuditSql.ReadChain);
        using var reader = command.ExecuteReader();
        return ChainVerifier.Verify(Rows(reader), checkpoints: checkpoints);
    });

    public bool RecordDigest(AuditDigestMark mark) => Run(create: false, connection =>
    {
        try
        {
            using var command = Command(connection, null,
                $"INSERT INTO KeyAuditDigest ({DigestColumns}) VALUES (@Number, @FirstSequence, @LastSequence, @HeadHash, @DigestHash, @CreatedAtUtc)",
                ("@Number", mark.Number), ("@FirstSequence", mark.FirstSequence), ("@LastSequence", mark.LastSequence),
                ("@HeadHash", mark.HeadHash), ("@DigestHash", mark.DigestHash), ("@CreatedAtUtc", mark.CreatedAtUtc));
            command.ExecuteNonQuery();
            return true;
        }
        catch (DbException ex) when (IsUniqueViolation(ex))
        {
            return true;   // recorded already
        }
        catch (DbException ex) when (IsMissingDigestTable(ex))
        {
            return false;
        }
    });

    public AuditDigestMark? ReadNewestDigestMark() => Run(create: false, connection =>
    {
        var (top, limit) = RowLimitSyntax;
        try
        {
            using var command = Command(connection, null, $"SELECT {top}{DigestColumns} FROM KeyAuditDigest ORDER BY Number DESC{limit}", ("@Last", 1));
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? new AuditDigestMark(Convert.ToInt64(reader.GetValue(0)), Convert.ToInt64(reader.GetValue(1)), Convert.ToInt64(reader.GetValue(2)),
                    reader.GetString(3).Trim(), reader.GetString(4).Trim(), ReadUtc(reader, 5))
                : null;
        }
        catch (DbException ex) when (IsMissingDigestTable(ex))
        {
            return null;
        }
    });

    /// <summary>A store migrated before 007 has no KeyAuditDigest table (SQLite "no such table", SQL Server error 208).</summary>
    private static bool IsMissingDigestTable(DbException ex) =>
        ex.Message.Contains("no such table", StringComparison.OrdinalIgnoreCase)
        || ex.Message.Contains("Invalid object name", StringComparison.OrdinalIgnoreCase);
}
