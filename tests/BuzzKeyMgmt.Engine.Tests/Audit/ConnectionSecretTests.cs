using System.Net;
using System.Net.Sockets;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.SqlServer;
using Xunit;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>Passwords in a SQL Server connection string never show in Target, ToString, Describe or exceptions.</summary>
public sealed class ConnectionSecretTests
{
    private const string Secret = "Tr0ub4dor&3-s3cret";

    [Theory]
    [InlineData("Password")]
    [InlineData("Pwd")]
    [InlineData("password")]
    public void Secrets_are_absent_from_target_tostring_describe_and_errors_of_an_unreachable_server(string key)
    {
        var connectionString = $"Server=tcp:127.0.0.1,{ClosedPort()};Database=KeyAudit;User ID=auditor;{key}={Secret};Connect Timeout=3;Encrypt=False;ConnectRetryCount=0";
        var store = new SqlServerAuditStore(connectionString);

        Assert.DoesNotContain(Secret, store.Target);
        Assert.Contains("KeyAudit", store.Target);
        Assert.DoesNotContain(Secret, store.ToString());

        var description = store.Describe();
        Assert.False(description.Reachable);
        Assert.DoesNotContain(Secret, description.ToString());

        var error = Assert.Throws<AuditStoreUnavailableException>(() => store.Append(SampleEntries.Started("prod", SampleEntries.NewKeyId())));
        Assert.DoesNotContain(Secret, error.ToString()); // message, inner exceptions and stacks
        Assert.DoesNotContain(Secret, error.Message);
        Assert.Contains("127.0.0.1", error.Message);
    }

    [Fact]
    public void A_malformed_connection_string_is_refused_without_echoing_it()
    {
        var error = Assert.ThrowsAny<AuditStoreException>(() => new SqlServerAuditStore($"Server=db;Password={Secret};Bogus Keyword=1"));
        Assert.DoesNotContain(Secret, error.ToString());
        var unparsable = Assert.ThrowsAny<AuditStoreException>(() => new SqlServerAuditStore($"Server=db;Password='{Secret}"));
        Assert.DoesNotContain(Secret, unparsable.ToString());
    }

    [Fact]
    public void Scrub_replaces_every_secret_value()
    {
        var secrets = new ConnectionSecrets($"Server=db;Pwd={Secret};Database=a");
        Assert.True(secrets.HasSecrets);
        Assert.Equal("login with *** failed (***)", secrets.Scrub($"login with {Secret} failed ({Secret})"));
        Assert.DoesNotContain(Secret, secrets.Redacted);
        Assert.Contains("database=a", secrets.Redacted, StringComparison.OrdinalIgnoreCase);
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
