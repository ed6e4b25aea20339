using System.Management.Automation;
using BuzzKeyMgmt.Cmdlets.Status;
using BuzzKeyMgmt.Engine.Compliance;

namespace BuzzKeyMgmt.Cmdlets.Compliance;

/// <summary>Judges keys and the audit store against the policy: one finding per key and check (rotation on, period,
/// recent rotation, pending deletion and disabled keys explained by the audit log, key size) and the store's checks
/// (chain intact, nothing unsynced, a recent passing drill); -Summary gives the counts.</summary>
[Cmdlet(VerbsCommon.Get, "KeyCompliance", DefaultParameterSetName = AllKeys)]
[OutputType(typeof(ComplianceFinding), typeof(ComplianceSummary))]
public sealed class GetKeyComplianceCommand : FleetReadCmdlet
{
    [Parameter]
    public SwitchParameter Summary { get; set; }

    protected override void EndProcessing()
    {
        var session = RequireSession(Session);
        var trail = Context.Audit.Trail(session);
        var assessor = new ComplianceAssessor(session, Context.Gates.For(session.AccountId, session.Region), trail, PolicyOf(trail)) { Events = Events };
        var query = new ComplianceQuery
        {
            Keys = NamedKeys, AliasPatterns = Alias, All = WholeFleet, IncludeAwsManaged = IncludeAwsManaged, ThrottleLimit = ThrottleLimit,
        };
        var all = Summary ? new List<ComplianceFinding>() : null;
        Stream(assessor.AssessKeysAsync(query, Cancellation), outcome =>
        {
            if (outcome.Failure is not null) WriteError(ToErrorRecord(outcome.Failure, outcome.Target));
            else if (all is not null) all.AddRange(outcome.Findings);
            else foreach (var finding in outcome.Findings) WriteObject(finding);
        });
        var store = assessor.AssessStore(out _, out _);
        if (all is null)
        {
            foreach (var finding in store) WriteObject(finding);
            return;
        }
        all.AddRange(store);
        WriteObject(ComplianceSummary.Of(session.Environment, assessor.Now, all));
    }
}
