using BuzzKeyMgmt.Engine;
using BuzzKeyMgmt.Sandbox;

namespace BuzzKeyMgmt.Cmdlets.Sandbox;

/// <summary>Base of the cmdlets that work on the running sandbox: a clear error when none runs.</summary>
public abstract class SandboxCmdlet : KeyMgmtCmdlet
{
    protected SandboxServer RequireSandbox()
    {
        try
        {
            return Context.Sandbox.Require();
        }
        catch (KeyMgmtException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, null));
            throw; // unreachable
        }
    }
}
