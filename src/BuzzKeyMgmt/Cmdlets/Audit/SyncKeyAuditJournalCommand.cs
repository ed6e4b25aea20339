using System.Management.Automation;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Audit;

namespace BuzzKeyMgmt.Cmdlets.Audit;

/// <summary>Replays the local and fallback audit journals into the store (idempotent by AuditId); the store's chain stays
/// valid. Lines that cannot be verified are moved to a quarantine file with their line numbers and reasons, and a warning
/// says so: they never keep the other rows out. Then delivers the environment's queued alerts and reports them on the
/// result (AlertsDelivered, AlertsWaiting, AlertsQuarantined, AlertQuarantinePath), and reconciles interrupted operations.</summary>
[Cmdlet(VerbsData.Sync, "KeyAuditJournal", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(AuditSyncResult))]
public sealed class SyncKeyAuditJournalCommand : AuditCmdlet
{
    protected override void EndProcessing()
    {
        var located = LocateStore();
        if (!ShouldProcess(located.Display, $"Replay the journal {located.JournalPath}")) return;
        var result = WithStore(located, () => Context.Audit.TrailWithoutBreaker(located).Sync());
        WriteVerbose($"Journal rows {result.JournalRows}: {result.Replayed} replayed, {result.AlreadyPresent} already present; store chain {(result.StoreChain.IsValid ? "valid" : "BROKEN")}.");
        if (result.Quarantined > 0)
            WriteWarning($"{result.Quarantined} journal line(s) could not be verified and were moved to {string.Join(" and ", result.QuarantinePaths)} " +
                         $"({string.Join("; ", result.QuarantinedLines.Take(5).Select(q => $"{Path.GetFileName(q.Journal)} line {q.Line}: {q.Reason}"))}" +
                         $"{(result.Quarantined > 5 ? "; …" : "")}); every other row was replayed ({result.Replayed} new, {result.AlreadyPresent} already stored). " +
                         "The quarantined lines are not in the audit store: review them.");
        foreach (var problem in result.Problems) WriteWarning(problem);
        var alerts = FlushAlerts(located);
        var output = PSObject.AsPSObject(result);
        output.Properties.Add(new PSNoteProperty("AlertsDelivered", alerts.Delivered));
        output.Properties.Add(new PSNoteProperty("AlertsWaiting", alerts.Waiting));
        output.Properties.Add(new PSNoteProperty("AlertsQuarantined", alerts.Quarantined));
        output.Properties.Add(new PSNoteProperty("AlertQuarantinePath", alerts.QuarantinePath));
        WriteObject(output);
        _ = ReconcileInterrupted(located, Engine.Operations.Reconciliation.InterruptedOperations.DefaultAge);   // said as warnings
    }

    /// <summary>The outbox part of the result. Waiting counts alerts and unreadable lines still in the outbox (-1 when
    /// it could not be read); Quarantined the lines waiting in the quarantine file for a person.</summary>
    private sealed record AlertReport(int Delivered, int Waiting, int Quarantined, string? QuarantinePath);

    /// <summary>Alerts that SNS refused earlier wait in the environment's outbox: deliver them now, with the current
    /// session's credentials, oldest first, each once. Lines that are not an alert go to the quarantine file, which is
    /// reported until a person deletes it.</summary>
    private AlertReport FlushAlerts(AuditLocation located)
    {
        var session = ActingSession;
        var name = located.EnvironmentName ?? session?.Environment;
        if (name is null) return new AlertReport(0, 0, 0, null);
        var outbox = AlertOutbox.ForEnvironment(name);
        OutboxStatus status;
        try
        {
            status = outbox.Inspect();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteWarning($"The alert outbox {outbox.OutboxPath} could not be read: {ex.Message}");
            return new AlertReport(0, -1, 0, outbox.QuarantinePath);
        }
        var waiting = status.Pending.Count + status.Unreadable.Count;
        if (waiting == 0)
        {
            WarnQuarantine(outbox, status.Quarantined, []);
            return new AlertReport(0, 0, status.Quarantined, outbox.QuarantinePath);
        }
        var sender = session is null || !string.Equals(session.Environment, name, StringComparison.OrdinalIgnoreCase) || session.IsExpired
            ? null
            : AlertSender.ForSession(session, outbox);
        if (sender is null)
        {
            var unreadable = status.Unreadable.Count == 0 ? ""
                : $" and {status.Unreadable.Count} line(s) that are not an alert ({AlertOutbox.Describe(status.Unreadable)}), which Sync moves to {outbox.QuarantinePath}";
            WriteWarning(session?.Environment is { } connected && string.Equals(connected, name, StringComparison.OrdinalIgnoreCase) && !session.IsExpired
                ? $"{status.Pending.Count} alert(s){unreadable} wait in {outbox.OutboxPath}, but '{name}' has no alertTopicArn to deliver them to."
                : $"{status.Pending.Count} alert(s){unreadable} wait in {outbox.OutboxPath}; connect to '{name}' (Connect-KeyManagement) and run Sync-KeyAuditJournal again to deliver them.");
            WarnQuarantine(outbox, status.Quarantined, []);
            return new AlertReport(0, waiting, status.Quarantined, outbox.QuarantinePath);
        }
        using (sender)
        {
            var flushed = Await(sender.FlushAsync(Cancellation));
            WriteVerbose($"Alerts: {flushed.Delivered} delivered, {flushed.Remaining} still waiting, {flushed.QuarantinedNow.Count} unreadable line(s) quarantined.");
            if (flushed.Remaining != 0)
                WriteWarning(flushed.Remaining < 0
                    ? $"{flushed.ErrorCode}: {flushed.ErrorMessage}"
                    : $"{flushed.Remaining} alert(s) still wait in {outbox.OutboxPath}: {flushed.ErrorCode} {flushed.ErrorMessage}");
            WarnQuarantine(outbox, flushed.Quarantined, flushed.QuarantinedNow);
            return new AlertReport(flushed.Delivered, flushed.Remaining, flushed.Quarantined, outbox.QuarantinePath);
        }
    }

    /// <summary>Every run says so while the quarantine file holds lines: they are alerts nobody received.</summary>
    private void WarnQuarantine(AlertOutbox outbox, int quarantined, IReadOnlyList<QuarantinedLine> now)
    {
        if (quarantined <= 0) return;
        var moved = now.Count == 0 ? "" : $" (moved there now from {outbox.OutboxPath}: {AlertOutbox.Describe(now)})";
        WriteWarning($"{quarantined} unreadable outbox line(s) wait in {outbox.QuarantinePath}{moved}; they were never sent: read each one " +
                     "(its line number, why it was refused, its text), tell the alert's recipients what it said, then delete the file.");
    }
}
