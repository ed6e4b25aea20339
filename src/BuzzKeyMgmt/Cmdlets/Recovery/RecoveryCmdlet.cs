using System.Management.Automation;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Operations.Runner;

namespace BuzzKeyMgmt.Cmdlets.Recovery;

/// <summary>Base of the recovery cmdlets: the session and one operation runner for the whole pipeline (so a role taken
/// with -MfaCode serves every key). Failures, including an unreachable audit store (recovery is refused until it is
/// back), are non-terminating errors on their item.</summary>
public abstract class RecoveryCmdlet : KeyMgmtCmdlet
{
    [Parameter]
    public KeyMgmtSession? Session { get; set; }

    private OperationRunner? _runner;

    protected KeyMgmtSession CurrentSession => RequireSession(Session);

    protected OperationRunner OperationRunner => _runner ??= Runner(RequireSession(Session));
}
