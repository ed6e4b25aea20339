using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>The fast SQLite verification (stored bytes, batches hashed on another core) agrees with the reference verifier.</summary>
public sealed class SqliteChainScannerTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Agrees_with_the_reference_verifier_across_many_batches_and_finds_a_late_break()
    {
        var store = new SqliteAuditStore(_directory.File("audit.db"));
        store.Migrate();
        var environment = SampleEntries.NewEnvironment();
        Assert.Equal(5000, store.AppendMany(Enumerable.Range(0, 5000).Select(i =>
            SampleEntries.Started(environment, SampleEntries.NewKeyId(), minute: i) with { ChangeId = i % 3 == 0 ? null : "CHG-2026-" + i.ToString("D4") })));

        var fast = store.VerifyChain();
        var reference = ChainVerifier.Verify(store.ReadChain());
        Assert.True(fast.IsValid, fast.ToString());
        Assert.Equal(reference, fast);
        Assert.Equal(5000, fast.RowsChecked);

        using (var connection = new SqliteConnection($"Data Source={store.DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DROP TRIGGER TR_KeyManagementAudit_NoUpdate; UPDATE KeyManagementAudit SET IsEmergency = 0 WHERE Sequence = 4500;";
            command.ExecuteNonQuery();
        }
        var broken = store.VerifyChain();
        Assert.Equal(ChainBreak.RowHashMismatch, broken.Break);
        Assert.Equal(4500, broken.BrokenSequence);
        Assert.Equal(4499, broken.RowsChecked);
        Assert.Equal(ChainVerifier.Verify(store.ReadChain()), broken);
    }
}
