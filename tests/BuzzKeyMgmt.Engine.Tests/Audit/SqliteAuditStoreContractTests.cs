using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Sqlite;
using Microsoft.Data.Sqlite;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>The store contract on a fresh SQLite file per test (always runs).</summary>
public sealed class SqliteAuditStoreContractTests : AuditStoreContractTests
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.File("audit.db");

    protected override IAuditStore CreateMigratedStore()
    {
        var store = new SqliteAuditStore(DatabasePath);
        store.Migrate();
        return store;
    }

    protected override void ExecuteRaw(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    protected override (bool Compliant, bool Overdue) ComplianceViewRow(string keyId)
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT IsCompliant, IsRotationOverdue FROM KeyComplianceStatus WHERE KeyId = $id";
        command.Parameters.AddWithValue("$id", keyId);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), $"no view row for {keyId}");
        return (reader.GetInt64(0) == 1, reader.GetInt64(1) == 1);
    }

    public override void Dispose() => _directory.Dispose();
}
