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

    public override void Dispose() => _directory.Dispose();
}
