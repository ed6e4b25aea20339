using System.Collections;
using System.Management.Automation;
using BuzzKeyMgmt.Engine.Diagnostics;

namespace BuzzKeyMgmt.Cmdlets.Diagnostics;

/// <summary>Reports whether this session can run BuzzKeyMgmt: versions, loaded dependencies and where from, native
/// libraries and, when asked, a SQL Server connection.</summary>
[Cmdlet(VerbsDiagnostic.Test, "KeyMgmtEnvironment")]
[OutputType(typeof(EnvironmentCheck))]
public sealed class TestKeyMgmtEnvironmentCommand : KeyMgmtCmdlet
{
    /// <summary>Also try to open this SQL Server connection (the audit store in production).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SqlServerConnectionString { get; set; }

    /// <summary>Also check this environment against AWS: credentials, clock skew, KMS and STS reachability, each role,
    /// the MFA device, the alert topic, the audit store and what waits in the journal and alert outbox. Without it, the
    /// current session's environment is checked when there is one.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completion.EnvironmentCompleter))]
    public string? Environment { get; set; }

    /// <summary>Check this session's environment (when -Environment is not given) instead of the current session's.</summary>
    [Parameter]
    public Engine.Identity.KeyMgmtSession? Session { get; set; }

    protected override void EndProcessing()
    {
        var table = SessionState.PSVariable.GetValue("PSVersionTable") as Hashtable;
        var host = new HostFacts(
            table?["PSVersion"]?.ToString() ?? "unknown",
            table?["PSEdition"]?.ToString() ?? "unknown");
        var environment = Environment ?? (Session ?? Context.Sessions.Current)?.Environment;
        var checks = Await(EnvironmentDiagnostics.RunAsync(Context, host, new DiagnosticsOptions(SqlServerConnectionString), environment, Cancellation));
        foreach (var check in checks) WriteObject(check);
    }
}
