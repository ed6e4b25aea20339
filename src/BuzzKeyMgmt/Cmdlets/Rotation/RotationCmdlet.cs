using System.Management.Automation;
using BuzzKeyMgmt.Engine;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Operations.Runner;

namespace BuzzKeyMgmt.Cmdlets.Rotation;

/// <summary>
/// Base of the rotation cmdlets: the session (Admin role, taken from the operator's own credentials when the session
/// holds another), one runner for the pipeline, the keys a Get-KeyRotationDue item says cannot be acted on (skipped,
/// not attempted), and at the end a one-line summary and, for more than one key, one summary alert.
/// </summary>
public abstract class RotationCmdlet : KeyMgmtCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Arn", "KeyArn")]
    [Validation.ValidateKeyReference]
    [ArgumentCompleter(typeof(Completion.KeyIdCompleter))]
    public string KeyId { get; set; } = "";

    [Parameter]
    public KeyMgmtSession? Session { get; set; }

    /// <summary>Bound from a Get-KeyRotationDue item's Action: "None" marks a key not to act on.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    [Alias("Action")]
    public string? RotationAction { get; set; }

    /// <summary>Bound from a Get-KeyRotationDue item's Reason (for the skip message).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
    [Alias("Reason")]
    public object? RotationReason { get; set; }

    private const int ProgressId = 43;
    private BulkRunSummary? _summary;
    private ProgressRecord? _progress;
    private OperationRunner? _runner;
    private KeyMgmtSession? _session;

    protected abstract string AuditName { get; }

    /// <summary>Actions of a Get-KeyRotationDue item this cmdlet does not act on.</summary>
    protected abstract IReadOnlyCollection<string> SkippedActions { get; }

    protected KeyMgmtSession CurrentSession => _session ??= RequireSession(Session);

    protected OperationRunner OperationRunner => _runner ??= Runner(CurrentSession);

    protected override void BeginProcessing() => _summary = new BulkRunSummary(AuditName);

    /// <summary>True (and counted as skipped) when the piped item says this key is not for this cmdlet.</summary>
    protected bool SkippedByItem()
    {
        if (RotationAction is null || !SkippedActions.Contains(RotationAction)) return false;
        WriteVerbose($"Skipped {KeyId}: {RotationReason} (nothing for {MyInvocation.MyCommand.Name} to do).");
        _summary!.Skip();
        return true;
    }

    /// <summary>Runs one key's operation and counts its outcome.</summary>
    protected void Run<T>(KeyOperation<T> operation)
    {
        _progress ??= new ProgressRecord(ProgressId, $"{MyInvocation.MyCommand.Name} ({AuditName})", "Starting");
        _progress.StatusDescription = $"{KeyId}: {_summary!.Succeeded} done, {_summary.Failed} failed, {_summary.Skipped} skipped so far";
        WriteProgress(_progress);
        try
        {
            WriteObject(Await(OperationRunner.RunAsync(operation, Cancellation)));
            _summary!.Done();
        }
        catch (KeyMgmtException ex)
        {
            _summary!.Fail();
            DrainEvents();
            WriteError(ToErrorRecord(ex, KeyId));
        }
    }

    protected override void EndProcessing()
    {
        if (_progress is not null)
        {
            _progress.RecordType = ProgressRecordType.Completed;
            WriteProgress(_progress);
        }
        if (_summary is null || _summary.Keys == 0) return;
        WriteInformation(new InformationRecord(_summary.ToString(), MyInvocation.MyCommand.Name));
        if (_summary.Keys <= 1 || _session is null) return;
        var sent = Await(_summary.SendAsync(_session, Cancellation));
        if (sent is { Delivery: not AlertDelivery.Published })
            WriteWarning($"The summary alert could not be published ({sent.ErrorCode}: {sent.ErrorMessage}); it waits in {sent.OutboxPath} for Sync-KeyAuditJournal.");
        else if (sent is not null)
            WriteVerbose($"Summary alert {sent.AlertId} published (SNS message id {sent.MessageId}).");
    }
}
