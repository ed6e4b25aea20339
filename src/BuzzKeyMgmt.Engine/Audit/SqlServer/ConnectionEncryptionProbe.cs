using System.ComponentModel;
using System.Data;
using System.Data.Common;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using BuzzKeyMgmt.Engine.Configuration;
using Microsoft.Data.SqlClient;

namespace BuzzKeyMgmt.Engine.Audit.SqlServer;

/// <summary>
/// Checks the encryption of a SQL Server connection (the port of verify_tls_configuration). Two things run side by
/// side, each bounded by the connect timeout:
/// <list type="bullet">
/// <item>SqlClient opens the connection (its own physical connection, no pool) and reads this session's row of
/// sys.dm_exec_connections (encrypt_option, net_transport, auth_scheme; VIEW SERVER STATE), falling back to
/// CONNECTIONPROPERTY without it, then runs dbo.CheckUnencryptedConnections.</item>
/// <item>Its own TLS handshake with the same server and the same encryption request (<see cref="TdsTlsHandshake"/>),
/// for what SqlClient does not expose: the protocol, the cipher suite and the server certificate.</item>
/// </list>
/// It never throws for a server that cannot be reached or refuses the login: the result says Reachable false with the
/// error. A malformed connection string is a <see cref="KeyMgmtException"/> before any connection attempt. No text it
/// produces, returned or thrown, holds a secret of the connection string.
/// </summary>
public sealed class ConnectionEncryptionProbe(TimeProvider? clock = null)
{
    public const string NotSqlServerErrorId = "AuditStoreNotSqlServer";
    public static readonly TimeSpan DefaultMaxConnectTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan CertificateExpiryWarning = TimeSpan.FromDays(30);

    /// <summary>How much longer than the connect timeout SqlClient is given before the probe stops waiting for it.</summary>
    internal static readonly TimeSpan OpenGrace = TimeSpan.FromSeconds(5);

    internal const string SessionSql =
        "SELECT TOP (1) c.encrypt_option, c.net_transport, c.auth_scheme FROM sys.dm_exec_connections AS c " +
        "WHERE c.session_id = @@SPID ORDER BY CASE WHEN c.parent_connection_id IS NULL THEN 0 ELSE 1 END";

    internal const string ConnectionPropertySql =
        "SELECT CONVERT(nvarchar(40), CONNECTIONPROPERTY('net_transport')), CONVERT(nvarchar(40), CONNECTIONPROPERTY('auth_scheme'))";

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>The longest connect timeout used: the connection string's Connect Timeout (0 means for ever) is cut to it.</summary>
    public TimeSpan MaxConnectTimeout { get; init; } = DefaultMaxConnectTimeout;

    /// <summary>When set, the connect timeout instead of the connection string's (still at most <see cref="MaxConnectTimeout"/>).</summary>
    public TimeSpan? ConnectTimeout { get; init; }

    /// <summary>Timeout of each query the probe sends once connected.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Probes a connection string. Throws <see cref="KeyMgmtException"/> (SqlConnectionStringInvalid) at once,
    /// before any connection, when it is malformed.</summary>
    public Task<SqlConnectionEncryption> ProbeAsync(string connectionString, CancellationToken cancellation = default) =>
        ProbeAsync(SqlServerConnectionTarget.Parse(connectionString), null, cancellation);

    /// <summary>Probes the SQL Server audit store of an environment. Throws <see cref="KeyMgmtException"/> at once when its
    /// store is not SQL Server (<see cref="NotSqlServerErrorId"/>) or its connection string is malformed.</summary>
    public Task<SqlConnectionEncryption> ProbeAsync(KeyMgmtEnvironment environment, CancellationToken cancellation = default)
    {
        var connectionString = SqlServerConnectionString(environment);
        SqlServerConnectionTarget target;
        try
        {
            target = SqlServerConnectionTarget.Parse(connectionString);
        }
        catch (KeyMgmtException ex)
        {
            throw new KeyMgmtException(ex.ErrorId, ex.Kind, $"Environment '{environment.Name}', auditStore.connectionString: {ex.Message}",
                $"Correct the connection string in {environment.Source}.");
        }
        return ProbeAsync(target, environment.Name, cancellation);
    }

