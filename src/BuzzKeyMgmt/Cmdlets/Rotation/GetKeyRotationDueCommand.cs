using System.Management.Automation;
using BuzzKeyMgmt.Cmdlets.Status;
using BuzzKeyMgmt.Engine.Rotation;

namespace BuzzKeyMgmt.Cmdlets.Rotation;

/// <summary>Lists the keys whose rotation is due now or within -Within days by the policy's period, judged from KMS's own
/// rotation data; records what it read in the audit store's KeyStatus table.</summary>
[Cmdlet(VerbsCommon.Get, "KeyRotationDue", DefaultParameterSetName = AllKeys)]
[OutputType(typeof(RotationDueItem))]
public sealed class GetKeyRotationDueCommand : FleetReadCmdlet
{
    [Parameter]
    [ValidateRange(0, 3650)]
    public int Within { get; set; }

    protected override void EndProcessing()
    {
        if (AcrossEnvironments)
        {
            var sessions = EnvironmentSessions(NamedKeys);
            var policies = sessions.ToDictionary(s => s, s => (Trail: Context.Audit.Trail(s), Days: 0));
            foreach (var s in sessions) policies[s] = (policies[s].Trail, PolicyOf(policies[s].Trail).RotationPeriodDays);
            StreamEnvironments(sessions, (s, events, ct) =>
                new RotationDueReader(s, Context.Gates.For(s.AccountId, s.Region), policies[s].Trail, policies[s].Days) { Events = events }.ReadAsync(Query() with { Keys = KeysIn(s, NamedKeys) }, ct),
                Write);
            return;
        }
        var session = RequireSession(Session);
        var trail = Context.Audit.Trail(session);
        var policy = PolicyOf(trail);
        var reader = new RotationDueReader(session, Context.Gates.For(session.AccountId, session.Region), trail, policy.RotationPeriodDays) { Events = Events };
        WriteVerbose($"Judging rotation by the policy's {policy.RotationPeriodDays}-day period, due now or within {Within} day(s).");
        Stream(reader.ReadAsync(Query(), Cancellation), Write);
    }

    private RotationDueQuery Query() => new()
    {
        Keys = NamedKeys, AliasPatterns = Alias, All = WholeFleet, IncludeAwsManaged = IncludeAwsManaged, WithinDays = Within, ThrottleLimit = ThrottleLimit,
    };

    private void Write(RotationDueOutcome outcome)
    {
        if (outcome.Item is not null) WriteObject(outcome.Item);
        else if (outcome.Failure is not null) WriteError(ToErrorRecord(outcome.Failure, outcome.Target));
    }
}
