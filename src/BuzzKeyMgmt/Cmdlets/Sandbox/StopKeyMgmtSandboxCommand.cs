using System.Management.Automation;

namespace BuzzKeyMgmt.Cmdlets.Sandbox;

/// <summary>Stops this session's sandbox, closes its connections and removes its environments (and the current
/// session, when it belonged to the sandbox).</summary>
[Cmdlet(VerbsLifecycle.Stop, "KeyMgmtSandbox", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(void))]
public sealed class StopKeyMgmtSandboxCommand : KeyMgmtCmdlet
{
    protected override void EndProcessing()
    {
        if (Context.Sandbox.Current is not { } server)
        {
            WriteWarning("No sandbox is running in this session.");
            return;
        }
        if (!ShouldProcess($"sandbox at {server.Endpoint}", "Stop, closing its sessions and removing its environments")) return;
        if (!Context.Sandbox.Stop()) WriteWarning("No sandbox is running in this session.");
    }
}
