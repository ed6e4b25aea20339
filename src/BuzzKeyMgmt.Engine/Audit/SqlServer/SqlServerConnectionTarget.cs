using System.Globalization;
using Microsoft.Data.SqlClient;

namespace BuzzKeyMgmt.Engine.Audit.SqlServer;

/// <summary>
/// A SQL Server connection string read once, before any connection attempt: where it points (server, TCP endpoint,
/// database), what it asks of encryption (Encrypt, TrustServerCertificate, HostNameInCertificate) and the same string
/// without its secrets. A string SqlClient would refuse is a <see cref="KeyMgmtException"/>
/// (<see cref="InvalidErrorId"/>) whose text never repeats the string.
/// </summary>
public sealed class SqlServerConnectionTarget
{
    public const string InvalidErrorId = "SqlConnectionStringInvalid";
    public const int DefaultPort = 1433;

    private readonly SqlConnectionStringBuilder _builder;

    private SqlServerConnectionTarget(SqlConnectionStringBuilder builder, ConnectionSecrets secrets)
    {
        _builder = builder;
        Secrets = secrets;
        Redacted = secrets.Redacted;
        DataSource = builder.DataSource;
        Database = string.IsNullOrEmpty(builder.InitialCatalog) ? null : builder.InitialCatalog;
        var encrypt = builder.Encrypt;
        RequestedEncryption = SqlConnectionEncryptOption.Strict.Equals(encrypt) ? RequestedEncryption.Strict
            : SqlConnectionEncryptOption.Mandatory.Equals(encrypt) ? RequestedEncryption.Mandatory
            : RequestedEncryption.Optional;
        TrustServerCertificate = builder.TrustServerCertificate;
        HostNameInCertificate = string.IsNullOrWhiteSpace(builder.HostNameInCertificate) ? null : builder.HostNameInCertificate;
        ConnectTimeout = builder.ConnectTimeout <= 0 ? null : TimeSpan.FromSeconds(builder.ConnectTimeout);
        (Host, Port, EndpointUnknownReason) = ParseEndpoint(builder.DataSource);
    }

    /// <summary>The connection string without any secret key (Password, Pwd, access tokens, client secrets).</summary>
    public string Redacted { get; }

    /// <summary>Data Source as written (server, optional instance and port).</summary>
    public string DataSource { get; }

    public string? Database { get; }

    public RequestedEncryption RequestedEncryption { get; }

    /// <summary>TrustServerCertificate from the string (SqlClient ignores it when Encrypt is Strict).</summary>
    public bool TrustServerCertificate { get; }

    public string? HostNameInCertificate { get; }

    /// <summary>Connect Timeout from the string; null when it is 0 (wait for ever).</summary>
    public TimeSpan? ConnectTimeout { get; }

    /// <summary>The TCP host the server listens on, when Data Source names one (null otherwise: see <see cref="EndpointUnknownReason"/>).</summary>
    public string? Host { get; }

    /// <summary>The TCP port: the one Data Source gives, else 1433 for a default instance.</summary>
    public int? Port { get; }

    /// <summary>Why <see cref="Host"/>/<see cref="Port"/> are unknown (a named instance without a port, named pipes …).</summary>
    public string? EndpointUnknownReason { get; }

    /// <summary>The host name the server certificate must carry: HostNameInCertificate, else the host of Data Source.</summary>
    public string? CertificateHost => HostNameInCertificate ?? Host;

    internal ConnectionSecrets Secrets { get; }

    public override string ToString() => Redacted;

    /// <summary>Reads the connection string, or throws <see cref="KeyMgmtException"/> (<see cref="InvalidErrorId"/>, InvalidArgument).</summary>
    public static SqlServerConnectionTarget Parse(string? connectionString)
    {
        if (TryParse(connectionString, out var target, out var problem)) return target!;
        throw new KeyMgmtException(InvalidErrorId, FailureKind.InvalidArgument, problem!,
            "Pass a SQL Server connection string such as 'Server=tcp:sql01.example.com,1433;Database=KeyAudit;Encrypt=Mandatory;…'.");
    }

