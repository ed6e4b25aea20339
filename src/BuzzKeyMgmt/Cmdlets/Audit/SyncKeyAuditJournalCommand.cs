using System.Management.Automation;
using BuzzKeyMgmt.Engine.Audit;

namespace BuzzKeyMgmt.Cmdlets.Audit;

/// <summary>Replays the local and fallback audit journals into the store (idempotent by AuditId); the store's chain stays
/// valid. Lines that cannot be verified are moved to a quarantine file with their line numbers and reasons, and a warning
/// says so: they never keep the other rows out.</summary>
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
        WriteObject(result);
        FlushAlerts(located);
        _ = ReconcileInterrupted(located, Engine.Operations.Reconciliation.InterruptedOperations.DefaultAge);   // said as warnings
    }

    /// <summary>Alerts that SNS refused earlier wait in the environment's outbox: deliver them now, with the current
    /// session's credentials, oldest first, each once.</summary>
    private void FlushAlerts(AuditLocation located)
    {
        var session = Context.Sessions.Current;
        var name = located.EnvironmentName ?? session?.Environment;
        if (name is null) return;
        var outbox = Engine.Alerts.AlertOutbox.ForEnvironment(name);
        var pending = outbox.ReadAll().Count;
        if (pending == 0) return;
        if (session is null || !string.Equals(session.Environment, name, StringComparison.OrdinalIgnoreCase) || session.IsExpired)
        {
            WriteWarning($"{pending} alert(s) wait in {outbox.OutboxPath}; connect to '{name}' (Connect-KeyManagement) and run Sync-KeyAuditJournal again to deliver them.");
            return;
        }
        using var sender = Engine.Alerts.AlertSender.ForSession(session, outbox);
        if (sender is null) return;
        var flushed = Await(sender.FlushAsync(Cancellation));
        WriteVerbose($"Alerts: {flushed.Delivered} delivered, {flushed.Remaining} still waiting.");
        if (flushed.Remaining > 0) WriteWarning($"{flushed.Remaining} alert(s) still wait in {outbox.OutboxPath}: {flushed.ErrorCode} {flushed.ErrorMessage}");
    }
}
