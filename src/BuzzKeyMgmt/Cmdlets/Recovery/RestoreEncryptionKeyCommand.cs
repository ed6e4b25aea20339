using System.Management.Automation;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Recovery;
using BuzzKeyMgmt.Validation;

namespace BuzzKeyMgmt.Cmdlets.Recovery;

/// <summary>Brings a revoked key back after two approvals, inside the recovery window: checks first, then the
/// Recovery role with MFA, cancel deletion, enable, read back, access test, audit. The keys of a pipeline are collected
/// first: more than -MaxKeys stops the command before the first change; a missing Recovery role is said (and audited)
/// without asking "Are you sure?"; a bulk run shows progress and ends with a summary line.</summary>
[Cmdlet(VerbsData.Restore, "EncryptionKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RecoveryResult))]
public sealed class RestoreEncryptionKeyCommand : RecoveryCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Arn", "KeyArn", "TargetKeyId")]
    [ValidateNotNullOrEmpty]
    [ValidateKeyReference]
    [ArgumentCompleter(typeof(Completion.KeyIdCompleter))]
    public string[] KeyId { get; set; } = [];

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string ChangeId { get; set; } = "";

    [Parameter]
    [ValidateFormat(@"^[0-9]{6}\z", "exactly 6 digits from your MFA device (an MFA code)")]
    public string? MfaCode { get; set; }

    /// <summary>Do not ask for confirmation (-WhatIf and an explicit -Confirm still apply; MFA is never skipped).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The most keys one command may restore (default 10): more stops it before the first change.</summary>
    [Parameter]
    [ValidateRange(1, 100_000)]
    public int MaxKeys { get; set; } = 10;

    private const int ProgressId = 45;
    private BulkKeyRun<string>? _keys;

    protected override void BeginProcessing()
    {
        _ = OperationRunner;   // the session (a clear error without one) before any input is taken
        _keys = new BulkKeyRun<string>(this, AuditOperations.Recover, ProgressId, MaxKeys);
    }

    /// <summary>Collects the keys (each with the change id it came with): nothing is changed before the input has ended.</summary>
    protected override void ProcessRecord()
    {
        foreach (var key in KeyId) _keys!.Add(key, ChangeId);
    }

    protected override void EndProcessing()
    {
        _keys!.RefuseOverLimit();
        var session = CurrentSession;
        var cannot = session.RoleShortfall(KeyMgmtRole.Recovery, MfaCode, "Recovery") is not null && !BulkKeyRun<string>.WhatIf(this);
        _keys.Run((key, changeId) =>
        {
            if (!cannot && !BulkKeyRun<string>.Approved(this, Force, $"KMS key {key} in '{session.Environment}'",
                    $"Restore (cancel deletion, enable) under {changeId}")) return BulkOutcome.Declined;
            var result = RunOperation(OperationRunner, new Restore(KeyReference.Parse(key), changeId, MfaCode), key);
            return result is null ? BulkOutcome.Failed : result.PreviousState == result.State ? BulkOutcome.Already : BulkOutcome.Changed;
        });
    }
}
