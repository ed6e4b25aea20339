using System.Management.Automation;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Rotation;

namespace BuzzKeyMgmt.Cmdlets.Rotation;

/// <summary>Turns a key's automatic rotation on with a period (default: the policy's 90 days) or off, as the Admin role;
/// read back, audited (ROTATE_POLICY), a failure alerted.</summary>
[Cmdlet(VerbsCommon.Set, "KeyRotationPolicy", DefaultParameterSetName = "Enable", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RotationPolicyResult))]
public sealed class SetKeyRotationPolicyCommand : RotationCmdlet
{
    private int _policyDays;

    [Parameter(ParameterSetName = "Enable")]
    [ValidateRange(90, 2560)]
    public int? RotationPeriodDays { get; set; }

    [Parameter(ParameterSetName = "Disable", Mandatory = true)]
    public SwitchParameter Disable { get; set; }

    /// <summary>Sets a period longer than the policy's.</summary>
    [Parameter(ParameterSetName = "Enable")]
    public SwitchParameter Force { get; set; }

    protected override string AuditName => Engine.Audit.AuditOperations.RotationPolicy;

    protected override IReadOnlyCollection<string> SkippedActions { get; } = ["None", "Rotate"];

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        try
        {
            _policyDays = OperationRunner.Trail.Use(store => store.GetPolicy()).RotationPeriodDays;
        }
        catch (Engine.Audit.AuditStoreException ex)
        {
            // Refused later by the runner (no audit row, no change); say why the policy is unknown.
            _policyDays = Engine.Policy.PolicySettings.Defaults.RotationPeriodDays;
            WriteStep($"The policy could not be read ({ex.Message}).");
        }
    }

    protected override string Action => Disable ? "Turn automatic rotation off" : $"Rotate automatically every {RotationPeriodDays ?? _policyDays} days";

    private protected override BulkOutcome RunKey(string key) =>
        Run(new RotationPolicyChange(KeyReference.Parse(key), RotationPeriodDays, Disable, _policyDays, Force, CurrentSession.ChangeId, CurrentSession.IncidentId),
            key, r => !r.Changed);
}
