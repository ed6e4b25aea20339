using System.Management.Automation;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Recovery;
using BuzzKeyMgmt.Validation;

namespace BuzzKeyMgmt.Cmdlets.Recovery;

/// <summary>Proves applications can use a key: a GenerateDataKey and Decrypt round trip, timed and audited.</summary>
[Cmdlet(VerbsDiagnostic.Test, "KeyAccess")]
[OutputType(typeof(AccessTestResult))]
public sealed class TestKeyAccessCommand : RecoveryCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Arn", "KeyArn", "TargetKeyId")]
    [ValidateNotNullOrEmpty]
    [ValidateKeyReference]
    [ArgumentCompleter(typeof(Completion.KeyIdCompleter))]
    public string[] KeyId { get; set; } = [];

    [Parameter]
    [ValidateFormat(@"^[0-9]{6}\z", "exactly 6 digits from your MFA device (an MFA code)")]
    public string? MfaCode { get; set; }

    protected override void ProcessRecord()
    {
        var session = CurrentSession;
        foreach (var key in KeyId)
            RunOperation(OperationRunner, new AccessTest(KeyReference.Parse(key), MfaCode, session.IncidentId, session.ChangeId), key);
    }
}