    /// <summary>The connection string of the environment's SQL Server audit store; an environment whose store is
    /// SQLite (or the embedded default) is an error: the check applies to SQL Server only.</summary>
    internal static string SqlServerConnectionString(KeyMgmtEnvironment environment)
    {
        var store = environment.AuditStore;
        if (store is null)
            throw new KeyMgmtException(NotSqlServerErrorId, FailureKind.InvalidOperation,
                $"Environment '{environment.Name}' names no audit store, so it uses the embedded SQLite default: the connection encryption check applies to SQL Server only.",
                "Give the environment an auditStore with \"provider\": \"SqlServer\", or pass -ConnectionString.");
        if (!string.Equals(store.Provider, AuditStoreReference.SqlServer, StringComparison.OrdinalIgnoreCase))
            throw new KeyMgmtException(NotSqlServerErrorId, FailureKind.InvalidOperation,
                $"Environment '{environment.Name}' keeps its audit records in {store.Provider} ({store.Target}): the connection encryption check applies to SQL Server only.",
                "Run it for an environment whose auditStore provider is SqlServer, or pass -ConnectionString.");
        return store.ConnectionTarget;
    }

    private async Task<SqlConnectionEncryption> ProbeAsync(SqlServerConnectionTarget target, string? environment, CancellationToken cancellation)
    {
        var now = _clock.GetUtcNow();
        var timeout = EffectiveTimeout(target);
        var tls = target.Host is { } host && target.Port is { } port
            ? ObserveAsync(host, port, target, timeout, cancellation)
            : Task.FromResult<TlsObservation?>(null);
        var session = ReadSessionAsync(target, timeout, cancellation);
        await Task.WhenAll(tls, session).ConfigureAwait(false);
        return Assess(target, environment, await tls.ConfigureAwait(false), await session.ConfigureAwait(false), timeout, now);
    }

    private static async Task<TlsObservation?> ObserveAsync(string host, int port, SqlServerConnectionTarget target, TimeSpan timeout, CancellationToken cancellation) =>
        await TdsTlsHandshake.ObserveAsync(host, port, target.RequestedEncryption, target.CertificateHost ?? host, timeout, cancellation).ConfigureAwait(false);

    internal TimeSpan EffectiveTimeout(SqlServerConnectionTarget target)
    {
        var wanted = ConnectTimeout ?? target.ConnectTimeout ?? MaxConnectTimeout;
        if (wanted > MaxConnectTimeout) wanted = MaxConnectTimeout;
        return wanted < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wanted;
    }

