namespace BuzzKeyMgmt.Engine.Audit.SqlServer;

/// <summary>
/// What <see cref="ConnectionEncryptionProbe"/> found about one SQL Server connection: whether the session it opened
/// is encrypted (the server's own word, sys.dm_exec_connections.encrypt_option, where the login may read it), the TLS
/// protocol, cipher suite and server certificate (from the probe's own handshake with the same request: SqlClient
/// exposes none of them), what the connection string asks, and the server's sessions connected without encryption
/// (dbo.CheckUnencryptedConnections). <see cref="Problems"/> lists every reason the connection is not shown compliant;
/// <see cref="Detail"/> says where each value came from and why one is missing. Immutable; no text in it holds a
/// secret of the connection string.
/// </summary>
public sealed class SqlConnectionEncryption
{
    private readonly IReadOnlyList<UnencryptedConnection>? _unencrypted;
    private readonly FlatList<string> _problems = FlatList<string>.Empty;
    private readonly FlatList<string> _detail = FlatList<string>.Empty;

    /// <summary>The connection string without its secrets.</summary>
    public required string Target { get; init; }

    /// <summary>Data Source as written in the connection string.</summary>
    public required string Server { get; init; }

    public string? Database { get; init; }

    /// <summary>The environment the connection string came from (-Environment), else null.</summary>
    public string? Environment { get; init; }

    /// <summary>Encrypt in the connection string: Optional, Mandatory or Strict.</summary>
    public required RequestedEncryption RequestedEncryption { get; init; }

    /// <summary>TrustServerCertificate in the connection string.</summary>
    public bool TrustServerCertificate { get; init; }

    /// <summary>True when SqlClient opened the connection (login included).</summary>
    public bool Reachable { get; init; }

    /// <summary>Why the connection did not open, without secrets; null when it opened.</summary>
    public string? Error { get; init; }

    /// <summary>Whether this session's traffic is encrypted; null when it could not be told (see <see cref="Detail"/>).</summary>
    public bool? Encrypted { get; init; }

    /// <summary>sys.dm_exec_connections.encrypt_option for this session (TRUE/FALSE); null without VIEW SERVER STATE.</summary>
    public string? EncryptOption { get; init; }

    /// <summary>The session's transport (TCP, Shared memory, Named pipe), from sys.dm_exec_connections or CONNECTIONPROPERTY.</summary>
    public string? NetTransport { get; init; }

    /// <summary>The session's authentication scheme (SQL, NTLM, KERBEROS).</summary>
    public string? AuthScheme { get; init; }

    /// <summary>The server's answer to the probe's PRELOGIN encryption request (TDS 7.x); null under TDS 8 (Strict) or
    /// when no answer came.</summary>
    public PreLoginEncryption? ServerEncryption { get; init; }

    /// <summary>The TLS protocol the server negotiated with the probe (e.g. "TLS 1.2").</summary>
    public string? Protocol { get; init; }

    /// <summary>The TLS cipher suite the server negotiated with the probe (IANA name).</summary>
    public string? Cipher { get; init; }

    public string? CertificateSubject { get; init; }

    public string? CertificateIssuer { get; init; }

    public DateTimeOffset? CertificateExpiresAt { get; init; }

    public string? CertificateThumbprint { get; init; }

    /// <summary>.NET's validation verdict on the certificate for the host SqlClient checks (None when it validates);
    /// null when no certificate was seen.</summary>
    public string? CertificateErrors { get; init; }

    /// <summary>Sessions dbo.CheckUnencryptedConnections lists; null when they could not be listed (see <see cref="Problems"/>).</summary>
    public IReadOnlyList<UnencryptedConnection>? UnencryptedSessions
    {
        get => _unencrypted;
        init => _unencrypted = value is null ? null : Array.AsReadOnly(value.ToArray());
    }

    public int? UnencryptedSessionCount => UnencryptedSessions?.Count;

    /// <summary>Every reason this connection is not shown compliant; empty when it is.</summary>
    public IReadOnlyList<string> Problems { get => _problems; init => _problems = new FlatList<string>(value.ToArray()); }

    /// <summary>Where each value came from, and why a value is missing.</summary>
    public IReadOnlyList<string> Detail { get => _detail; init => _detail = new FlatList<string>(value.ToArray()); }

    /// <summary>Reachable, encrypted with a validated certificate over TLS 1.2 or later, Encrypt required, no
    /// unencrypted session on the server: every check made and passed.</summary>
    public bool Compliant => Problems.Count == 0;

    public DateTimeOffset CheckedAt { get; init; }

    public override string ToString() =>
        $"{Server}: " + (!Reachable ? "not reachable" : Encrypted switch { true => "encrypted", false => "NOT encrypted", null => "encryption unknown" })
        + (Protocol is null ? "" : $", {Protocol}") + (Compliant ? ", compliant" : $", {Problems.Count} problem(s)");
}
