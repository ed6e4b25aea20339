using System.Management.Automation;
using BuzzKeyMgmt.Engine;
using BuzzKeyMgmt.Engine.Audit.SqlServer;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Validation;

namespace BuzzKeyMgmt.Cmdlets.Diagnostics;

/// <summary>Reports whether a SQL Server connection (an environment's audit store, or a connection string) is
/// encrypted: this session's encryption, the TLS protocol, cipher and server certificate, what the connection string
/// asks, and the server's sessions connected without encryption, with every problem that keeps it from compliance.</summary>
[Cmdlet(VerbsDiagnostic.Test, "SqlConnectionEncryption", DefaultParameterSetName = EnvironmentSet)]
[OutputType(typeof(SqlConnectionEncryption))]
public sealed class TestSqlConnectionEncryptionCommand : KeyMgmtCmdlet
{
    private const string EnvironmentSet = "Environment";
    private const string ConnectionStringSet = "ConnectionString";

    /// <summary>The environment whose SQL Server audit store (auditStore.connectionString in the configuration file) to check.</summary>
    [Parameter(ParameterSetName = EnvironmentSet, Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ValidateFormat(@"^[A-Za-z][A-Za-z0-9_-]{0,63}\z", "an environment name: 1-64 letters, digits, '-' or '_', starting with a letter")]
    [ArgumentCompleter(typeof(Completion.EnvironmentCompleter))]
    public string? Environment { get; set; }

    /// <summary>A SQL Server connection string to check.</summary>
    [Parameter(ParameterSetName = ConnectionStringSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [ValidateSqlConnectionString]
    public string? ConnectionString { get; set; }

    /// <summary>Seconds to wait for the connection (default: the connection string's Connect Timeout, at most 30).</summary>
    [Parameter]
    [ValidateRange(1, 120)]
    public int TimeoutSeconds { get; set; }

    protected override void ProcessRecord()
    {
        var probe = new ConnectionEncryptionProbe
        {
            ConnectTimeout = TimeoutSeconds > 0 ? TimeSpan.FromSeconds(TimeoutSeconds) : null,
            MaxConnectTimeout = TimeSpan.FromSeconds(Math.Max(TimeoutSeconds, ConnectionEncryptionProbe.DefaultMaxConnectTimeout.TotalSeconds)),
        };
        Task<SqlConnectionEncryption> probing;
        try
        {
            probing = ParameterSetName == ConnectionStringSet
                ? probe.ProbeAsync(ConnectionString!, Cancellation)
                : probe.ProbeAsync(Context.Environments.Require(Environment!), Cancellation);
        }
        catch (ConfigurationException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "ConfigurationInvalid", ErrorCategory.InvalidData, ex.File));
            return;
        }
        catch (KeyMgmtException ex)
        {
            // Never the connection string itself as the target: it may hold a password.
            ThrowTerminatingError(ToErrorRecord(ex, ParameterSetName == EnvironmentSet ? Environment : null));
            return;
        }
        WriteObject(Await(probing));
    }
}
