using BuzzKeyMgmt.Engine.Status;

namespace BuzzKeyMgmt.Engine.Rotation;

/// <summary>
/// Judges one key's rotation against the policy's period, from what KMS says: the newest rotation of its material
/// (ListKeyRotations, automatic or on demand) or, when it was never rotated, its creation; the automatic rotation
/// switch and period (GetKeyRotationStatus). The due date is that material date plus the policy's period; the audit
/// store's GetKeysDueForRotation and KeyComplianceStatus compute the same from the KeyStatus rows this run writes.
/// </summary>
public static class RotationEvaluator
{
    /// <summary>The item to list for the key, or null when its rotation needs nothing within the horizon.</summary>
    /// <param name="key">Read with its rotation history (Get-KeyStatus -IncludeRotationHistory).</param>
    public static RotationDueItem? Evaluate(KeyStatus key, int policyDays, DateTimeOffset now, int withinDays)
    {
        var materialSince = key.LastRotationDate ?? key.CreationDate ?? now;
        var due = materialSince.AddDays(policyDays);
        var dueByDate = due <= now.AddDays(withinDays);
        var overdue = due <= now;
        var reason = ReasonFor(key, policyDays, dueByDate, overdue);
        if (reason is null) return null;
        return new RotationDueItem
        {
            KeyId = key.KeyId, Arn = key.Arn, Alias = key.Alias, Environment = key.Environment, State = key.State, Reason = reason.Value,
            LastRotationDate = key.LastRotationDate, DueDate = due, DaysOverdue = (int)Math.Floor((now - due).TotalDays),
            RotationEnabled = key.RotationEnabled, RotationPeriodDays = key.RotationPeriodDays, PolicyPeriodDays = policyDays,
            NextRotationDate = key.NextRotationDate, CreationDate = key.CreationDate, KeySpec = key.KeySpec, KeyManager = key.KeyManager,
            Action = ActionFor(reason.Value),
        };
    }

    /// <summary>True for a key KMS can rotate automatically: a customer managed symmetric key with AWS-made material.</summary>
    public static bool CanRotate(KeyStatus key) =>
        key.KeySpec == "SYMMETRIC_DEFAULT" && key.Origin is null or "AWS_KMS" && key.KeyManager != "AWS";

    private static RotationDueReason? ReasonFor(KeyStatus key, int policyDays, bool dueByDate, bool overdue)
    {
        // Keys that are not rotation failures: listed apart, with their own reason, when their material is old.
        if (key.State == "PendingDeletion") return dueByDate ? RotationDueReason.PendingDeletion : null;
        if (key.State == "Disabled") return dueByDate ? RotationDueReason.KeyDisabled : null;
        if (key.KeyManager == "AWS") return dueByDate ? RotationDueReason.AwsManaged : null;
        if (key.State != "Enabled" || !CanRotate(key)) return dueByDate ? RotationDueReason.CannotRotate : null;
        // Rotation findings: the switch and the period are wrong whatever the date; then the date.
        if (key.RotationEnabled != true) return RotationDueReason.RotationDisabled;
        if (key.RotationPeriodDays is { } period && period > policyDays) return RotationDueReason.PeriodLongerThanPolicy;
        if (overdue) return key.LastRotationDate is null ? RotationDueReason.NeverRotated : RotationDueReason.Overdue;
        return dueByDate ? RotationDueReason.DueWithin : null;
    }

    private static string ActionFor(RotationDueReason reason) => reason switch
    {
        RotationDueReason.RotationDisabled or RotationDueReason.PeriodLongerThanPolicy => "EnableRotation",
        RotationDueReason.Overdue or RotationDueReason.NeverRotated or RotationDueReason.DueWithin => "Rotate",
        _ => "None",
    };
}
