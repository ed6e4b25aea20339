using System.Management.Automation;
using BuzzKeyMgmt.Engine;
using BuzzKeyMgmt.Engine.Drills;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Validation;

namespace BuzzKeyMgmt.Cmdlets.Drills;

/// <summary>Runs a measured revocation-and-recovery drill on a key of its own (created and deleted by the drill), every
/// step audited (DRILL) and linked to the real REVOKE and RECOVER rows by its DrillId; returns the DrillReport.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "KeyRevocationDrill", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DrillReport))]
public sealed class InvokeKeyRevocationDrillCommand : KeyMgmtCmdlet
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Environment { get; set; }

    [Parameter]
    public KeyMgmtSession? Session { get; set; }

    /// <summary>A string, not the engine's enum: a value-type field of an engine type would make PowerShell load the engine
    /// while it lists the module's cmdlets, before the module's load context can resolve it.</summary>
    [Parameter]
    [ValidateSet("Revoke", "RevokeAndDelete", "Rotation", "All")]
    public string Scenario { get; set; } = "Revoke";

    [Parameter]
    [ValidateFormat(@"^[0-9]{6}\z", "exactly 6 digits from your MFA device (an MFA code)")]
    public string? MfaCode { get; set; }

    [Parameter]
    [ValidateFormat(@"^[0-9]{6}\z", "exactly 6 digits from your MFA device (an MFA code)")]
    public string? RecoveryMfaCode { get; set; }

    [Parameter]
    [ValidateNotNull]
    public KeyMgmtSession[]? ApproverSession { get; set; }

    [Parameter]
    [ValidateFormat(@"^[0-9a-f]{12}\z", "a drill id: 12 lower-case hexadecimal characters, as the DrillReport and Get-KeyDrillHistory show it")]
    public string? DrillId { get; set; }

    [Parameter]
    [ValidateLength(1, 64)]
    public string? IncidentId { get; set; }

    [Parameter]
    [ValidateLength(1, 64)]
    public string? ChangeId { get; set; }

    protected override void EndProcessing()
    {
        var session = DrillSession();
        var what = DrillId is null ? $"Create the drill key alias/drill-<id> in '{session.Environment}', revoke it, recover it ({Scenario}) and schedule its deletion"
            : $"Resume drill {DrillId} in '{session.Environment}'";
        if (!ShouldProcess($"{session.Environment} ({session.AccountId}, {session.Region})", what)) return;
        var plan = new DrillPlan
        {
            Scenario = Enum.Parse<DrillScenario>(Scenario, ignoreCase: true), MfaCode = MfaCode, RecoveryMfaCode = RecoveryMfaCode, Approvers = ApproverSession ?? [],
            ResumeDrillId = DrillId, IncidentId = IncidentId, ChangeId = ChangeId,
        };
        var drill = Own(new RevocationDrill(Context, Events));
        DrillReport report;
        try
        {
            report = Await(drill.RunAsync(session, plan, Cancellation));
        }
        catch (KeyMgmtException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, DrillId ?? session.Environment));
            return;
        }
        WriteObject(report);
        if (report.Status is DrillStatus.WaitingForApprovals or DrillStatus.WaitingForMfa)
            WriteWarning($"Drill {report.DrillId} waits ({report.Status}): {report.Next}");
        else if (!report.Passed)
            WriteError(new ErrorRecord(new InvalidOperationException(
                    $"Drill {report.DrillId} {report.Status} at {report.FailedStep}: {report.Failure}" +
                    (report.NotCleaned.Count > 0 ? $" Not cleaned: {string.Join(" ", report.NotCleaned)}" : "")),
                "DrillFailed", ErrorCategory.InvalidResult, report.DrillId));
        foreach (var left in report.NotCleaned) WriteWarning(left);
    }

    /// <summary>-Session; else the current session when it is for -Environment (or no -Environment is named); else an Admin
    /// session for -Environment (or the sandbox's, when one runs), connected for this drill without replacing the current one.</summary>
    private KeyMgmtSession DrillSession()
    {
        if (Session is not null) return RequireSession(Session);
        var current = Context.Sessions.Current;
        var name = Environment ?? (current is null && Context.Sandbox.Current is not null ? Engine.Training.SandboxHost.EnvironmentName : null);
        if (name is null || current is { IsClosed: false, IsExpired: false } && string.Equals(current.Environment, name, StringComparison.OrdinalIgnoreCase))
            return RequireSession(null);
        var open = Context.Sessions.All.FirstOrDefault(s => !s.IsClosed && !s.IsExpired && string.Equals(s.Environment, name, StringComparison.OrdinalIgnoreCase));
        if (open is not null) return open;
        try
        {
            var connected = Await(Context.ConnectAsync(new ConnectRequest(name, KeyMgmtRole.Admin, ChangeId: ChangeId), Cancellation));
            Context.Sessions.Add(connected, makeCurrent: false);
            WriteVerbose($"Connected {connected} for the drill (the current session is unchanged).");
            return connected;
        }
        catch (KeyMgmtException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, name));
            throw; // unreachable
        }
    }
}
