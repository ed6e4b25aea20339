using System.Management.Automation;
using BuzzKeyMgmt.Engine;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Operations.Recovery;
using BuzzKeyMgmt.Validation;

namespace BuzzKeyMgmt.Cmdlets.Recovery;

/// <summary>Lists key recovery requests from the audit store, newest first, with their approvals and their status now
/// (Pending, Approved, Expired after 24 hours, Used once a restore used them); they pipe into Approve-KeyRecovery
/// (RequestId) and Restore-EncryptionKey (KeyId, ChangeId).</summary>
[Cmdlet(VerbsCommon.Get, "KeyRecoveryRequest")]
[OutputType(typeof(RecoveryRequest))]
public sealed class GetKeyRecoveryRequestCommand : Audit.AuditCmdlet
{
    /// <summary>Only requests in these states: Pending, Approved, Expired, Used (a restore used it; also Completed) or Cancelled.</summary>
    [Parameter(Position = 0)]
    [ValidateSet("Pending", "Approved", "Expired", "Used", "Completed", "Cancelled", IgnoreCase = true)]
    public string[]? Status { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateKeyReference]
    [ArgumentCompleter(typeof(Completion.KeyIdCompleter))]
    public string? KeyId { get; set; }

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ValidateLength(1, 64)]
    public string? ChangeId { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(Completion.RequestIdCompleter))]
    public Guid? RequestId { get; set; }

    /// <summary>At most this many requests (the newest).</summary>
    [Parameter]
    [ValidateRange(1, RecoveryRequestQuery.MaxLast)]
    public int Last { get; set; } = RecoveryRequestQuery.MaxLast;

    private AuditLocation? _located;

    protected override void ProcessRecord()
    {
        if (RequestId == Guid.Empty)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-RequestId is the empty GUID: expected the id of a recovery request (Tab offers the pending ones)."),
                "RequestIdInvalid", ErrorCategory.InvalidArgument, RequestId));
        IReadOnlySet<RecoveryRequestStatus>? statuses = null;
        try
        {
            statuses = RecoveryRequestFinder.Statuses(Status);
        }
        catch (KeyMgmtException ex)
        {
            ThrowTerminatingError(ToErrorRecord(ex, Status));
        }
        _located ??= LocateStore();
        var located = _located;
        var found = WithStore(located, () => RecoveryRequestFinder.Find(Context, located, ActingSession, RequestId, KeyId, ChangeId, statuses, Last));
        foreach (var request in found) WriteObject(request);
    }
}
