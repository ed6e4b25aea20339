@{
    Synopsis    = 'Reports whether a SQL Server connection is encrypted: the session, the TLS protocol, cipher and certificate, and the server''s unencrypted sessions.'
    Description = @'
Checks the SQL Server audit store of an environment (-Environment, from the configuration file) or any SQL Server
connection string (-ConnectionString), as evidence for PCI DSS 4.2.1 and HIPAA transmission security. The result says:

- whether this session is encrypted: sys.dm_exec_connections.encrypt_option for the session (with net_transport and
  auth_scheme). That view needs VIEW SERVER STATE; without it, transport and authentication come from CONNECTIONPROPERTY
  and the encryption is inferred (Encrypt=Mandatory or Strict cannot open unencrypted; else the server's PRELOGIN answer).
- the TLS protocol, cipher suite and server certificate (subject, issuer, expiry, thumbprint, and whether it validates
  for the host). SqlClient exposes none of these, so the command makes its own TLS handshake with the same server and
  the same encryption request beside SqlClient's connection (TDS 7.x: PRELOGIN, then TLS inside PRELOGIN packets;
  Encrypt=Strict: TLS first with ALPN tds/8.0) and sends no login on it. A named instance without a port, or a
  non-TCP Data Source, cannot be observed this way: the values are empty and Problems says why.
- what the connection string asks: Encrypt (Optional, Mandatory, Strict) and TrustServerCertificate.
- the sessions dbo.CheckUnencryptedConnections lists (needs VIEW SERVER STATE, and the audit database); a permission
  error or a missing procedure is reported in Problems, not thrown.

Compliant is true only when every check was made and passed; Problems lists each reason otherwise, Detail where each
value came from. A server that cannot be reached is a result with Reachable False and the error, not an error. The
connection string's password never appears in the output or in errors; PowerShell itself repeats the command line of a
failing command, so pass a connection string with a password in a variable, or use -Environment.
'@
    Parameters  = @{
        Environment      = 'The environment whose audit store to check: its auditStore must have "provider": "SqlServer" (an environment on SQLite, or on the embedded default, is an error: the check applies to SQL Server).'
        ConnectionString = 'A SQL Server connection string to check. A malformed one is refused at binding; its text is never repeated.'
        TimeoutSeconds   = 'Seconds to wait for the connection and for the TLS handshake (1-120). Default: the connection string''s Connect Timeout, at most 30 seconds.'
    }
    Outputs     = 'SqlConnectionEncryption: Target (no secrets), Server, Database, Environment, RequestedEncryption, TrustServerCertificate, Reachable, Error, Encrypted, EncryptOption, NetTransport, AuthScheme, ServerEncryption, Protocol, Cipher, CertificateSubject, CertificateIssuer, CertificateExpiresAt, CertificateThumbprint, CertificateErrors, UnencryptedSessions, UnencryptedSessionCount, Problems, Detail, Compliant, CheckedAt.'
    Examples    = @(
        @{
            Title   = 'Review a connection string before it goes into the configuration'
            Code    = '$cs = ''Server=tcp:127.0.0.1,1;Database=KeyAudit;Encrypt=Mandatory;TrustServerCertificate=True;Connect Timeout=2''; (Test-SqlConnectionEncryption -ConnectionString $cs).Problems'
            Remarks = 'Lists why the connection is not compliant: here nothing listens on the port (Reachable False, with the error) and TrustServerCertificate=True accepts any certificate.'
        }
        @{
            Title   = 'Evidence for the production audit store'
            Code    = 'Test-SqlConnectionEncryption -Environment production | Format-List Server, Reachable, Encrypted, EncryptOption, Protocol, Cipher, Certificate*, UnencryptedSessionCount, Compliant, Problems, Detail'
            Remarks = 'Connects to the SQL Server the production environment''s auditStore names. Needs that server.'
            Run     = $false
        }
        @{
            Title   = 'Which sessions are connected without encryption'
            Code    = 'Test-SqlConnectionEncryption -Environment production | Select-Object -ExpandProperty UnencryptedSessions | Format-Table SessionId, LoginName, HostName, ProgramName, ClientAddress'
            Remarks = 'Needs VIEW SERVER STATE for the login of the connection string. Needs that server.'
            Run     = $false
        }
        @{
            Title   = 'Stop a runbook when the audit connection is not compliant'
            Code    = '$check = Test-SqlConnectionEncryption -Environment production; if (-not $check.Compliant) { throw "Audit store connection not compliant: $($check.Problems -join ''; '')" }'
            Remarks = 'Needs that server.'
            Run     = $false
        }
    )
}
