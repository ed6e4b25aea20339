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

    protected override void EndProcessing()
    {
        var table = SessionState.PSVariable.GetValue("PSVersionTable") as Hashtable;
        var host = new HostFacts(
            table?["PSVersion"]?.ToString() ?? "unknown",
            table?["PSEdition"]?.ToString() ?? "unknown");
        foreach (var check in EnvironmentDiagnostics.Run(host, new DiagnosticsOptions(SqlServerConnectionString)))
            WriteObject(check);
    }
}
