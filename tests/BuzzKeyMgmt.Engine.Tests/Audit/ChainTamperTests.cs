using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>
/// Tampering through raw SQL (dropping the append-only triggers first, as an attacker with DDL rights would) is
/// detected by the chain verification, which names the first broken link.
/// </summary>
public sealed class ChainTamperTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly SqliteAuditStore _store;
    private readonly List<AuditRecord> _rows = [];

    public ChainTamperTests()
    {
        _store = new SqliteAuditStore(_directory.File("audit.db"));
        _store.Migrate();
        var environment = SampleEntries.NewEnvironment();
        for (var i = 0; i < 5; i++)
        {
            var started = SampleEntries.Started(environment, SampleEntries.NewKeyId(), minute: i);
            _rows.Add(_store.Append(started));
            _rows.Add(_store.Append(SampleEntries.Completed(started)));
        }
        Assert.True(_store.VerifyChain().IsValid);
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void An_altered_row_is_reported_at_its_own_sequence()
    {
        Raw("DROP TRIGGER TR_KeyManagementAudit_NoUpdate; UPDATE KeyManagementAudit SET Reason = 'routine maintenance' WHERE Sequence = 4;");
        var result = _store.VerifyChain();
        Assert.False(result.IsValid);
        Assert.Equal(ChainBreak.RowHashMismatch, result.Break);
        Assert.Equal(4, result.BrokenSequence);
        Assert.Equal(_rows[3].AuditId, result.BrokenAuditId);
        Assert.Contains("altered", result.Problem);
        Assert.Equal(3, result.RowsChecked);
    }

    [Fact]
    public void An_altered_row_with_a_recomputed_hash_breaks_the_next_link()
    {
        var forged = _rows[3] with { Reason = "routine maintenance" };
        var forgedHash = AuditHasher.ComputeRowHash(forged, forged.Sequence, forged.PreviousHash);
        Raw($"DROP TRIGGER TR_KeyManagementAudit_NoUpdate; UPDATE KeyManagementAudit SET Reason = 'routine maintenance', RowHash = '{forgedHash}' WHERE Sequence = 4;");
        var result = _store.VerifyChain();
        Assert.Equal(ChainBreak.PreviousHashMismatch, result.Break);
        Assert.Equal(5, result.BrokenSequence);
        Assert.Equal(_rows[4].AuditId, result.BrokenAuditId);
    }

    [Fact]
    public void A_deleted_row_is_reported_at_the_row_after_the_gap()
    {
        Raw("DROP TRIGGER TR_KeyManagementAudit_NoDelete; DELETE FROM KeyManagementAudit WHERE Sequence = 6;");
        var result = _store.VerifyChain();
        Assert.Equal(ChainBreak.SequenceGap, result.Break);
        Assert.Equal(7, result.BrokenSequence);
        Assert.Equal(_rows[6].AuditId, result.BrokenAuditId);
        Assert.Contains("expected Sequence 6", result.Problem);
    }

    [Fact]
    public void A_deleted_and_renumbered_row_is_still_detected()
    {
        Raw("DROP TRIGGER TR_KeyManagementAudit_NoDelete; DROP TRIGGER TR_KeyManagementAudit_NoUpdate; " +
            "DELETE FROM KeyManagementAudit WHERE Sequence = 6; UPDATE KeyManagementAudit SET Sequence = Sequence - 1 WHERE Sequence > 6;");
        var result = _store.VerifyChain();
        Assert.False(result.IsValid);
        Assert.Equal(6, result.BrokenSequence);
        Assert.Equal(_rows[6].AuditId, result.BrokenAuditId);
        Assert.Equal(ChainBreak.PreviousHashMismatch, result.Break);
    }

    [Fact]
    public void Reordered_rows_are_reported_at_the_first_moved_row()
    {
        Raw("DROP TRIGGER TR_KeyManagementAudit_NoUpdate; " +
            "UPDATE KeyManagementAudit SET Sequence = -3 WHERE Sequence = 3; " +
            "UPDATE KeyManagementAudit SET Sequence = 3 WHERE Sequence = 4; " +
            "UPDATE KeyManagementAudit SET Sequence = 4 WHERE Sequence = -3;");
        var result = _store.VerifyChain();
        Assert.Equal(ChainBreak.PreviousHashMismatch, result.Break);
        Assert.Equal(3, result.BrokenSequence);
        Assert.Equal(_rows[3].AuditId, result.BrokenAuditId); // the old row 4 now sits at Sequence 3
    }

    [Fact]
    public void A_truncated_tail_is_detected_against_an_earlier_anchor()
    {
        var anchor = _store.VerifyChain();
        Raw("DROP TRIGGER TR_KeyManagementAudit_NoDelete; DELETE FROM KeyManagementAudit WHERE Sequence >= 9;");
        Assert.True(_store.VerifyChain().IsValid); // the remaining prefix is a valid chain on its own ...
        var result = ChainVerifier.Verify(_store.ReadChain(), expectedMinimumLastSequence: anchor.LastSequence);
        Assert.False(result.IsValid); // ... but not against the anchor of the earlier verification
        Assert.Equal(ChainBreak.SequenceGap, result.Break);
        Assert.Contains("removed from the end", result.Problem);
    }

    private void Raw(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_store.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
