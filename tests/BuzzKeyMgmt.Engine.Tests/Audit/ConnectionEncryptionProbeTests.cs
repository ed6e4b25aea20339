using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.SqlServer;
using BuzzKeyMgmt.Engine.Configuration;
using Microsoft.Extensions.Time.Testing;

namespace BuzzKeyMgmt.Engine.Tests.Audit;

/// <summary>
/// Test-SqlConnectionEncryption's engine: a server that cannot be reached is a result (Reachable false), never an
/// exception; a malformed connection string is a typed error before any connection; what the string asks is read from
/// it; the TLS facts SqlClient hides come from the probe's own PRELOGIN/TLS handshake (checked against a loopback TDS
/// stand-in that real SqlClient also talks to); a password shows nowhere.
/// </summary>
public sealed class ConnectionEncryptionProbeTests
{
    private const string Secret = "Zq9-p4ssw0rd-Never-Shown";

    private static readonly ConnectionEncryptionProbe Probe = new() { MaxConnectTimeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task A_closed_port_is_a_result_with_reachable_false_and_no_password_anywhere()
    {
        var port = ClosedPort();
        var watch = Stopwatch.StartNew();
        var result = await Probe.ProbeAsync($"Server=tcp:127.0.0.1,{port};Database=KeyAudit;User ID=auditor;Password={Secret};Encrypt=Mandatory;Connect Timeout=3");

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.False(result.Reachable);
        Assert.False(result.Compliant);
        Assert.Null(result.Encrypted);
        Assert.Null(result.Protocol);
        Assert.Null(result.UnencryptedSessions);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        Assert.DoesNotContain("(Success)", result.Error);
        Assert.Contains(result.Problems, p => p.StartsWith("The connection did not open:", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Contains($"not observed at 127.0.0.1:{port}: TCP connect failed", StringComparison.Ordinal));
        Assert.Equal($"tcp:127.0.0.1,{port}", result.Server);
        Assert.Equal("KeyAudit", result.Database);
        Assert.Contains("KeyAudit", result.Target);
        AssertNoSecret(result);
    }

    [Fact]
    public async Task A_listener_that_accepts_and_never_answers_ends_within_the_connect_timeout_as_unreachable()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var held = new List<Socket>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try { while (true) held.Add(await listener.AcceptSocketAsync(stop.Token)); }
            catch (OperationCanceledException) { }
        });

