using System.Management.Automation;

namespace BuzzKeyMgmt.Cmdlets.Sandbox;

/// <summary>Stops this session's sandbox, closes its connections and removes its environments (and the current
/// session, when it belonged to the sandbox).</summary>
[Cmdlet(VerbsLifecycle.Stop, "KeyMgmtSandbox")]
[OutputType(typeof(void))]
public sealed class StopKeyMgmtSandboxCommand : KeyMgmtCmdlet
{
    protected override void EndProcessing()
    {
        if (!Context.Sandbox.Stop()) WriteWarning("No sandbox is running in this session.");
    }
}
