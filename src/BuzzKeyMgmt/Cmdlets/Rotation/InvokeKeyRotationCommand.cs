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

    protected override void ProcessRecord()
    {
        if (SkippedByItem()) return;
        if (!ShouldProcess($"KMS key {KeyId} in '{CurrentSession.Environment}'", "Rotate the key material now (on demand)")) return;
        Run(new OnDemandRotation(KeyReference.Parse(KeyId), CurrentSession.ChangeId, CurrentSession.IncidentId));
    }
}
