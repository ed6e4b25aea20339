using System.Management.Automation;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Operations.Recovery;

namespace BuzzKeyMgmt.Cmdlets.Recovery;

/// <summary>Approves a recovery request as the caller's verified identity; the requester and a second approval by
/// the same principal are refused, and so are expired requests.</summary>
[Cmdlet(VerbsLifecycle.Approve, "KeyRecovery", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RecoveryRequest))]
public sealed class ApproveKeyRecoveryCommand : RecoveryCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(Completion.RequestIdCompleter))]
    public Guid RequestId { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(RequestId.ToString(), "Approve the key recovery")) return;
        RunOperation(OperationRunner, new KeyRecoveryApproval(RequestId), RequestId);
    }
}
