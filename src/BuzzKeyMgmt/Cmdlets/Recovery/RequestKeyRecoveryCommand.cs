using System.Management.Automation;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Recovery;
using BuzzKeyMgmt.Validation;

namespace BuzzKeyMgmt.Cmdlets.Recovery;

/// <summary>Records a request to recover a revoked key under a change, by the caller; others must approve it.</summary>
[Cmdlet(VerbsLifecycle.Request, "KeyRecovery", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(RecoveryRequest))]
public sealed class RequestKeyRecoveryCommand : RecoveryCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Arn", "KeyArn", "TargetKeyId")]
    [ValidateNotNullOrEmpty]
    [ValidateKeyReference]
    [ArgumentCompleter(typeof(Completion.KeyIdCompleter))]
    public string[] KeyId { get; set; } = [];

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string ChangeId { get; set; } = "";

    [Parameter(Mandatory = true)]
    [ValidateLength(1, 1000)]
    public string Reason { get; set; } = "";

    protected override void ProcessRecord()
    {
        foreach (var key in KeyId)
        {
            if (!ShouldProcess(key, $"Request recovery under {ChangeId}")) continue;
            RunOperation(OperationRunner, new KeyRecoveryRequest(KeyReference.Parse(key), ChangeId, Reason), key);
        }
    }
}
