using System.Management.Automation;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Revocation;
using BuzzKeyMgmt.Engine.Operations.Runner;
using BuzzKeyMgmt.Validation;

namespace BuzzKeyMgmt.Cmdlets.Revocation;

/// <summary>Takes KMS keys out of service for an incident: disables each, reads it back, optionally schedules its
/// deletion, and records Started and Completed audit rows for every attempt.</summary>
[Cmdlet(VerbsSecurity.Revoke, "EncryptionKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RevocationResult))]
public sealed class RevokeEncryptionKeyCommand : KeyMgmtCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Arn")]
    [ValidateKeyReference]
    [ArgumentCompleter(typeof(Completion.KeyIdCompleter))]
    public string KeyId { get; set; } = "";

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string IncidentId { get; set; } = "";

    [Parameter(Mandatory = true)]
    [ValidateLength(1, 1000)]
    public string Reason { get; set; } = "";

    [Parameter]
    public SwitchParameter ScheduleDeletion { get; set; }

    [Parameter]
    [ValidateRange(7, 30)]
    public int? PendingWindowDays { get; set; }

    [Parameter]
    [ValidateFormat(@"^[0-9]{6}\z", "exactly 6 digits from your MFA device (an MFA code)")]
    public string? MfaCode { get; set; }

    [Parameter]
    public KeyMgmtSession? Session { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    private OperationRunner? _runner;
    private KeyMgmtSession? _session;

    protected override void BeginProcessing()
    {
        if (PendingWindowDays is not null && !ScheduleDeletion)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-PendingWindowDays applies only with -ScheduleDeletion."),
                "PendingWindowWithoutDeletion", ErrorCategory.InvalidArgument, PendingWindowDays));
        _session = RequireSession(Session);
        _runner = Runner(_session);
        var policy = PolicyOrDefault(_runner.Trail);
        try
        {
            // Refused once for the whole pipeline, before any key is read or any row written.
            Engine.Policy.OperatorInput.RequireIncidentId(policy, IncidentId);
            Engine.Policy.OperatorInput.RequireReason(Reason);
        }
        catch (Engine.KeyMgmtException ex)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(ex.Message), ex.ErrorId, ErrorCategory.InvalidArgument,
                ex.ErrorId == "ReasonInvalid" ? Reason : IncidentId) { ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = ex.RecommendedAction } });
        }
    }

    protected override void ProcessRecord()
    {
        var action = ScheduleDeletion ? $"Disable and schedule deletion in {PendingWindowDays ?? 7} days for incident {IncidentId}" : $"Disable for incident {IncidentId}";
        var explicitGate = MyInvocation.BoundParameters.ContainsKey("WhatIf") || MyInvocation.BoundParameters.ContainsKey("Confirm")
                           || SessionState.PSVariable.GetValue("WhatIfPreference") is true or SwitchParameter { IsPresent: true };
        if (!(Force && !explicitGate) && !ShouldProcess($"KMS key {KeyId} in '{_session!.Environment}'", action)) return;
        RunOperation(_runner!, new Engine.Operations.Revocation.Revocation(
            new RevocationRequest(KeyReference.Parse(KeyId), IncidentId, Reason, ScheduleDeletion, PendingWindowDays, MfaCode)), KeyId);
    }

    private static Engine.Policy.PolicySettings PolicyOrDefault(AuditTrail trail)
    {
        try
        {
            return trail.Use(store => store.GetPolicy());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Break-glass: the store is down or broken, whatever the failure, revocation must still run; the seeded
            // default pattern applies.
            return Engine.Policy.PolicySettings.Defaults;
        }
    }
}
