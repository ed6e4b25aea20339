using System.Management.Automation;
using BuzzKeyMgmt.Engine;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Audit.Anchoring;
using BuzzKeyMgmt.Engine.Audit.Journal;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Identity;

namespace BuzzKeyMgmt.Cmdlets.Audit;

/// <summary>Walks the audit hash chain and reports the first broken link (altered, deleted or reordered rows), then finds
/// operations that began and never completed and, connected to that environment, records what became of each (a
/// RECONCILE pair, one ReconcileResult each); with -Digests, verifies the chain against the signed digests kept outside
/// the store and names what it finds (rows missing at the tail, a rollback, a rewritten chain, a recreated store, a
/// digest that does not verify).</summary>
[Cmdlet(VerbsDiagnostic.Test, "KeyAuditIntegrity", DefaultParameterSetName = StoreSet)]
[OutputType(typeof(ChainVerification), typeof(Engine.Operations.Reconciliation.ReconcileResult), ParameterSetName = new[] { StoreSet })]
[OutputType(typeof(ChainVerification), ParameterSetName = new[] { JournalSet })]
[OutputType(typeof(AnchoredChainVerification), ParameterSetName = new[] { DigestSet })]
public sealed class TestKeyAuditIntegrityCommand : AuditCmdlet
{
    private const string StoreSet = "Store", JournalSet = "Journal", DigestSet = "Digests";

    /// <summary>Verify the local journal (rows waiting to be replayed) instead of the store.</summary>
    [Parameter(Mandatory = true, ParameterSetName = JournalSet)]
    public SwitchParameter Journal { get; set; }

    /// <summary>How old a Started row without a Completed row must be to count as interrupted (default 5 minutes: a
    /// younger one may belong to an operation still running elsewhere).</summary>
    [Parameter(ParameterSetName = StoreSet)]
    public TimeSpan InterruptedAfter { get; set; } = Engine.Operations.Reconciliation.InterruptedOperations.DefaultAge;

    protected override void BeginProcessing()
    {
        if (InterruptedAfter < TimeSpan.Zero || InterruptedAfter > TimeSpan.FromDays(7))
            ThrowTerminatingError(new ErrorRecord(new ArgumentOutOfRangeException(nameof(InterruptedAfter), InterruptedAfter,
                "-InterruptedAfter must be between 00:00:00 and 7.00:00:00 (how old a Started row without a Completed row must be to count as interrupted)."),
                "InterruptedAfterOutOfRange", ErrorCategory.InvalidArgument, InterruptedAfter));
    }

    /// <summary>The folder of the signed digests to verify the store against (the environment's auditDigests.path, or a copy).</summary>
    [Parameter(Mandatory = true, ParameterSetName = DigestSet)]
    [ValidateNotNullOrEmpty]
    public string? Digests { get; set; }

    /// <summary>The KMS key the digests must be signed by; default: the environment's auditDigests.keyId.</summary>
    [Parameter(ParameterSetName = DigestSet)]
    [ValidateNotNullOrEmpty]
    public string? DigestKeyId { get; set; }

    /// <summary>Read and link every digest of the folder, not only the newest (whose signature and the row hash chain already
    /// prove the store's rows up to it).</summary>
    [Parameter(ParameterSetName = DigestSet)]
    public SwitchParameter AllDigests { get; set; }

    /// <summary>Read every digest and check every digest's own signature (implies -AllDigests).</summary>
    [Parameter(ParameterSetName = DigestSet)]
    public SwitchParameter AllSignatures { get; set; }

    protected override void EndProcessing()
    {
        var located = LocateStore();
        if (ParameterSetName == DigestSet)
        {
            VerifyAgainstDigests(located);
            return;
        }
        var result = WithStore(located, () => Journal
            ? new AuditJournal(located.JournalPath).Verify()
            : Context.Audit.Open(located).VerifyChain());
        if (!result.IsValid)
            WriteWarning($"The audit chain of {(Journal ? "journal " + located.JournalPath : located.Display)} is broken at sequence {result.BrokenSequence} (audit id {result.BrokenAuditId}): {result.Problem}");
        WriteObject(result);
        if (!Journal)
            foreach (var reconciled in ReconcileInterrupted(located, InterruptedAfter)) WriteObject(reconciled);
    }

    private void VerifyAgainstDigests(AuditLocation located)
    {
        var folder = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Digests!);
        if (!Directory.Exists(folder))
            ThrowTerminatingError(new ErrorRecord(new DirectoryNotFoundException($"The digest folder {folder} does not exist."), "DigestFolderNotFound",
                ErrorCategory.ObjectNotFound, folder));

        var environmentName = located.EnvironmentName ?? Session?.Environment;
        var environment = environmentName is null ? null : Context.Environments.Find(environmentName);
        var keyId = DigestKeyId ?? environment?.AuditDigests?.KeyId;
        if (keyId is null)
            ThrowTerminatingError(ToErrorRecord(new KeyMgmtException("DigestKeyUnknown", FailureKind.InvalidArgument,
                "Which KMS key signs the digests is not known: the store's environment names no auditDigests.keyId.",
                "Pass -DigestKeyId (the key ARN or alias), or -Environment for an environment whose auditDigests names it."), folder));

        var session = Session ?? MatchingCurrentSession(environmentName);
        KeyMgmtSession? temporary = null;
        if (session is null)
        {
            if (environmentName is null)
                ThrowTerminatingError(ToErrorRecord(new KeyMgmtException("SessionRequired", FailureKind.InvalidArgument,
                    "Checking digest signatures needs KMS access, and no environment is named to connect to.",
                    "Pass -Environment, or connect first (Connect-KeyManagement) and pass -Session."), folder));
            WriteVerbose($"Connecting to '{environmentName}' as its base identity (no role) to read the digest key.");
            temporary = Own(Await(Context.ConnectAsync(new ConnectRequest(environmentName!, KeyMgmtRole.None), Cancellation)));
            session = temporary;
        }

        AnchoredChainVerification result;
        try
        {
            var store = WithStore(located, () => Context.Audit.Open(located));
            result = WithStore(located, () => Await(AnchoredChainVerifier.VerifyAsync(store, folder, session!, keyId!,
                AllSignatures ? DigestCheck.AllSignatures : AllDigests ? DigestCheck.AllDigests : DigestCheck.Newest, Cancellation)));
        }
        catch (KeyMgmtException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, folder));
            throw; // unreachable
        }
        WriteVerbose($"{result.DigestsListed} digest file(s), {result.DigestsRead} read ({result.Mode}), {result.DigestsAuthenticated} authenticated by {result.SignaturesChecked} signature check(s) " +
                     $"with {result.DigestKeyArn}; {result.Chain.RowsChecked} rows walked in {result.DurationMs / 1000.0:0.00} s.");
        foreach (var finding in result.Findings)
            WriteWarning($"{(finding.Severity == AuditFindingSeverity.Error ? "" : "(warning) ")}{finding.Kind}: {finding.Detail}");
        WriteObject(result);
    }

    private KeyMgmtSession? MatchingCurrentSession(string? environmentName)
    {
        var current = ActingSession;
        return current is not null && !current.IsClosed && !current.IsExpired
               && (environmentName is null || string.Equals(current.Environment, environmentName, StringComparison.OrdinalIgnoreCase))
            ? current : null;
    }
}
