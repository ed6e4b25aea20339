using System.Management.Automation;
using BuzzKeyMgmt.Engine.Audit;
using BuzzKeyMgmt.Engine.Configuration;
using BuzzKeyMgmt.Engine.Identity;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Operations.Revocation;
using BuzzKeyMgmt.Engine.Operations.Runner;
using BuzzKeyMgmt.Validation;

namespace BuzzKeyMgmt.Cmdlets.Revocation;

/// <summary>Takes KMS keys out of service for an incident: disables each, reads it back, optionally schedules its
/// deletion, and records Started and Completed audit rows for every attempt. The keys of a pipeline are collected first:
/// more than -MaxKeys stops the command before the first change; what cannot succeed for want of the Emergency role is
/// said (and audited) without asking "Are you sure?"; a bulk run shows progress and ends with a summary line.</summary>
[Cmdlet(VerbsSecurity.Revoke, "EncryptionKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(RevocationResult))]
public sealed class RevokeEncryptionKeyCommand : KeyMgmtCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Arn", "KeyArn", "TargetKeyId")]
    [ValidateNotNullOrEmpty]
    [ValidateKeyReference]
    [ArgumentCompleter(typeof(Completion.KeyIdCompleter))]
    public string[] KeyId { get; set; } = [];

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

    /// <summary>The most keys one command may revoke (default 10): more stops it before the first change.</summary>
    [Parameter]
    [ValidateRange(1, 100_000)]
    public int MaxKeys { get; set; } = DefaultMaxKeys;

    public const int DefaultMaxKeys = 10;

    private const int ProgressId = 44;   // not 41: Get-KeyStatus (FleetProgress) may be the bar upstream
    private OperationRunner? _runner;
    private KeyMgmtSession? _session;
    private BulkKeyRun<string>? _keys;

    protected override void BeginProcessing()
    {
        if (PendingWindowDays is not null && !ScheduleDeletion)
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-PendingWindowDays applies only with -ScheduleDeletion."),
                "PendingWindowWithoutDeletion", ErrorCategory.InvalidArgument, PendingWindowDays));
        _session = RequireSession(Session);
        _runner = Runner(_session);
        _keys = new BulkKeyRun<string>(this, AuditOperations.Revoke, ProgressId, MaxKeys);
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

    /// <summary>Collects the keys: nothing is changed before the input has ended and its size is known.</summary>
    protected override void ProcessRecord()
    {
        foreach (var key in KeyId) _keys!.Add(key, key);
    }

    protected override void EndProcessing()
    {
        _keys!.RefuseOverLimit();
        // Checked before anyone is asked "Are you sure?": without the Emergency role (and no -MfaCode to take it) no key
        // can be revoked, so no key is asked about; each attempt still runs to its audited refusal.
        var cannot = _session!.RoleShortfall(KeyMgmtRole.Emergency, MfaCode, "Revocation") is not null && !BulkKeyRun<string>.WhatIf(this);
        var action = ScheduleDeletion ? $"Disable and schedule deletion in {PendingWindowDays ?? 7} days for incident {IncidentId}" : $"Disable for incident {IncidentId}";
        _keys.Run((key, _) =>
        {
            if (!cannot && !BulkKeyRun<string>.Approved(this, Force, $"KMS key {key} in '{_session.Environment}'", action)) return BulkOutcome.Declined;
            var result = RunOperation(_runner!, new Engine.Operations.Revocation.Revocation(
                new RevocationRequest(KeyReference.Parse(key), IncidentId, Reason, ScheduleDeletion, PendingWindowDays, MfaCode)), key);
            return result is null ? BulkOutcome.Failed : result.AlreadyRevoked ? BulkOutcome.Already : BulkOutcome.Changed;
        });
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
