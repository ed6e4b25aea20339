using System.Management.Automation;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Journal;

namespace BuzzKeyMgmt.Cmdlets.Audit;

/// <summary>Walks the audit hash chain and reports the first broken link (altered, deleted or reordered rows); then
/// finds operations that began and never completed and, connected to that environment, records what became of each
/// (a RECONCILE pair, one ReconcileResult each).</summary>
[Cmdlet(VerbsDiagnostic.Test, "KeyAuditIntegrity")]
[OutputType(typeof(ChainVerification), typeof(Engine.Operations.Reconciliation.ReconcileResult))]
public sealed class TestKeyAuditIntegrityCommand : AuditCmdlet
{
    /// <summary>Verify the local journal (rows waiting to be replayed) instead of the store.</summary>
    [Parameter]
    public SwitchParameter Journal { get; set; }

    /// <summary>How old a Started row without a Completed row must be to count as interrupted (default 5 minutes: a
    /// younger one may belong to an operation still running elsewhere).</summary>
    [Parameter]
    public TimeSpan InterruptedAfter { get; set; } = Engine.Operations.Reconciliation.InterruptedOperations.DefaultAge;

    protected override void BeginProcessing()
    {
        if (InterruptedAfter < TimeSpan.Zero || InterruptedAfter > TimeSpan.FromDays(7))
            ThrowTerminatingError(new ErrorRecord(new ArgumentOutOfRangeException(nameof(InterruptedAfter), InterruptedAfter,
                "-InterruptedAfter must be between 00:00:00 and 7.00:00:00 (how old a Started row without a Completed row must be to count as interrupted)."),
                "InterruptedAfterOutOfRange", ErrorCategory.InvalidArgument, InterruptedAfter));
    }

    protected override void EndProcessing()
    {
        var located = LocateStore();
        var result = WithStore(located, () => Journal
            ? new AuditJournal(located.JournalPath).Verify()
            : Context.Audit.Open(located).VerifyChain());
        if (!result.IsValid)
            WriteWarning($"The audit chain of {(Journal ? "journal " + located.JournalPath : located.Display)} is broken at sequence {result.BrokenSequence} (audit id {result.BrokenAuditId}): {result.Problem}");
        WriteObject(result);
        if (!Journal)
            foreach (var reconciled in ReconcileInterrupted(located, InterruptedAfter)) WriteObject(reconciled);
    }
}
