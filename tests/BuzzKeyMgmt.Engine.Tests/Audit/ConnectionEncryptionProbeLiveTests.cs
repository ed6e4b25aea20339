using System.Text.Json;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.SqlServer;
using Microsoft.Data.SqlClient;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>The probe against a real SQL Server named by BUZZKEYMGMT_TEST_SQLSERVER (skipped with a reason otherwise).</summary>
[RequiresEnvironmentVariable(SqlServerAuditStoreContractTests.VariableName,
    "a SQL Server connection string the encryption probe may open (TCP; best with VIEW SERVER STATE and the migrated audit schema)")]
public sealed class ConnectionEncryptionProbeLiveTests
{
    private static string ConnectionString => Environment.GetEnvironmentVariable(SqlServerAuditStoreContractTests.VariableName)!;

    [StoreFact]
    public async Task The_live_session_is_reachable_and_its_encryption_transport_and_tls_are_reported()
    {
        var target = SqlServerConnectionTarget.Parse(ConnectionString);
        var result = await new ConnectionEncryptionProbe().ProbeAsync(ConnectionString);

        Assert.True(result.Reachable, result.Error);
        Assert.NotNull(result.NetTransport);
        Assert.NotNull(result.AuthScheme);
        Assert.NotNull(result.Encrypted);
        if (result.EncryptOption is not null) Assert.Equal(result.EncryptOption == "TRUE", result.Encrypted);
        if (target.Host is not null)
            Assert.True(result.Protocol is not null || result.ServerEncryption == PreLoginEncryption.NotSupported, string.Join(" | ", result.Problems));
        if (result.Protocol is not null) Assert.NotNull(result.CertificateExpiresAt);
        // Either the sessions were listed, or a problem says why not (permission, missing procedure): never a crash.
        Assert.True(result.UnencryptedSessions is not null
            || result.Problems.Any(p => p.Contains("unencrypted sessions", StringComparison.Ordinal)), string.Join(" | ", result.Problems));
        AssertNoSecretOf(ConnectionString, result);
    }

    [StoreFact]
    public async Task Encrypt_optional_against_the_live_server_is_flagged_and_the_server_answer_reported()
    {
        var optional = new SqlConnectionStringBuilder(ConnectionString) { Encrypt = SqlConnectionEncryptOption.Optional }.ConnectionString;
        var result = await new ConnectionEncryptionProbe().ProbeAsync(optional);

        Assert.Equal(RequestedEncryption.Optional, result.RequestedEncryption);
        Assert.Contains(result.Problems, p => p.StartsWith("Encrypt is Optional", StringComparison.Ordinal));
        Assert.False(result.Compliant);
        if (SqlServerConnectionTarget.Parse(optional).Host is not null)
            Assert.Contains(result.ServerEncryption, new PreLoginEncryption?[] { PreLoginEncryption.Off, PreLoginEncryption.Required, PreLoginEncryption.NotSupported });
        AssertNoSecretOf(optional, result);
    }

    private static void AssertNoSecretOf(string connectionString, SqlConnectionEncryption result)
    {
        var secrets = new ConnectionSecrets(connectionString);
        var text = JsonSerializer.Serialize(result) + result;
        Assert.Equal(text, secrets.Scrub(text));   // nothing to scrub: no secret value in any property
    }
}
