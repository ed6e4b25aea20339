using System.Management.Automation;
using BuzzKeyMgmt.Engine;
using BuzzKeyMgmt.Engine.Alerts;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Operations.Runner;

namespace BuzzKeyMgmt.Cmdlets.Rotation;

/// <summary>
/// Base of the rotation cmdlets: the session (Admin role, taken from the operator's own credentials when the session
/// holds another), one runner for the pipeline, the keys a Get-KeyRotationDue item says cannot be acted on (skipped,
/// not attempted). The keys are collected and run when the input has ended (BulkKeyRun): progress of keys done of the total,
/// and for more than one key a one-line summary and one summary alert.
/// </summary>
public abstract class RotationCmdlet : KeyMgmtCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Arn", "KeyArn", "TargetKeyId")]
    [ValidateNotNullOrEmpty]
    [Validation.ValidateKeyReference]
    [ArgumentCompleter(typeof(Completion.KeyIdCompleter))]
    public string[] KeyId { get; set; } = [];

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
    private BulkKeyRun<(string? Action, object? Reason)>? _keys;
    private OperationRunner? _runner;
    private KeyMgmtSession? _session;

    protected abstract string AuditName { get; }

    /// <summary>Actions of a Get-KeyRotationDue item this cmdlet does not act on.</summary>
    protected abstract IReadOnlyCollection<string> SkippedActions { get; }

    protected KeyMgmtSession CurrentSession => _session ??= RequireSession(Session);

    protected OperationRunner OperationRunner => _runner ??= Runner(CurrentSession);

    protected override void BeginProcessing() => _keys = new BulkKeyRun<(string?, object?)>(this, AuditName, ProgressId, maxKeys: null);

    /// <summary>Collects the keys (each with what its Get-KeyRotationDue item said): the run starts when the input has
    /// ended, so its progress knows the total.</summary>
    protected override void ProcessRecord()
    {
        foreach (var key in KeyId) _keys!.Add(key, (RotationAction, RotationReason));
    }

    /// <summary>What to confirm for a key (ShouldProcess's action).</summary>
    protected abstract string Action { get; }

    /// <summary>Runs a key's operation, once it is confirmed (with <see cref="Run{T}"/>).</summary>
    private protected abstract BulkOutcome RunKey(string key);

    protected override void EndProcessing()
    {
        _keys!.Run((key, item) =>
        {
            if (item.Action is not null && SkippedActions.Contains(item.Action))
            {
                WriteStep($"Skipped {key}: {item.Reason} (nothing for {MyInvocation.MyCommand.Name} to do).");
                return BulkOutcome.Skipped;
            }
            if (!ShouldProcess($"KMS key {key} in '{CurrentSession.Environment}'", Action)) return BulkOutcome.Declined;
            return RunKey(key);
        });
        var summary = _keys.Summary;
        if (summary.Keys <= 1 || _session is null) return;
        var sent = Await(summary.SendAsync(_session, Cancellation));
        if (sent is { Delivery: not AlertDelivery.Published })
            WriteWarning($"The summary alert could not be published ({sent.ErrorCode}: {sent.ErrorMessage}); it waits in {sent.OutboxPath} for Sync-KeyAuditJournal.");
        else if (sent is not null)
            WriteStep($"Summary alert {sent.AlertId} published (SNS message id {sent.MessageId}).");
    }

    /// <summary>Runs one key's operation: Changed, Already (<paramref name="already"/> says so of the result) or Failed.</summary>
    private protected BulkOutcome Run<T>(KeyOperation<T> operation, string key, Func<T, bool>? already = null)
    {
        var result = RunOperation(OperationRunner, operation, key);
        return result is null ? BulkOutcome.Failed : already?.Invoke(result) == true ? BulkOutcome.Already : BulkOutcome.Changed;
    }
}