    /// <summary>True when SqlClient would accept the connection string; otherwise <paramref name="problem"/> says why
    /// without repeating the string (it may hold a password).</summary>
    public static bool TryValidate(string? connectionString, out string? problem) => TryParse(connectionString, out _, out problem);

    private static bool TryParse(string? connectionString, out SqlServerConnectionTarget? target, out string? problem)
    {
        target = null;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            problem = "The SQL Server connection string is empty.";
            return false;
        }
        ConnectionSecrets secrets;
        try
        {
            secrets = new ConnectionSecrets(connectionString);
        }
        catch (AuditStoreException)
        {
            problem = "The SQL Server connection string is not a valid key=value list (its text is withheld because it may contain a secret).";
            return false;
        }
        SqlConnectionStringBuilder builder;
        try
        {
            builder = new SqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException or InvalidOperationException)
        {
            problem = "The SQL Server connection string is not valid: " + secrets.Scrub(ex.Message);
            return false;
        }
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            problem = "The SQL Server connection string names no server (Server= or Data Source=).";
            return false;
        }
        target = new SqlServerConnectionTarget(builder, secrets);
        problem = null;
        return true;
    }

    /// <summary>The connection string the probe opens: its own physical connection (no pool, so the TLS handshake and
    /// login really happen now) and a connect timeout of <paramref name="connectTimeout"/>.</summary>
    internal string ProbeConnectionString(TimeSpan connectTimeout)
    {
        var builder = new SqlConnectionStringBuilder(_builder.ConnectionString)
        {
            Pooling = false,
            ConnectTimeout = Math.Max(1, (int)Math.Ceiling(connectTimeout.TotalSeconds)),
            ConnectRetryCount = 0,
        };
        return builder.ConnectionString;
    }

    private static (string? Host, int? Port, string? Reason) ParseEndpoint(string dataSource)
    {
        var text = dataSource.Trim();
        foreach (var protocol in new[] { "tcp", "np", "lpc", "admin" })
        {
            if (!text.StartsWith(protocol + ":", StringComparison.OrdinalIgnoreCase)) continue;
            if (protocol != "tcp")
                return (null, null, $"Data Source uses the '{protocol}:' protocol; the TLS handshake is observed over TCP only");
            text = text[(protocol.Length + 1)..].Trim();
        }
        int? port = null;
        var comma = text.LastIndexOf(',');
        if (comma >= 0)
        {
            if (!int.TryParse(text[(comma + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
                return (null, null, "the port in Data Source is not a number from 1 to 65535");
            port = p;
            text = text[..comma].Trim();
        }
        var backslash = text.IndexOf('\\');
        if (backslash >= 0)
        {
            if (text.StartsWith("(localdb)", StringComparison.OrdinalIgnoreCase))
                return (null, null, "LocalDB is reached through a named pipe, not TCP");
            if (port is null)
                return (null, null, $"Data Source names the instance '{text[(backslash + 1)..]}' without a port; the TCP port would come from the SQL Browser service, which the probe does not ask (give Server=host,port)");
            text = text[..backslash];
        }
        var host = text.Trim('[', ']');
        if (host is "." or "(local)" || host.Length == 0) host = "localhost";
        return (host, port ?? DefaultPort, null);
    }
}

/// <summary>What the connection string asks of encryption (SqlClient's Encrypt keyword).</summary>
public enum RequestedEncryption
{
    /// <summary>Encrypt=False/Optional: encrypted only when the server forces it (and then without certificate validation).</summary>
    Optional,

    /// <summary>Encrypt=True/Mandatory: TDS 7.x, TLS negotiated after PRELOGIN; the connection fails rather than go unencrypted.</summary>
    Mandatory,

    /// <summary>Encrypt=Strict: TDS 8.0, TLS before any TDS byte; the certificate is always validated.</summary>
    Strict,
}