        var watch = Stopwatch.StartNew();
        var result = await Probe.ProbeAsync($"Server=tcp:127.0.0.1,{port};Database=KeyAudit;User ID=auditor;Password={Secret};Connect Timeout=2");
        watch.Stop();
        stop.Cancel();
        await accepting;
        held.ForEach(s => s.Dispose());

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2) + ConnectionEncryptionProbe.OpenGrace + TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.True(held.Count >= 2, "both SqlClient and the probe's handshake connected");
        Assert.False(result.Reachable);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        Assert.Contains(result.Problems, p => p.Contains("PRELOGIN: no answer within 2 s", StringComparison.Ordinal));
        Assert.Null(result.ServerEncryption);
        AssertNoSecret(result);
    }

    [Fact]
    public async Task A_stop_while_waiting_ends_the_probe_with_a_cancellation()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(backlog: 8);   // connections complete in the backlog; nothing ever answers
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Probe.ProbeAsync($"Server=tcp:127.0.0.1,{port};Password={Secret};Connect Timeout=8", stop.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(4), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData("Server=db;Password=" + Secret + ";Bogus Keyword=1")]
    [InlineData("Server=db;Password='" + Secret)]
    [InlineData("Server=db;Password=" + Secret + ";Encrypt=perhaps")]
    [InlineData("Server=db;Password=" + Secret + ";Connect Timeout=soon")]
    [InlineData("Database=KeyAudit;Password=" + Secret)]
    [InlineData("   ")]
    public void A_malformed_connection_string_is_a_typed_error_that_never_repeats_it(string connectionString)
    {
        var error = Assert.Throws<KeyMgmtException>(() => { _ = Probe.ProbeAsync(connectionString); });
        Assert.Equal(SqlServerConnectionTarget.InvalidErrorId, error.ErrorId);
        Assert.Equal(FailureKind.InvalidArgument, error.Kind);
        Assert.DoesNotContain(Secret, error.ToString());   // message, inner exceptions and stack
        Assert.False(SqlServerConnectionTarget.TryValidate(connectionString, out var problem));
        Assert.Equal(error.Message, problem);
    }

    [Fact]
    public void A_malformed_connection_string_is_refused_before_any_connection_attempt()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Assert.Throws<KeyMgmtException>(() => { _ = Probe.ProbeAsync($"Server=tcp:127.0.0.1,{port};Password={Secret};Encrypt=perhaps"); });
        Thread.Sleep(200);
        Assert.False(listener.Pending(), "something connected to the server named by a malformed string");
    }

    [Theory]
    [InlineData("", RequestedEncryption.Mandatory, false)]                 // SqlClient 4+ encrypts by default
    [InlineData("Encrypt=True;", RequestedEncryption.Mandatory, false)]
    [InlineData("Encrypt=Mandatory;", RequestedEncryption.Mandatory, false)]
    [InlineData("Encrypt=False;", RequestedEncryption.Optional, false)]
    [InlineData("Encrypt=Optional;", RequestedEncryption.Optional, false)]
    [InlineData("Encrypt=Strict;", RequestedEncryption.Strict, false)]
    [InlineData("Encrypt=True;TrustServerCertificate=True;", RequestedEncryption.Mandatory, true)]
    [InlineData("Encrypt=Strict;TrustServerCertificate=True;", RequestedEncryption.Strict, true)]
    [InlineData("Encrypt=no;Trust Server Certificate=yes;", RequestedEncryption.Optional, true)]
    public async Task Encrypt_and_TrustServerCertificate_are_read_from_the_string_and_judged(string settings, RequestedEncryption requested, bool trust)
    {
        var target = SqlServerConnectionTarget.Parse($"Server=tcp:127.0.0.1,{ClosedPort()};{settings}Password={Secret};Connect Timeout=1");
        Assert.Equal(requested, target.RequestedEncryption);
        Assert.Equal(trust, target.TrustServerCertificate);

        var result = await Probe.ProbeAsync($"Server=tcp:127.0.0.1,{ClosedPort()};{settings}Password={Secret};Connect Timeout=1");
        Assert.Equal(requested, result.RequestedEncryption);
        Assert.Equal(trust, result.TrustServerCertificate);
        Assert.Equal(requested == RequestedEncryption.Optional, result.Problems.Any(p => p.StartsWith("Encrypt is Optional", StringComparison.Ordinal)));
        Assert.Equal(trust && requested != RequestedEncryption.Strict, result.Problems.Any(p => p.StartsWith("TrustServerCertificate=True", StringComparison.Ordinal)));
        Assert.Equal(trust && requested == RequestedEncryption.Strict, result.Detail.Any(d => d.Contains("ignored under Encrypt=Strict", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("tcp:db.example.com,1533", "db.example.com", 1533)]
    [InlineData("db.example.com", "db.example.com", 1433)]
    [InlineData("TCP:db.example.com", "db.example.com", 1433)]
    [InlineData("db\\AUDIT,1600", "db", 1600)]
    [InlineData("(local)", "localhost", 1433)]
    [InlineData(".,1444", "localhost", 1444)]
    [InlineData("tcp:[::1],1433", "::1", 1433)]
    [InlineData("db\\AUDIT", null, null)]
    [InlineData("np:\\\\db\\pipe\\sql\\query", null, null)]
    [InlineData("(localdb)\\MSSQLLocalDB", null, null)]
    [InlineData("db,99999", null, null)]
    public void The_tcp_endpoint_comes_from_data_source(string dataSource, string? host, int? port)
    {
        var target = SqlServerConnectionTarget.Parse($"Data Source={dataSource};Password={Secret}");
        Assert.Equal(host, target.Host);
        Assert.Equal(port, target.Port);
        Assert.Equal(host is null, target.EndpointUnknownReason is not null);
        Assert.DoesNotContain(Secret, target.Redacted);
        Assert.DoesNotContain(Secret, target.ToString());
    }

    [Fact]
    public async Task A_named_instance_without_a_port_says_why_nothing_was_observed()
    {
        var result = await Probe.ProbeAsync($"Server=127.0.0.1\\AUDIT;Password={Secret};Connect Timeout=1");
        Assert.Null(result.Protocol);
        Assert.Contains(result.Problems, p => p.Contains("SQL Browser", StringComparison.Ordinal));
        AssertNoSecret(result);
    }

    [Fact]
    public void The_connect_timeout_is_bounded()
    {
        var probe = new ConnectionEncryptionProbe { MaxConnectTimeout = TimeSpan.FromSeconds(20) };
        Assert.Equal(TimeSpan.FromSeconds(20), probe.EffectiveTimeout(SqlServerConnectionTarget.Parse("Server=db;Connect Timeout=0")));
        Assert.Equal(TimeSpan.FromSeconds(20), probe.EffectiveTimeout(SqlServerConnectionTarget.Parse("Server=db;Connect Timeout=600")));
        Assert.Equal(TimeSpan.FromSeconds(7), probe.EffectiveTimeout(SqlServerConnectionTarget.Parse("Server=db;Connect Timeout=7")));
        Assert.Equal(TimeSpan.FromSeconds(15), probe.EffectiveTimeout(SqlServerConnectionTarget.Parse("Server=db")));   // SqlClient's default
        var explicitTimeout = new ConnectionEncryptionProbe { MaxConnectTimeout = TimeSpan.FromSeconds(20), ConnectTimeout = TimeSpan.FromSeconds(3) };
        Assert.Equal(TimeSpan.FromSeconds(3), explicitTimeout.EffectiveTimeout(SqlServerConnectionTarget.Parse("Server=db;Connect Timeout=12")));
        var opened = SqlServerConnectionTarget.Parse("Server=db;Connect Timeout=0;Pooling=true").ProbeConnectionString(TimeSpan.FromSeconds(4));
        var builder = new Microsoft.Data.SqlClient.SqlConnectionStringBuilder(opened);
        Assert.Equal(4, builder.ConnectTimeout);
        Assert.False(builder.Pooling);
    }

    [Fact]
    public async Task The_handshake_reports_protocol_cipher_and_certificate_of_a_tds7_server_that_sqlclient_refuses()
    {
        var now = DateTimeOffset.UtcNow;
        await using var server = new FakeTdsServer(FakeTdsServer.CreateCertificate(now.AddDays(-1), now.AddDays(200)));
        var result = await Probe.ProbeAsync($"Server=tcp:localhost,{server.Port};Database=KeyAudit;User ID=auditor;Password={Secret};Encrypt=Mandatory;Connect Timeout=5");

        Assert.Equal(PreLoginEncryption.On, result.ServerEncryption);
        Assert.Equal("TLS 1.2", result.Protocol);
        Assert.StartsWith("TLS_", result.Cipher);
        Assert.Equal("CN=localhost", result.CertificateSubject);
        Assert.Equal("CN=localhost", result.CertificateIssuer);
        Assert.Equal(server.Certificate.NotAfter.ToUniversalTime(), result.CertificateExpiresAt!.Value.UtcDateTime);
        Assert.Equal(server.Certificate.Thumbprint, result.CertificateThumbprint);
        Assert.Contains("RemoteCertificateChainErrors", result.CertificateErrors);
        Assert.Contains(result.Problems, p => p.StartsWith("The server certificate does not validate for 'localhost'", StringComparison.Ordinal));
        Assert.Contains(result.Detail, d => d.Contains("own TLS handshake", StringComparison.Ordinal) && d.Contains("TDS 7.x", StringComparison.Ordinal));
        // SqlClient itself validates the self-signed certificate and refuses it: not reachable, and the error says why.
        Assert.False(result.Reachable);
        Assert.False(result.Compliant);
        Assert.Contains(server.Events, e => e == "prelogin type 0x12 ENCRYPTION=On");
        AssertNoSecret(result);
    }

    [Fact]
    public async Task Real_sqlclient_completes_its_tls_handshake_through_the_same_framing_and_sends_its_login()
    {
        var now = DateTimeOffset.UtcNow;
        await using var server = new FakeTdsServer(FakeTdsServer.CreateCertificate(now.AddDays(-1), now.AddDays(200)));
        var result = await Probe.ProbeAsync($"Server=tcp:localhost,{server.Port};User ID=auditor;Password={Secret};Encrypt=Mandatory;TrustServerCertificate=True;Connect Timeout=5");

        // SqlClient's LOGIN7 (0x10) arrived over the TLS the fake server negotiated inside PRELOGIN packets.
        Assert.Contains(server.Events, e => e == "tds packet 0x10 over tls");
        Assert.False(result.Reachable);   // the stand-in closes instead of answering the login
        Assert.Equal("TLS 1.2", result.Protocol);
        Assert.Contains(result.Problems, p => p.StartsWith("TrustServerCertificate=True", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Contains("SqlClient accepts it only because", StringComparison.Ordinal));
        AssertNoSecret(result);
    }

    [Fact]
    public async Task Encrypt_optional_sends_encryption_off_and_the_login_only_answer_is_reported()
    {
        var now = DateTimeOffset.UtcNow;
        await using var server = new FakeTdsServer(FakeTdsServer.CreateCertificate(now.AddDays(-1), now.AddDays(200)), PreLoginEncryption.Off);
        var result = await Probe.ProbeAsync($"Server=tcp:localhost,{server.Port};Password={Secret};Encrypt=Optional;Connect Timeout=5");

        Assert.Contains(server.Events, e => e == "prelogin type 0x12 ENCRYPTION=Off");
        Assert.Equal(PreLoginEncryption.Off, result.ServerEncryption);
        Assert.Equal("TLS 1.2", result.Protocol);   // the login packet still travels over TLS
        Assert.Contains(result.Detail, d => d.Contains("ENCRYPT_OFF (only the login is encrypted)", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith("Encrypt is Optional", StringComparison.Ordinal));
        AssertNoSecret(result);
    }

    [Fact]
    public async Task A_server_without_encryption_is_reported_as_offering_none()
    {
        var now = DateTimeOffset.UtcNow;
        await using var server = new FakeTdsServer(FakeTdsServer.CreateCertificate(now.AddDays(-1), now.AddDays(200)), PreLoginEncryption.NotSupported);
        var result = await Probe.ProbeAsync($"Server=tcp:localhost,{server.Port};Password={Secret};Encrypt=Mandatory;Connect Timeout=5");

        Assert.Equal(PreLoginEncryption.NotSupported, result.ServerEncryption);
        Assert.Null(result.Protocol);
        Assert.Null(result.CertificateSubject);
        Assert.Contains(result.Problems, p => p.StartsWith("The server offers no encryption", StringComparison.Ordinal));
        Assert.False(result.Reachable);   // SqlClient refuses a server that cannot encrypt under Encrypt=Mandatory
        AssertNoSecret(result);
    }

    [Fact]
    public async Task Encrypt_strict_is_observed_with_tls_first_and_alpn_tds8()
    {
        var now = DateTimeOffset.UtcNow;
        await using var server = new FakeTdsServer(FakeTdsServer.CreateCertificate(now.AddDays(-1), now.AddDays(200)), tlsFirst: true,
            protocols: System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
        var result = await Probe.ProbeAsync($"Server=tcp:localhost,{server.Port};Password={Secret};Encrypt=Strict;Connect Timeout=5");

        Assert.Contains(server.Events, e => e.StartsWith("tls-first", StringComparison.Ordinal) && e.EndsWith("alpn tds/8.0", StringComparison.Ordinal));
        Assert.Null(result.ServerEncryption);
        Assert.Contains(result.Protocol, new[] { "TLS 1.2", "TLS 1.3" });
        Assert.Equal("CN=localhost", result.CertificateSubject);
        Assert.Contains(result.Detail, d => d.Contains("TDS 8: TLS first, ALPN tds/8.0", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Problems, p => p.StartsWith("Encrypt is Optional", StringComparison.Ordinal));
        AssertNoSecret(result);
    }

    [Fact]
    public async Task An_expired_certificate_is_a_problem_and_one_about_to_expire_a_detail()
    {
        var now = DateTimeOffset.UtcNow;
        await using var server = new FakeTdsServer(FakeTdsServer.CreateCertificate(now.AddDays(-10), now.AddDays(10)));
        var connectionString = $"Server=tcp:localhost,{server.Port};Password={Secret};Encrypt=Mandatory;Connect Timeout=5";

        var soon = await Probe.ProbeAsync(connectionString);
        Assert.Contains(soon.Detail, d => d.StartsWith("The server certificate expires in 10 day(s)", StringComparison.Ordinal)
            || d.StartsWith("The server certificate expires in 9 day(s)", StringComparison.Ordinal));
        Assert.DoesNotContain(soon.Problems, p => p.StartsWith("The server certificate expired", StringComparison.Ordinal));

        var later = new ConnectionEncryptionProbe(new FakeTimeProvider(now.AddDays(11))) { MaxConnectTimeout = TimeSpan.FromSeconds(10) };
        var expired = await later.ProbeAsync(connectionString);
        Assert.Contains(expired.Problems, p => p.StartsWith("The server certificate expired at", StringComparison.Ordinal));
        Assert.Equal(now.AddDays(11), expired.CheckedAt);
    }

    [Fact]
    public void A_session_the_server_reports_unencrypted_and_unencrypted_neighbours_are_problems()
    {
        var target = SqlServerConnectionTarget.Parse($"Server=tcp:db,1433;Database=KeyAudit;Password={Secret};Encrypt=Mandatory");
        var tls = Handshake();
        var session = new SessionFacts
        {
            Reachable = true, EncryptOption = "FALSE", NetTransport = "TCP", AuthScheme = "SQL",
            Unencrypted = [new UnencryptedConnection(57, "10.0.0.9", "TCP", "SQL", "legacy_app", "APP01", "Legacy Reporting")],
        };
        var result = ConnectionEncryptionProbe.Assess(target, null, tls, session, TimeSpan.FromSeconds(5), DateTimeOffset.UtcNow);

        Assert.False(result.Encrypted);
        Assert.Equal("FALSE", result.EncryptOption);
        Assert.Contains(result.Problems, p => p.StartsWith("This session is not encrypted", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith("1 session(s) on the server are connected without encryption", StringComparison.Ordinal)
            && p.Contains("session 57 (legacy_app from 10.0.0.9, Legacy Reporting)", StringComparison.Ordinal));
        Assert.Equal(1, result.UnencryptedSessionCount);
        Assert.False(result.Compliant);
    }

    [Fact]
    public void Without_view_server_state_the_encryption_is_inferred_and_the_permission_error_reported_as_such()
    {
        var target = SqlServerConnectionTarget.Parse($"Server=tcp:db,1433;Password={Secret};Encrypt=Mandatory");
        var session = new SessionFacts
        {
            Reachable = true, NetTransport = "TCP", AuthScheme = "SQL",
            SessionNote = "sys.dm_exec_connections needs VIEW SERVER STATE, which this login lacks (error 300: …)",
            UnencryptedProblem = "Permission denied listing the unencrypted sessions: dbo.CheckUnencryptedConnections needs VIEW SERVER STATE (and EXECUTE on the procedure) — error 300: …",
        };
        var result = ConnectionEncryptionProbe.Assess(target, null, Handshake(), session, TimeSpan.FromSeconds(5), DateTimeOffset.UtcNow);

        Assert.True(result.Encrypted);
        Assert.Null(result.EncryptOption);
        Assert.Null(result.UnencryptedSessions);
        Assert.Contains(result.Detail, d => d.Contains("VIEW SERVER STATE", StringComparison.Ordinal));
        Assert.Contains(result.Detail, d => d.StartsWith("This session is encrypted: with Encrypt=Mandatory", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.StartsWith("Permission denied listing the unencrypted sessions", StringComparison.Ordinal));
        Assert.False(result.Compliant);
    }

    [Fact]
    public void Everything_checked_and_passed_is_compliant()
    {
        var now = DateTimeOffset.UtcNow;
        var target = SqlServerConnectionTarget.Parse($"Server=tcp:db,1433;Database=KeyAudit;Password={Secret};Encrypt=Mandatory");
        var session = new SessionFacts { Reachable = true, EncryptOption = "TRUE", NetTransport = "TCP", AuthScheme = "KERBEROS", Unencrypted = [] };
        var result = ConnectionEncryptionProbe.Assess(target, "production", Handshake(now.AddDays(300)), session, TimeSpan.FromSeconds(5), now);

        Assert.True(result.Compliant, string.Join(" | ", result.Problems));
        Assert.Empty(result.Problems);
        Assert.True(result.Encrypted);
        Assert.Equal("production", result.Environment);
        Assert.Equal(0, result.UnencryptedSessionCount);
        Assert.Equal("TLS 1.2", result.Protocol);
        Assert.Contains("compliant", result.ToString());
        Assert.IsNotType<List<string>>(result.Problems);   // immutable: not a list a caller can cast back and change
    }

    [Theory]
    [InlineData("TLS_RSA_WITH_RC4_128_SHA", true)]
    [InlineData("TLS_RSA_WITH_3DES_EDE_CBC_SHA", true)]
    [InlineData("TLS_RSA_WITH_NULL_SHA256", true)]
    [InlineData("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", false)]
    [InlineData("TLS_AES_128_GCM_SHA256", false)]
    public void Weak_cipher_suites_are_named(string cipher, bool weak) => Assert.Equal(weak, ConnectionEncryptionProbe.IsWeakCipher(cipher));

    [Fact]
    public void An_old_protocol_is_a_problem()
    {
        var target = SqlServerConnectionTarget.Parse("Server=tcp:db,1433;Encrypt=Mandatory");
        var session = new SessionFacts { Reachable = true, EncryptOption = "TRUE", Unencrypted = [] };
        var tls = Handshake() with { Protocol = (System.Security.Authentication.SslProtocols)192 };   // TLS 1.0
        var result = ConnectionEncryptionProbe.Assess(target, null, tls, session, TimeSpan.FromSeconds(5), DateTimeOffset.UtcNow);
        Assert.Equal("TLS 1.0", result.Protocol);
        Assert.Contains(result.Problems, p => p == "The server negotiated TLS 1.0, older than TLS 1.2.");
    }

    [Fact]
    public void Error_text_is_scrubbed_of_the_password_including_inner_exceptions()
    {
        var secrets = new ConnectionSecrets($"Server=db;Password={Secret}");
        var error = new InvalidOperationException($"login with {Secret} failed\nsecond line", new IOException($"inner {Secret}"));
        var text = ConnectionEncryptionProbe.Describe(error, secrets);
        Assert.DoesNotContain(Secret, text);
        Assert.Contains("login with *** failed second line (inner ***)", text);
    }

    [Fact]
    public async Task An_environment_whose_store_is_sqlite_is_a_clear_error()
    {
        var sqlite = Environment("lab", new AuditStoreReference(AuditStoreReference.Sqlite, "/var/lib/audit.db"));
        var error = Assert.Throws<KeyMgmtException>(() => { _ = Probe.ProbeAsync(sqlite); });
        Assert.Equal(ConnectionEncryptionProbe.NotSqlServerErrorId, error.ErrorId);
        Assert.Equal(FailureKind.InvalidOperation, error.Kind);
        Assert.Contains("applies to SQL Server only", error.Message);
        Assert.Contains("'lab'", error.Message);

        var none = Assert.Throws<KeyMgmtException>(() => { _ = Probe.ProbeAsync(Environment("dev", null)); });
        Assert.Equal(ConnectionEncryptionProbe.NotSqlServerErrorId, none.ErrorId);
        Assert.Contains("embedded SQLite default", none.Message);

        var bad = Environment("prod", new AuditStoreReference(AuditStoreReference.SqlServer, $"Server=db;Password={Secret};Bogus=1"));
        var malformed = Assert.Throws<KeyMgmtException>(() => { _ = Probe.ProbeAsync(bad); });
        Assert.Equal(SqlServerConnectionTarget.InvalidErrorId, malformed.ErrorId);
        Assert.Contains("Environment 'prod'", malformed.Message);
        Assert.DoesNotContain(Secret, malformed.ToString());

        var port = ClosedPort();
        var unreachable = await Probe.ProbeAsync(Environment("prod", new AuditStoreReference(AuditStoreReference.SqlServer,
            $"Server=tcp:127.0.0.1,{port};Password={Secret};Connect Timeout=2")));
        Assert.Equal("prod", unreachable.Environment);
        Assert.False(unreachable.Reachable);
        AssertNoSecret(unreachable);
    }

    private static TlsObservation Handshake(DateTimeOffset? expires = null) => new()
    {
        ServerEncryption = PreLoginEncryption.On,
        Protocol = System.Security.Authentication.SslProtocols.Tls12,
        Cipher = "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        Certificate = new CertificateFacts("CN=db", "CN=Corp CA", DateTimeOffset.UtcNow.AddDays(-30), expires ?? DateTimeOffset.UtcNow.AddDays(300), "AB12"),
        CertificateErrors = System.Net.Security.SslPolicyErrors.None,
    };

    private static KeyMgmtEnvironment Environment(string name, AuditStoreReference? store) => new()
    {
        Name = name, Region = "us-east-1", AccountId = "111122223333", AuditStore = store, Source = "test.json",
    };

    /// <summary>Every property (and the list items) as JSON, plus ToString: the secret appears in none.</summary>
    internal static void AssertNoSecret(SqlConnectionEncryption result)
    {
        var json = JsonSerializer.Serialize(result);
        Assert.DoesNotContain(Secret, json);
        Assert.DoesNotContain(Secret, result.ToString());
        Assert.DoesNotContain("password", result.Target, StringComparison.OrdinalIgnoreCase);
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
