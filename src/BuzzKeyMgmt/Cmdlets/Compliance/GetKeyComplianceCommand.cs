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
        if (AcrossEnvironments)
        {
            AcrossTheFleet();
            return;
        }
        var session = RequireSession(Session);
        var trail = Context.Audit.Trail(session);
        var assessor = new ComplianceAssessor(session, Context.Gates.For(session.AccountId, session.Region), trail, PolicyOf(trail)) { Events = Events };
        var query = Query();
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

    private ComplianceQuery Query() => new()
    {
        Keys = NamedKeys, AliasPatterns = Alias, All = WholeFleet, IncludeAwsManaged = IncludeAwsManaged, ThrottleLimit = ThrottleLimit,
    };

    /// <summary>Every environment at once: each environment's key findings as they come, then its store's; with -Summary,
    /// one summary per environment.</summary>
    private void AcrossTheFleet()
    {
        var sessions = EnvironmentSessions(NamedKeys);
        var policies = new Dictionary<string, (Engine.Audit.AuditTrail Trail, Engine.Policy.PolicySettings Policy)>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in sessions)
        {
            var trail = Context.Audit.Trail(s);
            policies[s.Environment] = (trail, PolicyOf(trail));
        }
        var assessors = new System.Collections.Concurrent.ConcurrentDictionary<string, ComplianceAssessor>(StringComparer.OrdinalIgnoreCase);
        var query = Query();
        var all = Summary ? sessions.ToDictionary(s => s.Environment, _ => new List<ComplianceFinding>(), StringComparer.OrdinalIgnoreCase) : null;
        StreamEnvironments(sessions, (s, events, ct) =>
        {
            var (trail, policy) = policies[s.Environment];
            var assessor = assessors[s.Environment] = new ComplianceAssessor(s, Context.Gates.For(s.AccountId, s.Region), trail, policy) { Events = events };
            return OneEnvironment(assessor, query with { Keys = KeysIn(s, NamedKeys) }, ct);
        }, outcome =>
        {
            if (outcome.Failure is not null) WriteError(ToErrorRecord(outcome.Failure, outcome.Target));
            else if (all is not null && outcome.Findings.Count > 0) all[outcome.Findings[0].Environment].AddRange(outcome.Findings);
            else foreach (var finding in outcome.Findings) WriteObject(finding);
        });
        if (all is null) return;
        foreach (var s in sessions)
            if (all[s.Environment].Count > 0 && assessors.TryGetValue(s.Environment, out var assessor))
                WriteObject(ComplianceSummary.Of(s.Environment, assessor.Now, all[s.Environment]));
    }

    private static async IAsyncEnumerable<ComplianceOutcome> OneEnvironment(ComplianceAssessor assessor, ComplianceQuery query,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation)
    {
        await foreach (var outcome in assessor.AssessKeysAsync(query, cancellation).ConfigureAwait(false))
            yield return outcome;
        yield return new ComplianceOutcome("store", null, assessor.AssessStore(out _, out _), null);
    }
}
