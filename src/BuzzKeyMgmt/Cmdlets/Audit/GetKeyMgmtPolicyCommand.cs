using System.Management.Automation;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Policy;

namespace BuzzKeyMgmt.Cmdlets.Audit;

/// <summary>The key-management policy in force: the KeyManagementConfig values of the audit store.</summary>
[Cmdlet(VerbsCommon.Get, "KeyMgmtPolicy")]
[OutputType(typeof(PolicySettings))]
public sealed class GetKeyMgmtPolicyCommand : AuditCmdlet
{
    protected override void EndProcessing()
    {
        var located = LocateStore();
        WriteObject(WithStore(located, () => Context.Audit.Open(located).GetPolicy()));
    }
}