    private async Task<SessionFacts> ReadSessionAsync(SqlServerConnectionTarget target, TimeSpan timeout, CancellationToken cancellation)
    {
        var connection = new SqlConnection(target.ProbeConnectionString(timeout));
        var open = connection.OpenAsync(cancellation);
        try
        {
            await open.WaitAsync(timeout + OpenGrace, cancellation).ConfigureAwait(false);
        }
        catch (Exception ex) when (!open.IsCompleted)
        {
            // Stopped waiting (a stop, or SqlClient outlived its own timeout): the connection is disposed once it settles.
            _ = open.ContinueWith(t => { _ = t.Exception; connection.Dispose(); }, CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            if (ex is OperationCanceledException && cancellation.IsCancellationRequested) throw;
            return SessionFacts.Unreachable($"SqlClient did not finish opening the connection within {(timeout + OpenGrace).TotalSeconds:0} s.");
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        catch (Exception ex) when (IsConnectFailure(ex))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            return SessionFacts.Unreachable(Describe(ex, target.Secrets));
        }

        await using (connection.ConfigureAwait(false))
        {
            var facts = new SessionFacts { Reachable = true };
            try
            {
                await using var command = Command(connection, SessionSql);
                await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
                facts = await reader.ReadAsync(cancellation).ConfigureAwait(false)
                    ? facts with { EncryptOption = Text(reader, 0), NetTransport = Text(reader, 1), AuthScheme = Text(reader, 2) }
                    : facts with { SessionNote = "sys.dm_exec_connections has no row for this session (@@SPID)." };
            }
            catch (SqlException ex) when (IsPermissionDenied(ex))
            {
                facts = facts with
                {
                    SessionNote = $"sys.dm_exec_connections needs VIEW SERVER STATE, which this login lacks (error {ex.Number}: {Describe(ex, target.Secrets)}); transport and authentication come from CONNECTIONPROPERTY instead, and the encryption is inferred.",
                };
                try
                {
                    await using var command = Command(connection, ConnectionPropertySql);
                    await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
                    if (await reader.ReadAsync(cancellation).ConfigureAwait(false))
                        facts = facts with { NetTransport = Text(reader, 0), AuthScheme = Text(reader, 1) };
                }
                catch (DbException inner)
                {
                    facts = facts with { SessionNote = facts.SessionNote + $" CONNECTIONPROPERTY failed too: {Describe(inner, target.Secrets)}" };
                }
            }
            catch (DbException ex)
            {
                facts = facts with { SessionNote = $"Reading sys.dm_exec_connections failed: {Describe(ex, target.Secrets)}" };
            }

            try
            {
                await using var command = Command(connection, SqlServerAuditStore.CheckUnencryptedConnectionsProcedure);
                command.CommandType = CommandType.StoredProcedure;
                await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
                var rows = new List<UnencryptedConnection>();
                while (await reader.ReadAsync(cancellation).ConfigureAwait(false)) rows.Add(SqlServerAuditStore.ReadUnencryptedConnection(reader));
                facts = facts with { Unencrypted = rows };
            }
            catch (SqlException ex) when (IsPermissionDenied(ex))
            {
                facts = facts with
                {
                    UnencryptedProblem = $"Permission denied listing the unencrypted sessions: dbo.CheckUnencryptedConnections needs VIEW SERVER STATE (and EXECUTE on the procedure) — error {ex.Number}: {Describe(ex, target.Secrets)}",
                };
            }
            catch (SqlException ex) when (ex.Number == 2812)
            {
                facts = facts with
                {
                    UnencryptedProblem = $"The unencrypted sessions were not listed: dbo.CheckUnencryptedConnections does not exist in database '{connection.Database}' (connect to the audit database, or run Initialize-KeyAuditStore).",
                };
            }
            catch (DbException ex)
            {
                facts = facts with { UnencryptedProblem = $"Listing the unencrypted sessions failed: {Describe(ex, target.Secrets)}" };
            }
            return facts;
        }
    }

    private SqlCommand Command(SqlConnection connection, string text)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        command.CommandTimeout = Math.Max(1, (int)Math.Ceiling(CommandTimeout.TotalSeconds));
        return command;
    }

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetValue(ordinal).ToString();

    /// <summary>Error 229/230 (permission denied on an object), 262 (in a database), 297 (not permitted), 300 (VIEW SERVER STATE denied).</summary>
    internal static bool IsPermissionDenied(SqlException ex) => ex.Number is 229 or 230 or 262 or 297 or 300;

    private static bool IsConnectFailure(Exception ex) =>
        ex is DbException or InvalidOperationException or IOException or SocketException or AuthenticationException or Win32Exception
            or TimeoutException or PlatformNotSupportedException;

