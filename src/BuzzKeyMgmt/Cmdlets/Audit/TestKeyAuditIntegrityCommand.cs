using System.Management.Automation;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Journal;

namespace BuzzKeyMgmt.Cmdlets.Audit;

/// <summary>Walks the audit hash chain and reports the first broken link (altered, deleted or reordered rows).</summary>
[Cmdlet(VerbsDiagnostic.Test, "KeyAuditIntegrity")]
[OutputType(typeof(ChainVerification))]
public sealed class TestKeyAuditIntegrityCommand : AuditCmdlet
{
    /// <summary>Verify the local journal (rows waiting to be replayed) instead of the store.</summary>
    [Parameter]
    public SwitchParameter Journal { get; set; }

    protected override void EndProcessing()
    {
        var located = LocateStore();
        var result = WithStore(located, () => Journal
            ? new AuditJournal(located.JournalPath).Verify()
            : Context.Audit.Open(located).VerifyChain());
        if (!result.IsValid)
            WriteWarning($"The audit chain of {(Journal ? "journal " + located.JournalPath : located.Display)} is broken at sequence {result.BrokenSequence} (audit id {result.BrokenAuditId}): {result.Problem}");
        WriteObject(result);
    }
}
