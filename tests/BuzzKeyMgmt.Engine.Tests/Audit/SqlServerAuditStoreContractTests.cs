using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.SqlServer;
using Microsoft.Data.SqlClient;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>The store contract on a real SQL Server named by BUZZKEYMGMT_TEST_SQLSERVER (skipped with a reason otherwise).</summary>
[RequiresEnvironmentVariable(VariableName, "a SQL Server connection string to a database the tests may migrate and write to")]
public sealed class SqlServerAuditStoreContractTests : AuditStoreContractTests
{
    public const string VariableName = "BUZZKEYMGMT_TEST_SQLSERVER";

    private static string ConnectionString => Environment.GetEnvironmentVariable(VariableName)!;

    protected override IAuditStore CreateMigratedStore()
    {
        var store = new SqlServerAuditStore(ConnectionString);
        store.Migrate();
        return store;
    }

    protected override void ExecuteRaw(string sql)
    {
        using var connection = new SqlConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    protected override (bool Compliant, bool Overdue) ComplianceViewRow(string keyId)
    {
        using var connection = new SqlConnection(ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT IsCompliant, IsRotationOverdue FROM dbo.KeyComplianceStatus WHERE KeyId = @id";
        command.Parameters.AddWithValue("@id", keyId);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), $"no view row for {keyId}");
        return (reader.GetBoolean(0), reader.GetBoolean(1));
    }
}
