using System.Management.Automation;
using BuzzKeyMgmt.Engine.Kms;
using BuzzKeyMgmt.Engine.Rotation;

namespace BuzzKeyMgmt.Cmdlets.Rotation;

/// <summary>Rotates keys' material now (on-demand rotation) as the Admin role; read back, audited (ROTATE), a failure
/// alerted. The per-key lifetime limit and a rotation already running are clear errors, never retried.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "KeyRotation", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(RotationResult))]
public sealed class InvokeKeyRotationCommand : RotationCmdlet
{
    protected override string AuditName => Engine.Audit.AuditOperations.Rotate;

    protected override IReadOnlyCollection<string> SkippedActions { get; } = ["None"];

    protected override string Action => "Rotate the key material now (on demand)";

    private protected override BulkOutcome RunKey(string key) =>
        Run(new OnDemandRotation(KeyReference.Parse(key), CurrentSession.ChangeId, CurrentSession.IncidentId), key);
}
