using System.Management.Automation;
using BuzzKeyMgmt.Engine.Audit;

namespace BuzzKeyMgmt.Cmdlets.Audit;

/// <summary>Replays the local audit journal into the store (idempotent by AuditId); the store's chain stays valid.</summary>
[Cmdlet(VerbsData.Sync, "KeyAuditJournal", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(AuditSyncResult))]
public sealed class SyncKeyAuditJournalCommand : AuditCmdlet
{
    protected override void EndProcessing()
    {
        var located = LocateStore();
        if (!ShouldProcess(located.Display, $"Replay the journal {located.JournalPath}")) return;
        var result = WithStore(located, () => AuditLocator.Trail(located).Sync());
        WriteVerbose($"Journal rows {result.JournalRows}: {result.Replayed} replayed, {result.AlreadyPresent} already present; store chain {(result.StoreChain.IsValid ? "valid" : "BROKEN")}.");
        WriteObject(result);
    }
}
