using System.Management.Automation;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Recovery;
using BuzzKeyMgmt.Validation;

namespace BuzzKeyMgmt.Cmdlets.Recovery;

/// <summary>Brings a revoked key back after two approvals, inside the recovery window: checks first, then the
/// Recovery role with MFA, cancel deletion, enable, read back, access test, audit.</summary>
[Cmdlet(VerbsData.Restore, "EncryptionKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RecoveryResult))]
public sealed class RestoreEncryptionKeyCommand : RecoveryCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateKeyReference]
    [ArgumentCompleter(typeof(Completion.KeyIdCompleter))]
    public string KeyId { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string ChangeId { get; set; } = "";

    [Parameter]
    [ValidateFormat(@"^[0-9]{6}\z", "exactly 6 digits from your MFA device (an MFA code)")]
    public string? MfaCode { get; set; }

    protected override void ProcessRecord()
    {
        if (!ShouldProcess(KeyId, $"Restore (cancel deletion, enable) under {ChangeId}")) return;
        RunOperation(OperationRunner, new Restore(KeyReference.Parse(KeyId), ChangeId, MfaCode), KeyId);
    }
}
