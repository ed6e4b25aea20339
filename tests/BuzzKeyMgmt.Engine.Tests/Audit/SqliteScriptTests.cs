using BuzzKeyMgmt.Engine.Audit.SqlServer;
using Microsoft.Data.Sqlite;
using Xunit;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>The SQLite migrations, executed for real from the sql/sqlite files: twice, to prove they are idempotent.</summary>
public sealed class SqliteScriptTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Scripts_run_twice_and_create_every_object_with_the_policy_seeded_once()
    {
        using var connection = new SqliteConnection($"Data Source={_directory.File("scripts.db")};Pooling=False");
        connection.Open();
        for (var round = 0; round < 2; round++)
        {
            foreach (var file in SqlScriptFiles.Scripts("sqlite"))
            {
                using var command = connection.CreateCommand();
                command.CommandText = File.ReadAllText(file);
                command.ExecuteNonQuery();
            }
        }

        var objects = new HashSet<SchemaObject>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT type, name FROM sqlite_master";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                SchemaObjectKind? kind = reader.GetString(0) switch
                {
                    "table" => SchemaObjectKind.Table, "view" => SchemaObjectKind.View, "trigger" => SchemaObjectKind.Trigger, _ => null,
                };
                if (kind is not null) objects.Add(new SchemaObject(kind.Value, reader.GetString(1)));
            }
        }
        Assert.All(SqliteSchema.RequiredObjects, required => Assert.Contains(required, objects));
        // the same tables and views as on SQL Server
        Assert.All(SqlServerSchema.RequiredObjects.Where(o => o.Kind is SchemaObjectKind.Table or SchemaObjectKind.View),
            required => Assert.Contains(required, objects));

        Assert.Equal(8L, Scalar(connection, "SELECT COUNT(*) FROM KeyManagementConfig"));
        Assert.Equal(7L, Scalar(connection, "SELECT COUNT(*) FROM SchemaVersion"));
        Assert.Equal(@"^(INC|INCIDENT)-\d{4}-\d{3,6}$", Scalar(connection, "SELECT Value FROM KeyManagementConfig WHERE Name = 'IncidentIdPattern'"));
        Assert.Equal(0L, Scalar(connection, "SELECT COUNT(*) FROM ConnectionEncryptionCompliance"));
    }

    [Fact]
    public void The_audit_table_checks_its_vocabulary()
    {
        using var connection = new SqliteConnection($"Data Source={_directory.File("checks.db")};Pooling=False");
        connection.Open();
        foreach (var file in SqlScriptFiles.Scripts("sqlite"))
        {
            using var script = connection.CreateCommand();
            script.CommandText = File.ReadAllText(file);
            script.ExecuteNonQuery();
        }
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO KeyManagementAudit (Sequence, AuditId, OperationId, OccurredAtUtc, Environment, Operation, Phase, Outcome, IsEmergency, PreviousHash, RowHash) " +
                              "VALUES (1, 'a', 'b', '2026-11-02T09:30:00.0000000Z', 'prod', 'revoke', 'Started', 'Pending', 0, @h, @h)";
        command.Parameters.AddWithValue("@h", new string('0', 64));
        var error = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());
        Assert.Contains("CHECK constraint failed", error.Message);
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