    /// <summary>The exception's message (and its innermost cause when that says more), on one line, secrets scrubbed.</summary>
    internal static string Describe(Exception ex, ConnectionSecrets secrets)
    {
        var message = ex.Message;
        var root = ex.GetBaseException();
        var silent = root is Win32Exception { NativeErrorCode: 0 };   // SqlClient's "Success" placeholder says nothing
        if (!ReferenceEquals(root, ex) && !silent && !message.Contains(root.Message, StringComparison.Ordinal)) message += $" ({root.Message})";
        return secrets.Scrub(string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
    }

    /// <summary>Judges what was seen: every failed or unmade check is a problem, every source and gap a detail.</summary>
    internal static SqlConnectionEncryption Assess(SqlServerConnectionTarget target, string? environment, TlsObservation? tls, SessionFacts session,
        TimeSpan timeout, DateTimeOffset now)
    {
        var problems = new List<string>();
        var detail = new List<string>();
        var requested = target.RequestedEncryption;

        if (requested == RequestedEncryption.Optional)
            problems.Add("Encrypt is Optional (Encrypt=False) in the connection string: SqlClient goes on unencrypted when the server allows it, and validates no certificate even when the server forces encryption. Use Encrypt=Mandatory or Encrypt=Strict.");
        if (target.TrustServerCertificate && requested != RequestedEncryption.Strict)
            problems.Add("TrustServerCertificate=True: SqlClient accepts any server certificate, so the encryption does not prove the server is the one named. Trust the issuing CA, or pin the certificate with ServerCertificate=.");
        else if (target.TrustServerCertificate)
            detail.Add("TrustServerCertificate=True is ignored under Encrypt=Strict: SqlClient validates the certificate.");

        if (!session.Reachable) problems.Add($"The connection did not open: {session.Error}");

        bool? encrypted = null;
        if (session.EncryptOption is { } option)
        {
            encrypted = string.Equals(option, "TRUE", StringComparison.OrdinalIgnoreCase);
            detail.Add($"This session's encryption: sys.dm_exec_connections.encrypt_option = {option}.");
        }
        else if (session.Reachable)
        {
            if (session.SessionNote is { } note) detail.Add(note);
            if (requested != RequestedEncryption.Optional)
            {
                encrypted = true;
                detail.Add($"This session is encrypted: with Encrypt={requested} SqlClient fails the connection rather than continue without TLS, and it opened.");
            }
            else if (tls?.ServerEncryption is PreLoginEncryption.Required or PreLoginEncryption.On)
            {
                encrypted = true;
                detail.Add($"This session is taken as encrypted: the server answered the same PRELOGIN request with {Name(tls.ServerEncryption.Value)} (it forces encryption).");
            }
            else if (tls?.ServerEncryption is PreLoginEncryption.Off or PreLoginEncryption.NotSupported)
            {
                encrypted = false;
                detail.Add($"This session is taken as unencrypted: the server answered the same PRELOGIN request with {Name(tls.ServerEncryption.Value)}.");
            }
        }
        if (session.Reachable && encrypted == false)
            problems.Add("This session is not encrypted" + (tls?.ServerEncryption == PreLoginEncryption.Off ? ": only the login packet was (the server answered ENCRYPT_OFF)." : "."));
        else if (session.Reachable && encrypted is null)
            problems.Add("Whether this session is encrypted could not be told (see Detail).");

        if (tls is null)
        {
            problems.Add($"The TLS protocol, cipher and certificate were not observed: {target.EndpointUnknownReason}.");
        }
        else
        {
            var where = $"{target.Host}:{target.Port}";
            if (tls.ServerEncryption is { } answer)
                detail.Add($"The server answered the probe's PRELOGIN (ENCRYPTION {(requested == RequestedEncryption.Mandatory ? "ON" : "OFF")}, as SqlClient sends for Encrypt={requested}) with {Name(answer)}.");
            if (tls.Protocol is { } protocol)
            {
                detail.Add($"Protocol, cipher and certificate come from the probe's own TLS handshake with {where} " +
                    (tls.TlsFirst ? "(TDS 8: TLS first, ALPN tds/8.0)" : "(TDS 7.x: TLS inside PRELOGIN packets)") +
                    ", made with the same request as SqlClient: SqlClient does not expose its session's.");
                if ((int)protocol < (int)SslProtocols.Tls12)
                    problems.Add($"The server negotiated {ProtocolName(protocol)}, older than TLS 1.2.");
            }
            if (tls.Failure is { } failure)
            {
                problems.Add(tls.ServerEncryption == PreLoginEncryption.NotSupported
                    ? "The server offers no encryption: it answered PRELOGIN with ENCRYPT_NOT_SUP (no certificate, or encryption turned off)."
                    : $"The TLS protocol and cipher were not observed at {where}: {target.Secrets.Scrub(failure)}.");
            }
            if (tls.Cipher is { } cipher && IsWeakCipher(cipher))
                problems.Add($"The server negotiated the weak cipher suite {cipher}.");
            if (tls.Certificate is { } certificate)
            {
                if (certificate.ExpiresAt <= now)
                    problems.Add($"The server certificate expired at {certificate.ExpiresAt:u}.");
                else if (certificate.ExpiresAt - now <= CertificateExpiryWarning)
                    detail.Add($"The server certificate expires in {(certificate.ExpiresAt - now).TotalDays:0} day(s), at {certificate.ExpiresAt:u}: renew it.");
                if (certificate.NotBefore > now)
                    problems.Add($"The server certificate is not valid before {certificate.NotBefore:u}.");
                if (tls.CertificateErrors is { } errors && errors != SslPolicyErrors.None)
                {
                    var accepted = requested == RequestedEncryption.Optional || (target.TrustServerCertificate && requested != RequestedEncryption.Strict);
                    problems.Add($"The server certificate does not validate for '{target.CertificateHost}': {Explain(errors)}" +
                        (accepted ? "; SqlClient accepts it only because this connection string does not validate certificates." : "."));
                }
            }
        }

        if (session.Reachable)
        {
            if (session.Unencrypted is { } rows)
            {
                if (rows.Count == 0)
                    detail.Add("dbo.CheckUnencryptedConnections: no session on the server is connected without encryption.");
                else
                    problems.Add($"{rows.Count} session(s) on the server are connected without encryption (dbo.CheckUnencryptedConnections): " +
                        string.Join(", ", rows.Take(10).Select(r => $"session {r.SessionId} ({r.LoginName ?? "?"} from {r.ClientAddress ?? "?"}, {r.ProgramName ?? "?"})")) +
                        (rows.Count > 10 ? ", …" : "") + ".");
            }
            else if (session.UnencryptedProblem is { } problem)
            {
                problems.Add(problem);
            }
        }
        detail.Add($"Connect timeout: {timeout.TotalSeconds:0} s.");

        var certificateFacts = tls?.Certificate;
        return new SqlConnectionEncryption
        {
            Target = target.Redacted,
            Server = target.DataSource,
            Database = target.Database,
            Environment = environment,
            RequestedEncryption = requested,
            TrustServerCertificate = target.TrustServerCertificate,
            Reachable = session.Reachable,
            Error = session.Error,
            Encrypted = session.Reachable ? encrypted : null,
            EncryptOption = session.EncryptOption,
            NetTransport = session.NetTransport,
            AuthScheme = session.AuthScheme,
            ServerEncryption = tls?.ServerEncryption,
            Protocol = tls?.Protocol is { } p ? ProtocolName(p) : null,
            Cipher = tls?.Cipher,
            CertificateSubject = certificateFacts?.Subject,
            CertificateIssuer = certificateFacts?.Issuer,
            CertificateExpiresAt = certificateFacts?.ExpiresAt,
            CertificateThumbprint = certificateFacts?.Thumbprint,
            CertificateErrors = certificateFacts is null ? null : tls!.CertificateErrors?.ToString(),
            UnencryptedSessions = session.Unencrypted,
            Problems = problems,
            Detail = detail,
            CheckedAt = now,
        };
    }

    internal static string ProtocolName(SslProtocols protocol) => (int)protocol switch
    {
        12288 => "TLS 1.3",
        3072 => "TLS 1.2",
        768 => "TLS 1.1",
        192 => "TLS 1.0",
        48 => "SSL 3.0",
        12 => "SSL 2.0",
        _ => protocol.ToString(),
    };

    private static string Name(PreLoginEncryption answer) => answer switch
    {
        PreLoginEncryption.Off => "ENCRYPT_OFF (only the login is encrypted)",
        PreLoginEncryption.On => "ENCRYPT_ON",
        PreLoginEncryption.Required => "ENCRYPT_REQ",
        PreLoginEncryption.NotSupported => "ENCRYPT_NOT_SUP",
        _ => answer.ToString(),
    };

    private static string Explain(SslPolicyErrors errors)
    {
        var parts = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) parts.Add("no certificate was presented");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) parts.Add("its name does not match the host");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors)) parts.Add("its chain does not lead to a trusted root (self-signed, an untrusted CA, or expired)");
        return string.Join("; ", parts);
    }

    internal static bool IsWeakCipher(string cipher) =>
        new[] { "_NULL_", "_anon_", "_EXPORT", "_RC4_", "_DES_", "_DES40_", "3DES", "_IDEA_" }.Any(w => cipher.Contains(w, StringComparison.OrdinalIgnoreCase))
        || cipher.EndsWith("_MD5", StringComparison.OrdinalIgnoreCase)
        || cipher.EndsWith("_NULL", StringComparison.OrdinalIgnoreCase);
}

/// <summary>What SqlClient's own connection showed.</summary>
internal sealed record SessionFacts
{
    public bool Reachable { get; init; }
    public string? Error { get; init; }
    public string? EncryptOption { get; init; }
    public string? NetTransport { get; init; }
    public string? AuthScheme { get; init; }

    /// <summary>Why sys.dm_exec_connections gave nothing, when it did not.</summary>
    public string? SessionNote { get; init; }

    public IReadOnlyList<UnencryptedConnection>? Unencrypted { get; init; }
    public string? UnencryptedProblem { get; init; }

    public static SessionFacts Unreachable(string error) => new() { Reachable = false, Error = error };
}
