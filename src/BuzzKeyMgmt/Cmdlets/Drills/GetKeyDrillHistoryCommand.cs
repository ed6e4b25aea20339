using System.Management.Automation;
using BuzzKeyMgmt.Cmdlets.Audit;
using BuzzKeyMgmt.Engine.Drills;

namespace BuzzKeyMgmt.Cmdlets.Drills;

/// <summary>Lists the drills the audit store records (their DRILL rows), newest first: status, time to revoke, total.</summary>
[Cmdlet(VerbsCommon.Get, "KeyDrillHistory")]
[OutputType(typeof(DrillHistoryEntry))]
public sealed class GetKeyDrillHistoryCommand : AuditCmdlet
{
    [Parameter]
    [ValidateRange(1, 100_000)]
    public int? Last { get; set; }

    protected override void EndProcessing()
    {
        if (Environment is not null && Context.Environments.Find(Environment) is null)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(
                    $"No environment '{Environment}': expected one of {string.Join(", ", Context.Environments.All().Select(e => e.Name))} (Get-KeyMgmtEnvironment)."),
                "EnvironmentNotFound", ErrorCategory.ObjectNotFound, Environment));
        var located = LocateStore();
        var trail = WithStore(located, () => Context.Audit.TrailWithoutBreaker(located));
        var environment = Environment ?? located.EnvironmentName ?? Context.Sessions.Current?.Environment;
        foreach (var entry in WithStore(located, () => DrillRecords.History(trail, environment, Last))) WriteObject(entry);
    }
}
